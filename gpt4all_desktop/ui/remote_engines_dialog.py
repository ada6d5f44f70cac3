"""Add, edit and remove remote engines (OpenAI-compatible servers), and test them.

The dialog edits the :class:`~gpt4all_desktop.core.remote_registry.RemoteRegistry` directly on
Save and Remove and says so through :attr:`RemoteEnginesDialog.enginesChanged`, so the window can
refresh its model picker and re-register engines with the inference worker. "Test connection"
lists the server's models on a worker thread with what is in the form, saved or not. The API key
field never shows a stored key: left empty it keeps the stored one.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.remote_engine import RemoteEndpoint, RemoteModel, normalize_base_url
from gpt4all_desktop.core.remote_registry import RemoteRegistry
from gpt4all_desktop.ui.live_text import LiveText
from gpt4all_desktop.workers.remote_models_worker import RemoteModelsLister

log = logging.getLogger(__name__)

ENGINE_ID_ROLE = Qt.ItemDataRole.UserRole
NEW_ENGINE = ""  # the id of the form while adding an engine


def _is_local_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RemoteEnginesDialog(QDialog):
    """The list of remote engines on the left, the selected engine's form on the right."""

    enginesChanged = Signal()

    def __init__(self, registry: RemoteRegistry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry if registry is not None else RemoteRegistry()
        self.lister = RemoteModelsLister(self)
        self.lister.modelsListed.connect(self._on_models_listed)
        self.lister.listFailed.connect(self._on_list_failed)
        self.lister.busyChanged.connect(self._on_busy)
        self._engine_id = NEW_ENGINE
        self._has_key = False  # whether the engine shown has a stored API key
        self._models: list[RemoteModel] = []  # the models listed for the engine shown
        self.setObjectName("remoteEnginesDialog")
        self._build()
        self.retranslateUi()
        self.reload()

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        self.engine_list = QListWidget()
        self.engine_list.setObjectName("remoteEngineList")
        self.engine_list.currentItemChanged.connect(self._on_selected)
        self.add_button = QPushButton()
        self.add_button.setObjectName("remoteAddButton")
        self.add_button.clicked.connect(self._on_add)
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("remoteRemoveButton")
        self.remove_button.clicked.connect(self._on_remove)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.engine_list)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left_layout.addLayout(row)

        self.name_edit = self._line("remoteName")
        self.url_edit = self._line("remoteUrl")
        self.url_edit.setPlaceholderText("http://192.168.1.20:8080/v1")
        self.url_edit.textChanged.connect(self._update_warning)
        self.key_edit = self._line("remoteKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.textChanged.connect(self._update_warning)
        self.forget_key = QCheckBox()
        self.forget_key.setObjectName("remoteForgetKey")
        self.cert_edit = self._line("remoteCert")
        self.cert_button = QPushButton()
        self.cert_button.setObjectName("remoteCertBrowse")
        self.cert_button.clicked.connect(self._on_browse_cert)
        cert_row = QHBoxLayout()
        cert_row.addWidget(self.cert_edit, 1)
        cert_row.addWidget(self.cert_button)

        self.name_label, self.url_label, self.key_label, self.cert_label = QLabel(), QLabel(), QLabel(), QLabel()
        self.name_label.setBuddy(self.name_edit)
        self.url_label.setBuddy(self.url_edit)
        self.key_label.setBuddy(self.key_edit)
        self.cert_label.setBuddy(self.cert_edit)
        form = QFormLayout()
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.url_label, self.url_edit)
        form.addRow(self.key_label, self.key_edit)
        form.addRow("", self.forget_key)
        form.addRow(self.cert_label, cert_row)

        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.key_note.setObjectName("remoteKeyNote")
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setObjectName("remoteWarning")
        self.warning.setVisible(False)

        self.test_button = QPushButton()
        self.test_button.setObjectName("remoteTestButton")
        self.test_button.clicked.connect(self.test_connection)
        self.save_button = QPushButton()
        self.save_button.setObjectName("remoteSaveButton")
        self.save_button.clicked.connect(self.save)
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)

        self.status = QLabel()
        self.status.setObjectName("remoteStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_text = LiveText(self.status)
        self.model_list = QListWidget()
        self.model_list.setObjectName("remoteModelList")
        self.models_label = QLabel()
        self.models_label.setBuddy(self.model_list)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form)
        right_layout.addWidget(self.key_note)
        right_layout.addWidget(self.warning)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.models_label)
        right_layout.addWidget(self.model_list, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(760, 440)

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        return edit

    # ------------------------------------------------------- translation
    def retranslateUi(self) -> None:
        """Set every text in the current language (again on every language switch)."""
        self.setWindowTitle(self.tr("Remote engines"))
        self.engine_list.setAccessibleName(self.tr("Remote engines"))
        self.add_button.setText(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add a remote engine"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setAccessibleName(self.tr("Remove the selected remote engine"))
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.name_edit.setPlaceholderText(self.tr("My workstation"))
        self.url_edit.setAccessibleName(self.tr("Base URL"))
        self.key_edit.setAccessibleName(self.tr("API key"))
        self._show_key_placeholder()
        self.forget_key.setText(self.tr("Remove the stored API key"))
        self.forget_key.setAccessibleName(self.tr("Remove the stored API key"))
        self.cert_edit.setAccessibleName(self.tr("Trusted certificate"))
        self.cert_edit.setPlaceholderText(self.tr("Only for a server with a self-signed certificate"))
        self.cert_button.setText(self.tr("Browse…"))
        self.cert_button.setAccessibleName(self.tr("Choose a certificate file to trust"))
        self.name_label.setText(self.tr("Name:"))
        self.url_label.setText(self.tr("Base URL:"))
        self.key_label.setText(self.tr("API key:"))
        self.cert_label.setText(self.tr("Trust certificate:"))
        self.key_note.setText(self._key_note_text())
        self.test_button.setText(self.tr("Test connection"))
        self.test_button.setAccessibleName(self.tr("Test the connection and list the models"))
        self.save_button.setText(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save this remote engine"))
        self.status.setAccessibleName(self.tr("Connection status"))
        self.status_text.refresh()
        self.models_label.setText(self.tr("Models:"))
        self.model_list.setAccessibleName(self.tr("Models on this engine"))
        self._show_models(self._models)
        self._update_warning()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def _show_key_placeholder(self) -> None:
        self.key_edit.setPlaceholderText(self.tr("Stored; leave empty to keep it") if self._has_key
                                         else self.tr("Optional"))

    def _key_note_text(self) -> str:
        if getattr(self.registry.secrets, "kind", "file") == "keyring":
            return self.tr("API keys are kept in the system's secret store, never in chats or exports.")
        return self.tr("API keys are kept in a file only you can read in the settings folder, "
                       "never in chats or exports.")

    # ------------------------------------------------------------- state
    def reload(self, select: str | None = None) -> None:
        """Refill the list from the registry and select ``select`` (or keep the selection)."""
        keep = self._engine_id if select is None else select
        self.engine_list.blockSignals(True)
        self.engine_list.clear()
        current = None
        for config in self.registry.engines():
            item = QListWidgetItem(f"{config.label}\n{config.host}")
            item.setData(ENGINE_ID_ROLE, config.id)
            item.setToolTip(config.base_url)
            self.engine_list.addItem(item)
            if config.id == keep:
                current = item
        self.engine_list.blockSignals(False)
        if current is not None:
            self.engine_list.setCurrentItem(current)
            self._show_engine(keep)
        elif self.engine_list.count():
            self.engine_list.setCurrentRow(0)
        else:
            self._show_engine(NEW_ENGINE)

    def _show_engine(self, engine_id: str) -> None:
        self._engine_id = engine_id
        config = self.registry.get(engine_id) if engine_id else None
        self.name_edit.setText(config.name if config else "")
        self.url_edit.setText(config.base_url if config else "")
        self.cert_edit.setText(config.trusted_cert if config else "")
        self.key_edit.clear()
        has_key = bool(config) and self.registry.has_api_key(engine_id)
        self._has_key = has_key
        self._show_key_placeholder()
        self.forget_key.setChecked(False)
        self.forget_key.setVisible(has_key)
        self.remove_button.setEnabled(config is not None)
        self._show_models(list(config.models) if config else [])
        if config:
            self.status_text.clear()
        else:
            self.status_text.set(lambda: self.tr("Enter the server's address, then test the connection."))
        self._update_warning()

    def _show_models(self, models: list[RemoteModel]) -> None:
        self._models = list(models)
        self.model_list.clear()
        for model in self._models:
            text = model.display_name
            if model.context_length:
                text += self.tr(" (context {0})").format(model.context_length)
            item = QListWidgetItem(text)
            item.setToolTip(model.id)
            self.model_list.addItem(item)

    def _form_endpoint(self) -> RemoteEndpoint:
        """What the form describes; raises ValueError with a user-facing message."""
        url = normalize_base_url(self.url_edit.text())
        key = self.key_edit.text().strip()
        if not key and self._engine_id and not self.forget_key.isChecked():
            key = self.registry.api_key(self._engine_id)
        return RemoteEndpoint(url, key, self.cert_edit.text().strip())

    # ----------------------------------------------------------- actions
    @Slot()
    def test_connection(self) -> None:
        try:
            endpoint = self._form_endpoint()
        except ValueError as exc:
            self.status_text.set_plain(str(exc))
            return
        self._show_models([])
        host = endpoint.host
        self.status_text.set(lambda: self.tr("Connecting to {0}…").format(host))
        self.lister.request(self._engine_id, endpoint)

    @Slot()
    def save(self) -> bool:
        """Store the form; on success list the engine's models for the picker."""
        key = self.key_edit.text().strip()
        try:
            if self._engine_id:
                api_key = key or ("" if self.forget_key.isChecked() else None)
                config = self.registry.update(self._engine_id, name=self.name_edit.text(),
                                              base_url=self.url_edit.text(), trusted_cert=self.cert_edit.text(),
                                              api_key=api_key)
            else:
                config = self.registry.add(self.name_edit.text(), self.url_edit.text(), key, self.cert_edit.text())
        except ValueError as exc:
            self.status_text.set_plain(str(exc))
            return False
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.status_text.set(lambda: self.tr("The remote engines could not be saved: {0}").format(reason))
            return False
        self.reload(select=config.id)
        self.status_text.set(lambda: self.tr("Saved. Listing the models…"))
        self.enginesChanged.emit()
        self.lister.request(config.id, self.registry.endpoint(config.id))
        return True

    @Slot()
    def _on_add(self) -> None:
        self.engine_list.blockSignals(True)
        self.engine_list.clearSelection()
        self.engine_list.setCurrentItem(None)
        self.engine_list.blockSignals(False)
        self._show_engine(NEW_ENGINE)
        self.name_edit.setFocus()

    @Slot()
    def _on_remove(self) -> None:
        if not self._engine_id:
            return
        try:
            self.registry.remove(self._engine_id)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.status_text.set(lambda: self.tr("The remote engine could not be removed: {0}").format(reason))
            return
        self._engine_id = NEW_ENGINE
        self.reload(select=NEW_ENGINE)
        self.enginesChanged.emit()

    @Slot()
    def _on_browse_cert(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Trust a certificate"), self.cert_edit.text(),
                                              self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if path:
            self.cert_edit.setText(path)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_selected(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self._show_engine(current.data(ENGINE_ID_ROLE) if current is not None else NEW_ENGINE)

    @Slot()
    def _update_warning(self) -> None:
        url = self.url_edit.text().strip()
        has_key = bool(self.key_edit.text().strip()) or (bool(self._engine_id) and self.forget_key.isVisible())
        plain = url.lower().startswith("http://") or ("://" not in url and bool(url))
        show = plain and has_key and not _is_local_host(url if "://" in url else "http://" + url)
        self.warning.setText(self.tr("This address is not encrypted (http://): the API key and your chats travel "
                                     "in the clear. Use https:// if the server offers it.") if show else "")
        self.warning.setVisible(show)

    @Slot(str, object)
    def _on_models_listed(self, engine_id: str, models: list[RemoteModel]) -> None:
        if engine_id and self.registry.get(engine_id) is not None:
            saved = self.registry.get(engine_id)
            try:
                form_url = normalize_base_url(self.url_edit.text())
            except ValueError:
                form_url = ""
            if saved is not None and (engine_id != self._engine_id or form_url == saved.base_url):
                self.registry.remember_models(engine_id, models)
                self.enginesChanged.emit()
        if engine_id != self._engine_id:
            return
        self._show_models(models)
        count = len(models)
        if count:
            self.status_text.set(lambda: self.tr("Connected: {0} model(s) available.").format(count))
        else:
            self.status_text.set(lambda: self.tr("Connected, but the server offers no models."))

    @Slot(str, str)
    def _on_list_failed(self, engine_id: str, message: str) -> None:
        if engine_id == self._engine_id:
            self.status_text.set_plain(message)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)

    def done(self, result: int) -> None:
        """Close any connection in flight and stop the listing thread with the dialog."""
        self.lister.shutdown()
        super().done(result)
