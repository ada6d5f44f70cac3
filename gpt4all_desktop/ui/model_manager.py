"""The model manager dialog: Catalog, Search Hugging Face, Installed, Downloads.

Usage from the main window::

    downloads = DownloadController(paths)           # created once; outlives the dialog
    dialog = ModelManagerDialog(downloads, paths=paths, is_loaded=engine_has_model_loaded)
    dialog.modelInstalled.connect(on_model_installed)   # path of a downloaded or imported model
    dialog.show()
    ...
    downloads.shutdown()                             # at quit: pauses transfers, resumable next start

All network and disk work runs in :class:`~gpt4all_desktop.workers.download_worker.TaskRunner`
or the download worker; the dialog only paints results. When Hugging Face cannot be reached a
banner says so, and the catalog and installed models keep working.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.catalog import Catalog, CatalogError, load_catalog
from gpt4all_desktop.core.downloads import DownloadSnapshot, DownloadState, Problem
from gpt4all_desktop.core.fit import MemoryInfo, system_memory
from gpt4all_desktop.core.hub import HubClient
from gpt4all_desktop.core.installed_models import InstalledModel, InstalledModels
from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.ui.live_text import LiveText
from gpt4all_desktop.ui.model_manager_catalog import CatalogTab
from gpt4all_desktop.ui.model_manager_installed import InstalledTab
from gpt4all_desktop.ui.model_manager_search import SearchTab
from gpt4all_desktop.ui.model_manager_widgets import DownloadRow
from gpt4all_desktop.workers.download_worker import DownloadController, TaskRunner

log = logging.getLogger(__name__)

CONTEXT_CHOICES = (2048, 4096, 8192, 16384, 32768)


class DownloadsTab(QWidget):
    """One row per download, newest last, with progress and Pause / Resume / Cancel."""

    def __init__(self, downloads: DownloadController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._downloads = downloads
        self.rows: dict[str, DownloadRow] = {}
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.addWidget(self.empty)
        self._list_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self._list)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll)
        self.retranslateUi()
        downloads.progress.connect(self.update_snapshot)
        for snapshot in downloads.snapshots():
            self.update_snapshot(snapshot)

    def retranslateUi(self) -> None:
        """Set the tab's texts in the current language; each row retranslates itself."""
        self.empty.setText(self.tr("No downloads yet. Pick a model in the Catalog or search Hugging Face."))
        self.scroll.setAccessibleName(self.tr("Downloads"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    @Slot(object)
    def update_snapshot(self, snapshot: DownloadSnapshot) -> None:
        row = self.rows.get(snapshot.id)
        if row is None:
            row = DownloadRow(snapshot)
            row.pauseRequested.connect(self._downloads.pause)
            row.resumeRequested.connect(self._downloads.resume)
            row.cancelRequested.connect(self._downloads.cancel)
            row.removeRequested.connect(self._on_remove)
            self.rows[snapshot.id] = row
            self._list_layout.insertWidget(self._list_layout.count() - 1, row)
            self.empty.hide()
        else:
            row.update_snapshot(snapshot)

    @Slot(str)
    def _on_remove(self, job_id: str) -> None:
        row = self.rows.pop(job_id, None)
        if row is not None:
            row.deleteLater()
        self._downloads.forget(job_id)
        self.empty.setVisible(not self.rows)


class ModelManagerDialog(QDialog):
    """Browse, download, import and manage models. Emits :attr:`modelInstalled` with the new file's path."""

    modelInstalled = Signal(str)

    def __init__(
        self,
        downloads: DownloadController,
        *,
        paths: AppPaths | None = None,
        hub: HubClient | None = None,
        catalog: Catalog | None = None,
        memory: MemoryInfo | None = None,
        use_gpu: bool = False,
        is_loaded: Callable[[Path], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("modelManager")
        self.resize(980, 640)
        self._paths = paths or downloads.paths
        self._downloads = downloads
        self._hub = hub or downloads.hub
        self.tasks = TaskRunner(self)
        self._shut_down = False
        self.installed_models = InstalledModels(self._paths, is_loaded=is_loaded)
        memory = memory or system_memory()
        context = 4096

        self.offline_banner = QLabel()
        self.offline_banner.setObjectName("offlineBanner")
        self.offline_banner.setWordWrap(True)
        self.offline_banner.setStyleSheet("QLabel#offlineBanner { color: #4a3000; background: #ffe0a3; padding: 6px; }")
        self.offline_banner.hide()
        self.message = QLabel()
        self.message.setObjectName("managerMessage")
        self.message.setWordWrap(True)
        self.message_text = LiveText(self.message)
        self.context_choice = QComboBox()
        for value in CONTEXT_CHOICES:
            self.context_choice.addItem("", value)
        self.context_choice.setCurrentIndex(CONTEXT_CHOICES.index(context))
        self.context_choice.currentIndexChanged.connect(self._on_context_changed)
        self.context_label = QLabel()
        self.context_label.setBuddy(self.context_choice)

        try:
            catalog = catalog or load_catalog()
        except CatalogError as exc:
            log.error("Catalog unavailable: %s", exc)
            self.message_text.set_plain(str(exc))
            catalog = Catalog("", ())
        self.catalog_tab = CatalogTab(catalog, memory, context, use_gpu)
        self.search_tab = SearchTab(self._hub, self.tasks, downloads.token_store, memory, context, use_gpu)
        self.installed_tab = InstalledTab(self.installed_models, self.tasks)
        self.downloads_tab = DownloadsTab(downloads)
        self.tabs = QTabWidget()
        for tab in (self.catalog_tab, self.search_tab, self.installed_tab, self.downloads_tab):
            self.tabs.addTab(tab, "")

        self.catalog_tab.downloadRequested.connect(self._start_download)
        self.search_tab.downloadRequested.connect(self._start_download)
        self.search_tab.hubFailed.connect(self._on_hub_failed)
        self.search_tab.hubReachable.connect(self._set_online)
        self.installed_tab.modelImported.connect(self.modelInstalled)
        self.installed_tab.modelsChanged.connect(self._on_models_changed)
        downloads.finished.connect(self._on_download_finished)
        downloads.resolveFailed.connect(self._on_resolve_failed)
        downloads.progress.connect(self._on_download_progress)

        top = QHBoxLayout()
        top.addWidget(self.context_label)
        top.addWidget(self.context_choice)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.offline_banner)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.retranslateUi()

        self.installed_tab.refresh()
        hub_client = self._hub
        self.tasks.submit("online", hub_client.check_online, self._on_online_checked)

    # -- translation ---------------------------------------------------------------------------
    def retranslateUi(self) -> None:
        """Set the dialog's own texts in the current language; each tab retranslates itself."""
        self.setWindowTitle(self.tr("Models"))
        for index, value in enumerate(CONTEXT_CHOICES):
            self.context_choice.setItemText(index, self.tr("%1 tokens").replace("%1", f"{value:,}"))
        self.context_choice.setAccessibleName(self.tr("Context length used for the memory estimates"))
        self.context_label.setText(self.tr("Estimate memory for a context of"))
        self.tabs.setAccessibleName(self.tr("Model manager sections"))
        titles = ((self.catalog_tab, self.tr("Catalog")), (self.search_tab, self.tr("Search Hugging Face")),
                  (self.installed_tab, self.tr("Installed")), (self.downloads_tab, self.tr("Downloads")))
        for tab, title in titles:
            self.tabs.setTabText(self.tabs.indexOf(tab), title)
        self.offline_banner.setText(self.tr(
            "You are offline, or Hugging Face cannot be reached. The catalog and your installed models still "
            "work; searching and downloading resume once you are back online."))
        self.message_text.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    # -- hub state -----------------------------------------------------------------------------
    @property
    def offline(self) -> bool:
        return not self.offline_banner.isHidden()

    def _on_online_checked(self, online: bool) -> None:
        if online:
            self._set_online()
        else:
            self._set_offline()

    def _set_offline(self) -> None:
        self.offline_banner.show()

    @Slot()
    def _set_online(self) -> None:
        self.offline_banner.hide()

    @Slot(str)
    def _on_hub_failed(self, message: str) -> None:
        if "offline" in message.lower() or "cannot be reached" in message.lower():
            self._set_offline()

    # -- downloads -----------------------------------------------------------------------------
    @Slot(str, str)
    def _start_download(self, repo_id: str, filename: str) -> None:
        self.message_text.set(lambda: self.tr("Starting the download of %1…").replace("%1", filename))
        self._downloads.download(repo_id, filename)
        self.tabs.setCurrentWidget(self.downloads_tab)

    @Slot(str, str, str)
    def _on_resolve_failed(self, repo_id: str, filename: str, message: str) -> None:
        self.message_text.set_plain(message)
        self._on_hub_failed(message)

    @Slot(object)
    def _on_download_progress(self, snapshot: DownloadSnapshot) -> None:
        if snapshot.state is DownloadState.QUEUED:
            self.message_text.clear()
        if snapshot.state is DownloadState.PAUSED and snapshot.problem is Problem.NETWORK:
            self._set_offline()
        elif snapshot.state is DownloadState.DOWNLOADING:
            self._set_online()

    @Slot(object)
    def _on_download_finished(self, snapshot: DownloadSnapshot) -> None:
        self.installed_tab.refresh()
        if snapshot.dest_path:
            self.modelInstalled.emit(snapshot.dest_path)

    @Slot(object)
    def _on_models_changed(self, models: list[InstalledModel]) -> None:
        self.catalog_tab.set_installed({m.name for m in models if m.usable})

    @Slot(int)
    def _on_context_changed(self, _index: int) -> None:
        value = int(self.context_choice.currentData())
        self.catalog_tab.set_context_length(value)
        self.search_tab.set_context_length(value)

    # -- lifetime ------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the task thread (downloads keep running in the controller)."""
        if self._shut_down:
            return
        self._shut_down = True
        for signal, slot in ((self._downloads.finished, self._on_download_finished),
                             (self._downloads.resolveFailed, self._on_resolve_failed),
                             (self._downloads.progress, self._on_download_progress),
                             (self._downloads.progress, self.downloads_tab.update_snapshot)):
            signal.disconnect(slot)
        self.tasks.shutdown()

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
