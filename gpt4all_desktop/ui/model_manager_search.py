"""The Search Hugging Face tab: GGUF repos by keyword, their files with fit badges, and the token."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.fit import MemoryInfo, estimate_fit, format_bytes, kv_cache_bytes, recommend_quantization
from gpt4all_desktop.core.hub import HubClient, HubFile, HubRepo, TokenStore
from gpt4all_desktop.ui.live_text import LiveText
from gpt4all_desktop.ui.model_manager_widgets import FitBadge
from gpt4all_desktop.workers.download_worker import TaskRunner

FILE_COLUMNS = ("file", "quantization", "size", "fit", "action")


class SearchTab(QWidget):
    downloadRequested = Signal(str, str)  # repo id, file name
    hubFailed = Signal(str)  # message (offline, token needed...)
    hubReachable = Signal()

    def __init__(self, hub: HubClient, tasks: TaskRunner, token_store: TokenStore, memory: MemoryInfo,
                 context_length: int, use_gpu: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hub = hub
        self._tasks = tasks
        self._tokens = token_store
        self._memory = memory
        self._context = context_length
        self._use_gpu = use_gpu
        self._repos: list[HubRepo] = []
        self._files: list[HubFile] = []

        self.query = QLineEdit()
        self.query.returnPressed.connect(self.search)
        self.sort = QComboBox()
        self.sort.addItem("", "downloads")
        self.sort.addItem("", "recent")
        self.search_button = QPushButton()
        self.search_button.clicked.connect(self.search)
        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        self.status_text = LiveText(self.status)

        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.currentRowChanged.connect(self._on_repo_selected)
        self.files = QTableWidget(0, len(FILE_COLUMNS))
        self.files.setObjectName("repoFiles")
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.verticalHeader().setVisible(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.results)
        splitter.addWidget(self.files)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([340, 620])

        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_token = QPushButton()
        self.save_token.clicked.connect(self._on_save_token)
        self.forget_token = QPushButton()
        self.forget_token.clicked.connect(self._on_forget_token)
        self.token_status = QLabel()
        self.token_status.setObjectName("tokenStatus")
        self.token_status_text = LiveText(self.token_status)

        bar = QHBoxLayout()
        bar.addWidget(self.query, 1)
        bar.addWidget(self.sort)
        bar.addWidget(self.search_button)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.save_token)
        token_row.addWidget(self.forget_token)
        token_row.addWidget(self.token_status)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        layout.addLayout(token_row)
        self.retranslateUi()
        self._update_token_status()

    # -- translation ---------------------------------------------------------------------------
    def retranslateUi(self) -> None:
        """Set every text in the current language (again on every language switch)."""
        self.query.setPlaceholderText(self.tr("Search GGUF models, e.g. qwen2.5 instruct"))
        self.query.setAccessibleName(self.tr("Search Hugging Face"))
        self.sort.setItemText(0, self.tr("Most downloaded"))
        self.sort.setItemText(1, self.tr("Recently updated"))
        self.sort.setAccessibleName(self.tr("Sort results"))
        self.search_button.setText(self.tr("Search"))
        self.search_button.setAccessibleName(self.tr("Search Hugging Face"))
        self.results.setAccessibleName(self.tr("Matching repositories"))
        self.files.setAccessibleName(self.tr("GGUF files in the repository"))
        self.files.setHorizontalHeaderLabels([self.tr("File"), self.tr("Quantization"), self.tr("Size"),
                                              self.tr("On this computer"), ""])
        self.token.setPlaceholderText(self.tr("Hugging Face token (for gated or private models)"))
        self.token.setAccessibleName(self.tr("Hugging Face token"))
        self.save_token.setText(self.tr("Save token"))
        self.save_token.setAccessibleName(self.tr("Save Hugging Face token"))
        self.forget_token.setText(self.tr("Forget token"))
        self.forget_token.setAccessibleName(self.tr("Forget the saved Hugging Face token"))
        self.status_text.refresh()
        self.token_status_text.refresh()
        for row, repo in enumerate(self._repos):
            item = self.results.item(row)
            if item is not None:
                item.setText(self._repo_text(repo))
        # The file buttons hold translated words; the badges follow by themselves.
        for row in range(min(self.files.rowCount(), len(self._files))):
            self._translate_file_row(row)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def _repo_text(self, repo: HubRepo) -> str:
        details = self.tr("%1 downloads").replace("%1", f"{repo.downloads:,}")
        if repo.gated:
            details += " · " + self.tr("gated: needs a token")
        return f"{repo.repo_id}\n{details}"

    # -- search --------------------------------------------------------------------------------
    @Slot()
    def search(self) -> None:
        query, sort, hub = self.query.text().strip(), self.sort.currentData(), self._hub
        self.status_text.set(lambda: self.tr("Searching…"))
        self._tasks.submit("search", lambda: hub.search(query, sort=sort), self._on_results, self._on_failed)

    def _on_results(self, repos: list[HubRepo]) -> None:
        self.hubReachable.emit()
        self._repos = repos
        self.results.clear()
        self.files.setRowCount(0)
        for repo in repos:
            item = QListWidgetItem(self._repo_text(repo))
            item.setData(Qt.ItemDataRole.UserRole, repo.repo_id)
            self.results.addItem(item)
        count = len(repos)
        self.status_text.set(lambda: self.tr("No GGUF models found.") if not count
                             else self.tr("%n repositories", "", count))

    def _on_failed(self, message: str) -> None:
        self.status_text.set_plain(message)
        self.hubFailed.emit(message)

    @Slot(int)
    def _on_repo_selected(self, row: int) -> None:
        if row < 0 or row >= len(self._repos):
            return
        repo_id, hub = self._repos[row].repo_id, self._hub
        self.status_text.set(lambda: self.tr("Listing files of %1…").replace("%1", repo_id))
        self._tasks.submit("files", lambda: hub.list_gguf_files(repo_id), self._on_files, self._on_failed)

    def _on_files(self, files: list[HubFile]) -> None:
        self._files = files
        count = len(files)
        self.status_text.set(lambda: self.tr("%n GGUF files", "", count))
        self._populate_files()

    def set_context_length(self, context_length: int) -> None:
        self._context = context_length
        self._populate_files()

    def _kv_bytes(self) -> int:
        repo = next((r for r in self._repos if self._files and r.repo_id == self._files[0].repo_id), None)
        return kv_cache_bytes(None, self._context, parameter_count=repo.parameter_count if repo else None)

    def _populate_files(self) -> None:
        kv = self._kv_bytes()
        usable = [f for f in self._files if f.downloadable]
        best = recommend_quantization([(f.path, f.quantization, f.size) for f in usable], kv, self._memory,
                                      use_gpu=self._use_gpu)
        self.files.setRowCount(len(self._files))
        for row, hub_file in enumerate(self._files):
            for column, text in enumerate((hub_file.path, hub_file.quantization or "?", format_bytes(hub_file.size))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, hub_file.path)
                self.files.setItem(row, column, item)
            estimate = estimate_fit(hub_file.size, kv, self._memory, use_gpu=self._use_gpu, context_length=self._context)
            self.files.setCellWidget(row, FILE_COLUMNS.index("fit"), FitBadge(estimate) if hub_file.downloadable else QLabel())
            badge = self.files.cellWidget(row, FILE_COLUMNS.index("fit"))
            if isinstance(badge, FitBadge) and hub_file.path == best:
                badge.set_estimate(estimate, recommended=True)
            button = QPushButton()
            if hub_file.downloadable:
                button.clicked.connect(lambda _c=False, f=hub_file: self.downloadRequested.emit(f.repo_id, f.path))
            else:
                button.setEnabled(False)
            self.files.setCellWidget(row, FILE_COLUMNS.index("action"), button)
            self._translate_file_row(row)
        self.files.resizeColumnsToContents()
        self.files.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _translate_file_row(self, row: int) -> None:
        """Set the translated words of one file's button, keeping the widgets."""
        hub_file = self._files[row]
        button = self.files.cellWidget(row, FILE_COLUMNS.index("action"))
        if not isinstance(button, QPushButton):
            return
        if hub_file.downloadable:
            button.setText(self.tr("Download"))
            button.setAccessibleName(self.tr("Download %1").replace("%1", hub_file.path))
        else:
            reason = self.tr("Split file: not supported yet") if hub_file.split_part else self.tr("Vision add-on")
            button.setText(reason)
            button.setAccessibleName(reason)

    def file_row(self, path: str) -> int:
        return next(i for i, f in enumerate(self._files) if f.path == path)

    # -- token ---------------------------------------------------------------------------------
    @Slot()
    def _on_save_token(self) -> None:
        token = self.token.text().strip()
        self.token.clear()  # never keep the secret on screen
        if not token:
            return
        store = self._tokens
        self._tasks.submit("token", lambda: store.set(token), lambda _r: self._update_token_status(),
                           self.token_status_text.set_plain)

    @Slot()
    def _on_forget_token(self) -> None:
        store = self._tokens
        self._tasks.submit("token", store.clear, lambda _r: self._update_token_status())

    def _update_token_status(self) -> None:
        saved = self._tokens.has_own_token()
        self.token_status_text.set(lambda: self.tr("A token is saved.") if saved else self.tr("No token saved."))
        self.forget_token.setEnabled(saved)
