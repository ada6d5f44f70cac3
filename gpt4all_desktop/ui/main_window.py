"""The main window: chats on the left, the conversation in the middle, the model on top."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop import APP_NAME
from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, LoadRequest, ModelInfo, SamplingParams
from gpt4all_desktop.core.settings_apply import load_request_from, sampling_from, system_prompt_from
from gpt4all_desktop.core.settings_store import SettingsStore
from gpt4all_desktop.core.starter_model import STARTER_NAME, find_models, starter_model_path
from gpt4all_desktop.core.storage.models import EndState, Message, Role
from gpt4all_desktop.ui.chat_session import ChatSession, ChatSnapshot
from gpt4all_desktop.ui.chat_view import ChatView, DisplayMessage
from gpt4all_desktop.ui.history_sidebar import HistorySidebar
from gpt4all_desktop.workers.storage_worker import StorageClient
from gpt4all_desktop.ui.composer import MAX_MESSAGE_CHARS, Composer
from gpt4all_desktop.workers.inference_worker import InferenceController

log = logging.getLogger(__name__)

START_ENGINE_AFTER_MS = 150
STOP_NOTES = {"cancelled": "stopped", "max_tokens": "reached the answer length limit",
              "context_full": "the context window is full"}
STATE_NOTES = {EndState.STOPPED: "stopped", EndState.INTERRUPTED: "interrupted: the app closed while it was written",
               EndState.ERROR: "interrupted by an error"}


def _looks_like_chatgpt(path: Path) -> bool:
    """ChatGPT's export is a JSON list of conversations with a "mapping" tree."""
    try:
        with open(path, encoding="utf-8") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.lstrip().startswith("[") and '"mapping"' in head


def display_messages(snap: ChatSnapshot) -> list[DisplayMessage]:
    """Saved messages as the chat view shows them, with their versions ("< 2/3 >")."""
    out: list[DisplayMessage] = []
    for m in snap.path:
        if m.role is Role.SYSTEM:
            continue
        info = snap.branches.get(m.id)
        branch = (info.index, info.count, info.previous_id, info.next_id) if info and info.count > 1 else None
        stats = None
        if m.role is Role.ASSISTANT and m.stats.generated_tokens:
            stats = GenerationStats(prompt_tokens=m.stats.prompt_tokens or 0,
                                    generated_tokens=m.stats.generated_tokens or 0,
                                    time_to_first_token=m.stats.ttft_s or 0.0,
                                    tokens_per_second=m.stats.tokens_per_second or 0.0)
        note = STATE_NOTES.get(m.state, "")
        if m.role is Role.ASSISTANT and not m.content and m.state is EndState.ERROR:
            out.append(DisplayMessage("error", m.error or QCoreApplication.translate("MainWindow", "No answer."),
                                      None, "", m.id, branch))
            continue
        out.append(DisplayMessage(m.role.value, m.content, stats, note, m.id, branch))
    return out


class MainWindow(QMainWindow):
    """Owns the widgets; all model work goes through the :class:`InferenceController`."""

    answerFinished = Signal(object)  # GenerationStats, after the view is updated

    settingsApplied = Signal(dict)  # the changed values, after they were saved and applied

    def __init__(self, controller: InferenceController, storage: StorageClient, models_dir: Path, state_file: Path,
                 sampling: SamplingParams | None = None, load_request: LoadRequest | None = None,
                 settings: SettingsStore | None = None, appearance: object | None = None,
                 log_dir: Path | None = None, downloads: object | None = None,
                 installed: object | None = None, remotes: object | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.storage = storage
        self.session = ChatSession(storage, self)
        self.models_dir = models_dir
        self.settings = settings
        self.appearance = appearance
        self.log_dir = log_dir
        self.downloads = downloads  # DownloadController: outlives the model manager dialog
        self.installed = installed  # InstalledModels: per-model settings
        self._sampling_override = sampling
        self.remotes = remotes  # RemoteRegistry: OpenAI-compatible servers whose models we can use
        self._registered_remotes: set[str] = set()
        self.load_template = load_request
        self._state = QSettings(str(state_file), QSettings.Format.IniFormat)
        self._answer_text = ""
        self._queued_send: str | None = None
        self._turn_user: object | None = None  # widgets of the turn being written, for their saved ids
        self._turn_answer: object | None = None
        self._server: object | None = None  # the API server controller, built on first use
        self._build()
        self._build_menus()
        if appearance is not None:
            theme = appearance.theme  # type: ignore[attr-defined]
            self.chat_view.set_theme(theme.colors)
            theme.themeChanged.connect(self.chat_view.set_theme)
        self._connect()
        self.retranslate()
        self.register_remotes()
        self.refresh_models()
        self.session.new_chat()
        geometry = self._state.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 720)

    # --------------------------------------------------------------- settings
    def resolved_settings(self, model_path: str | None = None) -> dict:
        """Effective settings for the current (or given) model: chat > model > application."""
        if self.settings is None:
            return {}
        path = model_path if model_path is not None else (self.controller.model.path if self.controller.model else None)
        values = self.settings.resolved(path)
        if path and self.installed is not None and not path.startswith("remote:"):
            # The model manager's per-model settings sit between the app's and the chat's.
            per_model = self.installed.settings(Path(path))  # type: ignore[attr-defined]
            for name in ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "max_tokens",
                         "context_length", "gpu_layers"):
                value = getattr(per_model, name, None)
                if value is not None:
                    values[name] = value
            if getattr(per_model, "system_prompt", ""):
                values["system_prompt"] = per_model.system_prompt
            if getattr(per_model, "chat_template_override", None):
                values["chat_template"] = per_model.chat_template_override
            values.update(self.settings.model_overrides(path))
        chat = self.session.chat
        if chat is not None:
            # A chat's own settings win over its model's and the app's.
            for name, value in (chat.sampling or {}).items():
                if name in values:
                    values[name] = value
            if chat.system_prompt:
                values["system_prompt"] = chat.system_prompt
        return values

    @property
    def sampling(self) -> SamplingParams:
        if self._sampling_override is not None:
            return self._sampling_override
        return sampling_from(self.resolved_settings()) if self.settings else SamplingParams()

    @sampling.setter
    def sampling(self, value: SamplingParams) -> None:
        self._sampling_override = value

    @Slot()
    def open_settings(self) -> None:
        if self.settings is None:
            return
        from gpt4all_desktop.ui.settings_dialog import SettingsDialog  # noqa: PLC0415 - opened rarely

        dialog = SettingsDialog(self.settings.values(), self)
        dialog.settingsChanged.connect(self.apply_settings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @property
    def server(self):  # noqa: ANN201 - ServerController, imported lazily
        """The local OpenAI-compatible API server, sharing this window's engine (built on first
        use, after the window is shown: start-up need not import it)."""
        if self._server is None:
            self._build_server()
        return self._server

    def _build_server(self) -> None:
        from gpt4all_desktop.ui.server_chat import ServerChatRecorder  # noqa: PLC0415
        from gpt4all_desktop.workers.server_controller import ServerController  # noqa: PLC0415

        self._server = ServerController(self.controller, parent=self)
        self.server_recorder = ServerChatRecorder(self.storage, self._state, self)
        self.server_label = QLabel(self)
        self.server_label.setVisible(False)
        self.statusBar().addPermanentWidget(self.server_label)
        self.server.started.connect(self._on_server_started)
        self.server.stopped.connect(lambda: self.server_label.setVisible(False))
        self.server.failed.connect(lambda m: self.chat_view.add_message("error", m))
        self.server.exchangeRecorded.connect(self._on_server_exchange)
        self.server_recorder.recorded.connect(lambda _cid: self.sidebar.refresh())

    def shutdown_server(self) -> None:
        if self._server is not None:
            self._server.shutdown()  # type: ignore[attr-defined]

    def apply_server_settings(self) -> None:
        if self.settings is None:
            return
        from gpt4all_desktop.workers.server_controller import ServerSettings  # noqa: PLC0415

        values = self.resolved_settings()
        self.server.apply(ServerSettings.from_values(values), sampling_from(values))

    @Slot(str)
    def _on_server_started(self, url: str) -> None:
        self.server_label.setText(self.tr("API: %1").replace("%1", url))
        self.server_label.setToolTip(self.tr("Other programs can use the loaded model at %1").replace("%1", url))
        self.server_label.setVisible(True)

    @Slot(object)
    def _on_server_exchange(self, record: object) -> None:
        if self.settings is not None and self.settings.get("server_show_requests"):
            self.server_recorder.record(record)

    @Slot()
    def open_chat_settings(self) -> None:
        """This chat's own system prompt and sampling, over the model's and the app's."""
        if self.settings is None:
            return
        if self.session.chat_id is None:
            self.statusBar().showMessage(self.tr("Send a first message, then this chat can have its own settings."), 6000)
            return
        from gpt4all_desktop.core.settings_schema import Scope  # noqa: PLC0415
        from gpt4all_desktop.ui.settings_dialog import SettingsDialog  # noqa: PLC0415

        model_path = self.controller.model.path if self.controller.model else None
        inherited = dict(self.settings.resolved(model_path))
        current = self.resolved_settings()
        dialog = SettingsDialog(current, self, defaults=inherited, level=Scope.CHAT)
        dialog.setWindowTitle(self.tr("Chat settings"))
        dialog.settingsChanged.connect(lambda changed: self.apply_chat_settings(changed, inherited))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def apply_chat_settings(self, changed: dict, inherited: dict | None = None) -> None:
        """Store chat-level values; a value equal to the inherited one removes the override."""
        chat, chat_id = self.session.chat, self.session.chat_id
        if chat_id is None:
            return
        inherited = inherited if inherited is not None else self.settings.resolved(None) if self.settings else {}
        sampling = dict(chat.sampling or {}) if chat is not None else {}
        system_prompt = chat.system_prompt if chat is not None else None
        for name, value in changed.items():
            if name == "system_prompt":
                system_prompt = value or None
            elif value == inherited.get(name):
                sampling.pop(name, None)
            else:
                sampling[name] = value
        self.session.set_settings(system_prompt, sampling or None)

    @Slot(dict)
    def apply_settings(self, changed: dict) -> None:
        """Save changed settings, apply appearance live, reload the model when it must."""
        if self.settings is None or not changed:
            return
        applied = self.settings.update(changed)
        problem = self.settings.save()
        if problem:
            self.chat_view.add_message("error", problem)
        if self.appearance is not None:
            for message in self.appearance.apply(self.settings.values()):  # type: ignore[attr-defined]
                self.statusBar().showMessage(message, 10000)
        if "huggingface_token" in applied and self.downloads is not None:
            # One token for the whole app: the model manager's downloads use it from now on.
            token_store = self.downloads.token_store  # type: ignore[attr-defined]
            if applied["huggingface_token"]:
                token_store.set(applied["huggingface_token"])
            else:
                token_store.clear()
        if "models_folder" in applied and applied["models_folder"]:
            self.models_dir = Path(applied["models_folder"])
            self.refresh_models()
        if any(name.startswith("server_") or name in ("temperature", "top_p", "max_tokens", "seed") for name in applied):
            self.apply_server_settings()
        if self.settings.schema.needs_reload(applied) and self.controller.model is not None:
            self.statusBar().showMessage(self.tr("Reloading the model with the new settings…"), 5000)
            self.load_model(self.controller.model.path)
        self.settingsApplied.emit(applied)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.chat_menu = bar.addMenu("")
        self.help_menu = bar.addMenu("")
        self.settings_action = QAction(self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        self.logs_action = QAction(self)
        self.logs_action.triggered.connect(self._open_logs)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self._about)
        self.models_action = QAction(self)
        self.models_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.models_action.triggered.connect(self.open_model_manager)
        self.chat_settings_action = QAction(self)
        self.chat_settings_action.triggered.connect(self.open_chat_settings)
        self.export_md_action = QAction(self)
        self.export_md_action.triggered.connect(lambda: self.export_chats("md", all_chats=False))
        self.export_json_action = QAction(self)
        self.export_json_action.triggered.connect(lambda: self.export_chats("json", all_chats=False))
        self.export_all_action = QAction(self)
        self.export_all_action.triggered.connect(lambda: self.export_chats("json", all_chats=True))
        self.import_action = QAction(self)
        self.import_action.triggered.connect(self.import_chats)
        self.remotes_action = QAction(self)
        self.remotes_action.triggered.connect(self.open_remote_engines)
        self.file_menu.addActions([self.new_chat_action, self.models_action, self.remotes_action, self.settings_action])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.import_action, self.export_all_action])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.logs_action, self.quit_action])
        self.chat_menu.addActions([self.stop_action, self.regenerate_action, self.focus_action, self.search_action])
        self.chat_menu.addSeparator()
        self.chat_menu.addActions([self.chat_settings_action, self.export_md_action, self.export_json_action])
        self.help_menu.addAction(self.about_action)

    @Slot()
    def open_model_manager(self) -> None:
        """The catalog, Hugging Face search, downloads and installed models, in one dialog."""
        if self.downloads is None:
            return
        from gpt4all_desktop.ui.model_manager import ModelManagerDialog  # noqa: PLC0415 - opened rarely

        if getattr(self, "_manager", None) is not None and self._manager.isVisible():
            self._manager.raise_()
            self._manager.activateWindow()
            return
        self._manager = ModelManagerDialog(
            self.downloads,  # type: ignore[arg-type]
            is_loaded=lambda p: bool(self.controller.model and self.controller.model.path == str(p)), parent=self)
        self._manager.modelInstalled.connect(self._on_model_installed)
        self._manager.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._manager.destroyed.connect(lambda: setattr(self, "_manager", None))
        self._manager.show()

    def attach_services(self, downloads: object | None = None, installed: object | None = None,
                        remotes: object | None = None) -> None:
        """Add the download manager, model settings and remote engines once the window is shown:
        they import the Hugging Face client and the keyring, which start-up need not wait for."""
        if downloads is not None:
            self.downloads = downloads
            self._connect_downloads()
        if installed is not None:
            self.installed = installed
        if remotes is not None:
            self.remotes = remotes
            self.register_remotes()
            self.refresh_models()

    def _connect_downloads(self) -> None:
        if self.downloads is None:
            return
        for sig in ("progress", "finished", "failed", "paused"):
            getattr(self.downloads, sig).connect(self._on_download_progress)
        self.downloads.modelInstalled.connect(self._on_model_installed)  # type: ignore[attr-defined]

    def register_remotes(self) -> None:
        """(Re-)register every configured remote engine with the inference worker."""
        if self.remotes is None:
            return
        worker = self.controller.worker
        current = set()
        for config in self.remotes.engines():  # type: ignore[attr-defined]
            try:
                worker.register_remote(config.id, self.remotes.build_engine(config.id))  # type: ignore[attr-defined]
                current.add(config.id)
            except (ValueError, OSError) as exc:
                log.warning("remote engine %s not usable: %s", config.id, exc)
        for gone in self._registered_remotes - current:
            worker.unregister_remote(gone)
        self._registered_remotes = current

    @Slot()
    def open_remote_engines(self) -> None:
        if self.remotes is None:
            return
        from gpt4all_desktop.ui.remote_engines_dialog import RemoteEnginesDialog  # noqa: PLC0415

        dialog = RemoteEnginesDialog(self.remotes, self)  # type: ignore[arg-type]
        dialog.enginesChanged.connect(self._on_remotes_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def _on_remotes_changed(self) -> None:
        if self.controller.generating:
            self.controller.stop()
        self.register_remotes()
        self.refresh_models()

    @Slot(str)
    def _on_model_installed(self, path: str) -> None:
        self.refresh_models()
        self.statusBar().showMessage(self.tr("Model ready: %1").replace("%1", Path(path).name), 8000)

    @Slot(object)
    def _on_download_progress(self, _snapshot: object) -> None:
        done, total, running = self.downloads.overall()  # type: ignore[union-attr]
        if running:
            pct = f" {done * 100 // total}%" if total else ""
            self.download_label.setText(self.tr("Downloading %n model(s)", "", running) + pct)
        self.download_label.setVisible(bool(running))

    # ------------------------------------------------------- export, import
    def export_chats(self, fmt: str, all_chats: bool, path: str | None = None) -> None:
        """Write the open chat (or all chats) as Markdown or our versioned JSON, off the GUI thread."""
        if not all_chats and self.session.chat_id is None:
            self.statusBar().showMessage(self.tr("There is nothing to export in this chat yet."), 6000)
            return
        if path is None:
            suffix = "Markdown (*.md)" if fmt == "md" else "JSON (*.json)"
            name = "chats" if all_chats else (self.session.chat.title if self.session.chat else "chat") or "chat"
            safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in name).strip() or "chat"
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), f"{safe}.{fmt}", suffix)
            if not path:
                return
        from gpt4all_desktop.core.storage import export_import  # noqa: PLC0415

        ids = None if all_chats else [self.session.chat_id]
        target = Path(path)
        writer = export_import.write_markdown if fmt == "md" else export_import.write_json
        self.storage.call(lambda store: writer(store, target, ids),
                          lambda _r: self._notify(self.tr("Exported to %1").replace("%1", str(target))),
                          lambda m: self.chat_view.add_message("error", m))

    def import_chats(self, path: str | None = None) -> None:
        """Import our JSON export or ChatGPT's conversations.json (or its .zip); all or nothing."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import chats"), "",
                                                  self.tr("Chat exports (*.json *.zip)"))
            if not path:
                return
        from gpt4all_desktop.core.storage import chatgpt_import, export_import  # noqa: PLC0415

        source = Path(path)

        def run(store: object) -> int:
            try:
                return len(export_import.import_json_file(store, source))  # type: ignore[arg-type]
            except Exception as ours:  # noqa: BLE001 - not our format: maybe ChatGPT's
                if source.suffix.lower() == ".zip" or _looks_like_chatgpt(source):
                    return len(chatgpt_import.import_chatgpt_file(store, source).chat_ids)  # type: ignore[arg-type]
                raise ours

        def done(count: int) -> None:
            self.sidebar.refresh()
            self._notify(self.tr("Imported %n chat(s).", "", count))

        self.storage.call(run, done, lambda m: self.chat_view.add_message("error", m))

    def _notify(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    @Slot()
    def _open_logs(self) -> None:
        if self.log_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_dir)))

    @Slot()
    def _about(self) -> None:
        from gpt4all_desktop import __version__  # noqa: PLC0415

        QMessageBox.about(self, APP_NAME, self.tr("%1 %2\nChat privately with a local language model.")
                          .replace("%1", APP_NAME).replace("%2", __version__))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.setObjectName("mainWindow")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        # Sidebar
        side = QWidget(splitter)
        side.setObjectName("sidebar")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 8, 8, 8)
        self.sidebar = HistorySidebar(self.storage, side)
        side_layout.addWidget(self.sidebar, 1)
        # Main column
        main = QWidget(splitter)
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(12, 8, 12, 8)
        self.model_picker = QComboBox(main)
        self.model_picker.setMinimumWidth(320)
        top.addWidget(self.model_picker)
        self.load_progress = QProgressBar(main)
        self.load_progress.setRange(0, 100)
        self.load_progress.setMaximumWidth(200)
        self.load_progress.setVisible(False)
        top.addWidget(self.load_progress)
        self.models_button = QPushButton(main)
        self.models_button.clicked.connect(self.open_model_manager)
        top.addWidget(self.models_button)
        top.addStretch(1)
        main_layout.addLayout(top)
        self.chat_view = ChatView(main)
        main_layout.addWidget(self.chat_view, 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(12, 8, 12, 12)
        self.composer = Composer(main)
        bottom.addWidget(self.composer, 1)
        self.send_button = QPushButton(main)
        self.send_button.setMinimumHeight(40)
        bottom.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        main_layout.addLayout(bottom)
        splitter.addWidget(side)
        splitter.addWidget(main)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 860])
        self.setCentralWidget(splitter)
        # Status bar
        self.model_label = QLabel(self)
        self.backend_label = QLabel(self)
        self.speed_label = QLabel(self)
        self.download_label = QLabel(self)
        self.download_label.setVisible(False)
        for w in (self.download_label, self.model_label, self.backend_label, self.speed_label):
            self.statusBar().addPermanentWidget(w)
        # Actions
        self.new_chat_action = QAction(self)
        self.new_chat_action.setShortcut(QKeySequence.StandardKey.New)
        self.stop_action = QAction(self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.regenerate_action = QAction(self)
        self.regenerate_action.setShortcut(QKeySequence("Ctrl+R"))
        self.focus_action = QAction(self)
        self.focus_action.setShortcut(QKeySequence("Ctrl+L"))
        self.search_action = QAction(self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        for a in (self.new_chat_action, self.stop_action, self.regenerate_action, self.focus_action, self.search_action):
            self.addAction(a)

    def _connect(self) -> None:
        c = self.controller
        c.loadProgress.connect(self._on_load_progress)
        c.modelLoaded.connect(self._on_model_loaded)
        c.loadFailed.connect(self._on_load_failed)
        c.tokens.connect(self._on_tokens)
        c.finished.connect(self._on_finished)
        c.generationFailed.connect(self._on_generation_failed)
        c.engineRestarted.connect(self._on_engine_restarted)
        c.busyChanged.connect(self._on_busy)
        self.composer.submitted.connect(self.send)
        self.send_button.clicked.connect(self._send_or_stop)
        self.sidebar.newChatRequested.connect(self._new_chat)
        self.sidebar.chatSelected.connect(self._on_chat_selected)
        self.sidebar.messageSelected.connect(self._on_search_hit)
        self.sidebar.chatDeleted.connect(self._on_chat_deleted)
        self.sidebar.errorOccurred.connect(lambda m: self.chat_view.add_message("error", m))
        self.new_chat_action.triggered.connect(self._new_chat)
        self.search_action.triggered.connect(lambda: self.sidebar.search_field.setFocus())
        self.session.chatLoaded.connect(self._on_chat_loaded)
        self.session.chatCreated.connect(self._on_chat_created)
        self.session.historyLoaded.connect(self._on_history_loaded)
        self.session.failed.connect(lambda m: self.chat_view.add_message("error", m))
        self.session.saved.connect(self._on_turn_saved)
        self.chat_view.editRequested.connect(self.edit_message)
        self.chat_view.branchRequested.connect(self.session.switch_branch)
        self.storage.ready.connect(self._on_storage_ready)
        if self.storage.opened_info is not None:  # opened before this window existed
            QTimer.singleShot(0, lambda: self._on_storage_ready(self.storage.opened_info))
        self._connect_downloads()
        self.storage.openFailed.connect(lambda m: self.chat_view.add_message("error", m))
        self.stop_action.triggered.connect(self.controller.stop)
        self.regenerate_action.triggered.connect(self.regenerate)
        self.focus_action.triggered.connect(lambda: self.composer.setFocus())
        self.chat_view.regenerateRequested.connect(self.regenerate)
        self.chat_view.copied.connect(lambda _t: self.statusBar().showMessage(self.tr("Copied"), 2000))
        self.model_picker.activated.connect(self._on_model_picked)

    def retranslate(self) -> None:
        self.setWindowTitle(APP_NAME)
        self.search_action.setText(self.tr("Search chats"))
        self.model_picker.setAccessibleName(self.tr("Model"))
        self.model_picker.setToolTip(self.tr("The model that answers"))
        self.load_progress.setAccessibleName(self.tr("Model loading progress"))
        self.new_chat_action.setText(self.tr("New chat"))
        self.stop_action.setText(self.tr("Stop"))
        self.regenerate_action.setText(self.tr("Regenerate"))
        self.focus_action.setText(self.tr("Focus message box"))
        if hasattr(self, "file_menu"):
            self.file_menu.setTitle(self.tr("&File"))
            self.chat_menu.setTitle(self.tr("&Chat"))
            self.help_menu.setTitle(self.tr("&Help"))
            self.settings_action.setText(self.tr("Settings…"))
            self.logs_action.setText(self.tr("Open log folder"))
            self.quit_action.setText(self.tr("Quit"))
            self.about_action.setText(self.tr("About"))
            self.models_action.setText(self.tr("Models…"))
            self.remotes_action.setText(self.tr("Remote engines…"))
            self.chat_settings_action.setText(self.tr("Chat settings…"))
            self.export_md_action.setText(self.tr("Export chat as Markdown…"))
            self.export_json_action.setText(self.tr("Export chat as JSON…"))
            self.export_all_action.setText(self.tr("Export all chats…"))
            self.import_action.setText(self.tr("Import chats…"))
            self.models_button.setText(self.tr("Models…"))
            self.models_button.setAccessibleName(self.tr("Open the model manager"))
            self.download_label.setAccessibleName(self.tr("Downloads"))
        self._on_busy(self.controller.generating)
        self.chat_view.retranslate()
        self.composer.retranslate()
        self._update_status()

    # ----------------------------------------------------------------- models
    def refresh_models(self) -> None:
        current = self.model_picker.currentData()
        self.model_picker.clear()
        starter = starter_model_path()
        for path in find_models(self.models_dir):
            label = STARTER_NAME if path == starter else path.stem
            self.model_picker.addItem(label, str(path))
        if self.remotes is not None:
            for label, remote_path in self.remotes.model_choices(self.tr("{model} — remote ({host})")):  # type: ignore[attr-defined]
                self.model_picker.addItem(label, remote_path)
        if self.model_picker.count() == 0:
            self.model_picker.addItem(self.tr("No models installed"), "")
        if current:
            idx = self.model_picker.findData(current)
            if idx >= 0:
                self.model_picker.setCurrentIndex(idx)

    def load_model(self, path: str) -> None:
        if not path:
            return
        idx = self.model_picker.findData(path)
        if idx < 0:
            self.model_picker.addItem(Path(path).stem, path)
            idx = self.model_picker.count() - 1
        self.model_picker.setCurrentIndex(idx)
        self.load_progress.setValue(0)
        self.load_progress.setVisible(True)
        self.model_label.setText(self.tr("Loading %1…").replace("%1", Path(path).name))
        if self.load_template is not None:
            t = self.load_template
            req = LoadRequest(path, t.context_length, t.threads, t.gpu_layers, t.device, t.chat_template_override)
        else:
            req = load_request_from(self.resolved_settings(path), path)
        self.controller.load(req)

    def default_model_path(self) -> str:
        chosen = str(self.settings.get("default_model") or "") if self.settings else ""
        if chosen and Path(chosen).is_file():
            return chosen
        last = self._state.value("model/last", "")
        if isinstance(last, str) and last and Path(last).is_file():
            return last
        starter = starter_model_path()
        if starter is not None:
            return str(starter)
        return str(self.model_picker.itemData(0) or "")

    @Slot(int)
    def _on_model_picked(self, index: int) -> None:
        path = self.model_picker.itemData(index)
        if path and (self.controller.model is None or self.controller.model.path != path):
            self.load_model(path)

    @Slot(float)
    def _on_load_progress(self, fraction: float) -> None:
        self.load_progress.setValue(int(fraction * 100))

    @Slot(object)
    def _on_model_loaded(self, info: ModelInfo) -> None:
        self.load_progress.setVisible(False)
        self._state.setValue("model/last", info.path)
        self.session.set_model(info.path)
        if info.template_note:
            self.chat_view.add_message("notice", info.template_note)
        if info.fallback_reason:
            self.statusBar().showMessage(info.fallback_reason, 10000)
        self._update_status()

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.load_progress.setVisible(False)
        self.chat_view.add_message("error", message)
        self._update_status()

    def _update_status(self) -> None:
        info = self.controller.model
        if info is None:
            self.model_label.setText(self.tr("No model loaded") if not self.controller.loading else self.model_label.text())
            self.backend_label.setText("")
            return
        self.model_label.setText(info.name)
        backend = info.backend
        if info.fallback_reason:
            backend += " ⚠"
            self.backend_label.setToolTip(info.fallback_reason)
        self.backend_label.setText(backend)

    # ------------------------------------------------------------------ chats
    @Slot()
    def _new_chat(self) -> None:
        if self.controller.generating:
            self.controller.stop()
        self.session.new_chat()
        self.composer.setFocus()

    @Slot(int)
    def _on_chat_selected(self, chat_id: int) -> None:
        if chat_id == self.session.chat_id:
            return
        if self.controller.generating:
            self.controller.stop()
        self.session.open_chat(chat_id)

    @Slot(int, int)
    def _on_search_hit(self, chat_id: int, message_id: int) -> None:
        if self.controller.generating:
            self.controller.stop()
        self.session.open_chat(chat_id, focus_message=message_id)

    @Slot(int)
    def _on_chat_deleted(self, chat_id: int) -> None:
        if chat_id == self.session.chat_id:
            self._new_chat()

    @Slot(object, object)
    def _on_chat_loaded(self, snap: ChatSnapshot, focus: int | None) -> None:
        if self.controller.generating:
            return  # the answer being written owns the view; it reloads when saved
        self.chat_view.set_messages(display_messages(snap))
        if focus is not None:
            self.chat_view.scroll_to_message(focus)
        if snap.chat is not None:
            self.sidebar.setCurrentChat(snap.chat.id)
            model = snap.chat.model
            loaded = self.controller.model.path if self.controller.model else None
            if model and model != loaded and Path(model).is_file():
                self.load_model(model)  # the chat continues with the model it last used

    @Slot(object)
    def _on_history_loaded(self, snap: ChatSnapshot) -> None:
        """The whole chat is read: older messages become scrollable, and a queued send goes out."""
        shown = {w.message_id for w in self.chat_view.message_widgets if w.message_id is not None}
        first_shown = next((i for i, m in enumerate(snap.path) if m.id in shown), len(snap.path))
        self.chat_view.set_older(display_messages(ChatSnapshot(snap.chat, snap.path[:first_shown], snap.branches)))
        if self._queued_send is not None:
            text, self._queued_send = self._queued_send, None
            self.send(text)

    @Slot(int)
    def _on_chat_created(self, chat_id: int) -> None:
        self.sidebar.refresh()
        self.sidebar.setCurrentChat(chat_id)

    @Slot(object)
    def _on_storage_ready(self, info: object) -> None:
        report = getattr(info, "report", None)
        moved = getattr(report, "moved_aside", None)
        if moved:
            self.chat_view.add_message("notice", self.tr(
                "The chat history file was damaged. It was moved aside to %1 and a new one was started.")
                .replace("%1", str(moved)))
        recovered = int(getattr(info, "recovered_answers", 0) or 0)
        if recovered:
            self.chat_view.add_message("notice", self.tr(
                "%n answer(s) were being written when the app closed; they are kept and marked as interrupted.",
                "", recovered))
        self.sidebar.refresh()
        if self.settings is not None and self.settings.get("reload_last_chat"):
            last = self._state.value("chat/last", 0)
            try:
                last_id = int(last)
            except (TypeError, ValueError):
                last_id = 0
            if last_id:
                self.session.open_chat(last_id)

    # ------------------------------------------------------------- messaging
    @Slot()
    def _send_or_stop(self) -> None:
        if self.controller.generating:
            self.controller.stop()
        else:
            self.composer.submit()

    def _model_path(self) -> str | None:
        return self.controller.model.path if self.controller.model else self.model_picker.currentData() or None

    def _system_prompt(self) -> str:
        if self.session.chat is not None and self.session.chat.system_prompt:
            return self.session.chat.system_prompt
        return system_prompt_from(self.resolved_settings())

    def _can_ask(self) -> bool:
        if self.controller.model is None and not self.controller.loading:
            self.chat_view.add_message("error", self.tr("No model is loaded. Choose a model above."))
            return False
        return True

    @Slot(str)
    def send(self, text: str) -> None:
        if len(text) > MAX_MESSAGE_CHARS:
            self.chat_view.add_message("error", self.tr("This message is too long (%1 characters). The limit is %2.")
                                       .replace("%1", f"{len(text):,}").replace("%2", f"{MAX_MESSAGE_CHARS:,}"))
            return
        if not self._can_ask():
            return
        if self.controller.generating:
            return
        if not self.session.complete:
            # The chat is still being read; the model must see all of it, so send once it is.
            self._queued_send = text
            self.composer.clear()
            return
        self.composer.clear()
        system = self._system_prompt()
        messages = self.session.prompt_messages(system) + [ChatMessage("user", text)]
        self._turn_user = self.chat_view.add_message("user", text)
        self.session.start_turn(text, self._model_path(), system)
        self._ask(messages)

    def _ask(self, messages: list[ChatMessage]) -> None:
        self._answer_text = ""
        self._turn_answer = self.chat_view.begin_answer()
        self.chat_view.scroll_to_bottom()
        conv = str(self.session.chat_id) if self.session.chat_id is not None else ""
        self.controller.generate(GenerateRequest(tuple(messages), self.sampling, conversation_id=conv))

    @Slot()
    def regenerate(self) -> None:
        if self.controller.generating or not self._can_ask():
            return
        if not self.session.start_regenerate(self._model_path()):
            return
        view = self.chat_view.message_widgets
        if view and view[-1].role in ("assistant", "error"):
            self.chat_view.remove_last()
        self._turn_user = None
        self._ask(self.session.prompt_messages(self._system_prompt()))

    @Slot(int)
    def edit_message(self, message_id: int) -> None:
        if self.controller.generating:
            return
        original = next((m for m in self.session.path if m.id == message_id), None)
        if original is None:
            return
        text, ok = QInputDialog.getMultiLineText(self, self.tr("Edit message"),
                                                 self.tr("Ask again with this text (the original stays as a version):"),
                                                 original.content)
        if ok and text.strip() and text != original.content:
            self.ask_edited(message_id, text)

    def ask_edited(self, message_id: int, text: str) -> None:
        if not self._can_ask():
            return
        index = next((i for i, m in enumerate(self.session.path) if m.id == message_id), None)
        if index is None:
            return
        messages = self.session.prompt_messages(self._system_prompt(), upto=index) + [ChatMessage("user", text)]
        if not self.session.start_edit(message_id, text, self._model_path()):
            return
        self.chat_view.set_messages(display_messages(ChatSnapshot(self.session.chat, self.session.path, {})))
        self._turn_user = self.chat_view.add_message("user", text)
        self._ask(messages)

    @Slot(object, object)
    def _on_turn_saved(self, handle: object, snap: ChatSnapshot | None) -> None:
        """Give the widgets of the finished turn their saved ids and versions ("< 2/3 >")."""
        if snap is None:
            return
        branches = snap.branches
        for widget, mid in ((self._turn_user, getattr(handle, "user_id", None)),
                            (self._turn_answer, getattr(handle, "answer_id", None))):
            if widget is None or mid is None or widget not in self.chat_view.message_widgets:
                continue
            info = branches.get(mid)
            widget.set_identity(mid, (info.index, info.count, info.previous_id, info.next_id) if info else None)  # type: ignore[attr-defined]
        self._turn_user = self._turn_answer = None

    @Slot(str)
    def _on_tokens(self, text: str) -> None:
        self._answer_text += text
        self.session.append(text)
        self.chat_view.append_to_answer(text)

    @Slot(object)
    def _on_finished(self, stats: GenerationStats) -> None:
        end = "stopped" if stats.stop_reason == "cancelled" else "finished"
        self.session.finish(stats, end)
        # English on purpose: the message widget translates notes, and again on a language switch.
        note = STOP_NOTES.get(stats.stop_reason, "")
        self.chat_view.finish_answer(stats, note)
        if stats.dropped_messages:
            self.chat_view.add_message("notice", self.tr(
                "%n older message(s) were left out so the conversation fits the model's context window.", "",
                stats.dropped_messages))
        self.speed_label.setText(self.tr("%1 tok/s · first token %2 ms")
                                 .replace("%1", f"{stats.tokens_per_second:.1f}")
                                 .replace("%2", f"{stats.time_to_first_token * 1000:.0f}"))
        self.answerFinished.emit(stats)

    @Slot(str)
    def _on_generation_failed(self, message: str) -> None:
        self.session.finish(None, "error", message)
        if self._answer_text:
            self.chat_view.finish_answer(None, self.tr("interrupted by an error"))
        else:
            self.chat_view.finish_answer(None)
            self.chat_view.remove_last()
        self.chat_view.add_message("error", message)
        self._update_status()

    @Slot(str)
    def _on_engine_restarted(self, _reason: str) -> None:
        self.statusBar().showMessage(self.tr("The engine was restarted."), 8000)
        self._update_status()

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.send_button.setText(self.tr("Stop") if busy else self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Stop answer") if busy else self.tr("Send message"))

    # -------------------------------------------------------------- lifetime
    def start(self) -> None:
        """Called once the window is shown: the model loads while the user looks at it."""
        QTimer.singleShot(0, self.apply_server_settings)  # after the first paint
        first = self.default_model_path()
        # The engine process starts once the window has painted: on a small machine its start
        # would otherwise compete with the first paint for the CPU.
        QTimer.singleShot(START_ENGINE_AFTER_MS, self.controller.warm_up)
        if first:
            QTimer.singleShot(START_ENGINE_AFTER_MS, lambda: self.load_model(first))
        else:
            # First run of a packaged build without the starter model: offer one that fits.
            self.chat_view.add_message("notice", self.tr(
                "No model is installed yet. Pick one in the model manager: the ones marked \"fits\" run well here."))
            QTimer.singleShot(0, self.open_model_manager)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.controller.generating:
            self.controller.stop()
            self.session.finish(None, "stopped")  # saved now: the answer's last words are not lost
        if self.session.chat_id is not None:
            self._state.setValue("chat/last", self.session.chat_id)
        self._state.setValue("window/geometry", self.saveGeometry())
        self._state.sync()
        self.shutdown_server()  # closing the window quits the app: free the API port now
        # Dialogs with worker threads (model manager, remote engines) stop them when closed;
        # destroyed with the window instead, a running QThread would abort the app.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.close()
            if hasattr(dialog, "shutdown"):
                dialog.shutdown()
        super().closeEvent(event)
