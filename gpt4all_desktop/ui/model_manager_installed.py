"""The Installed tab: models on disk with their header facts, import (picker or drag and drop),
delete, open folder, and the per-model settings editor."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.fit import format_bytes
from gpt4all_desktop.core.installed_models import InstalledModel, InstalledModels, ModelSettings
from gpt4all_desktop.ui.live_text import LiveText
from gpt4all_desktop.workers.download_worker import TaskRunner

COLUMNS = ("name", "architecture", "parameters", "quantization", "context", "template", "size", "status")


class InstalledTab(QWidget):
    modelImported = Signal(str)  # path
    modelsChanged = Signal(object)  # list[InstalledModel]

    def __init__(self, models: InstalledModels, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._models = models
        self._tasks = tasks
        self._rows: list[InstalledModel] = []
        self.setAcceptDrops(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("installedTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.import_mode = QComboBox()
        self.import_mode.addItem("", "copy")
        self.import_mode.addItem("", "link")
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self._on_import_clicked)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.settings_button = QPushButton()
        self.settings_button.clicked.connect(self._on_settings_clicked)
        self.folder_button = QPushButton()
        self.folder_button.clicked.connect(self._on_open_folder)
        self.status = QLabel()
        self.status.setObjectName("installedStatus")
        self.status.setWordWrap(True)
        self.status_text = LiveText(self.status)
        self.status_text.set(lambda: self.tr("Drop .gguf files here to import them."))
        buttons = QHBoxLayout()
        for widget in (self.import_mode, self.import_button, self.delete_button, self.settings_button, self.folder_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.retranslateUi()

    # -- translation ---------------------------------------------------------------------------
    def retranslateUi(self) -> None:
        """Set every text in the current language (again on every language switch)."""
        self.table.setAccessibleName(self.tr("Installed models"))
        self.table.setHorizontalHeaderLabels([self.tr("Model"), self.tr("Architecture"), self.tr("Parameters"),
                                              self.tr("Quantization"), self.tr("Context"), self.tr("Chat template"),
                                              self.tr("Size"), self.tr("Status")])
        self.import_mode.setItemText(0, self.tr("Copy into the models folder"))
        self.import_mode.setItemText(1, self.tr("Link to the original file"))
        self.import_mode.setAccessibleName(self.tr("How to import"))
        self.import_button.setText(self.tr("Import .gguf…"))
        self.import_button.setAccessibleName(self.tr("Import a GGUF model file"))
        self.delete_button.setText(self.tr("Delete"))
        self.delete_button.setAccessibleName(self.tr("Delete the selected model"))
        self.settings_button.setText(self.tr("Settings…"))
        self.settings_button.setAccessibleName(self.tr("Settings of the selected model"))
        self.folder_button.setText(self.tr("Open folder"))
        self.folder_button.setAccessibleName(self.tr("Open the models folder"))
        self.status_text.refresh()
        self._fill_table()  # "Yes", "Ready", "Problem: ..." are translated words

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    # -- listing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        models = self._models
        self._tasks.submit("installed", models.list, self._on_listed, self.status_text.set_plain)

    def rows(self) -> list[InstalledModel]:
        return list(self._rows)

    def _on_listed(self, models: list[InstalledModel]) -> None:
        self._rows = models
        self._fill_table()
        self.modelsChanged.emit(models)

    def _fill_table(self) -> None:
        models = self._rows
        self.table.setRowCount(len(models))
        for row, model in enumerate(models):
            info = model.info
            if info is not None:
                cells = (model.display_name, info.architecture or "?", info.parameters_label, info.quantization or "?",
                         f"{info.context_length:,}" if info.context_length else "?",
                         self.tr("Yes") if info.has_chat_template else self.tr("No"),
                         format_bytes(model.size), self.tr("Ready"))
            else:
                cells = (model.name, "", "", "", "", "", format_bytes(model.size), self.tr("Problem: %1").replace("%1", model.error or ""))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(model.path))
                if not model.usable:
                    item.setToolTip(model.error or "")
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(COLUMNS.index("status"), 160)  # long problems: full text on hover
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def selected(self) -> InstalledModel | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    # -- import --------------------------------------------------------------------------------
    def import_files(self, paths: list[Path]) -> None:
        mode, models = self.import_mode.currentData(), self._models
        for path in paths:
            name = path.name
            self.status_text.set(lambda: self.tr("Checking and importing %1…").replace("%1", name))
            self._tasks.submit(f"import:{path}", lambda p=path: models.import_file(p, mode), self._on_imported,
                               self.status_text.set_plain)

    def _on_imported(self, model: InstalledModel) -> None:
        self.status_text.set(lambda: self.tr("Imported %1.").replace("%1", model.name))
        self.modelImported.emit(str(model.path))
        self.refresh()

    @Slot()
    def _on_import_clicked(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Import GGUF models"), str(Path.home()),
                                                self.tr("GGUF models (*.gguf)"))
        self.import_files([Path(f) for f in files])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() and u.toLocalFile().lower().endswith(".gguf") for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        wanted = [p for p in paths if p.suffix.lower() == ".gguf"]
        if not wanted:
            self.status_text.set(lambda: self.tr("Only .gguf model files can be imported."))
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_files(wanted)

    # -- delete / folder / settings ------------------------------------------------------------
    def confirm_delete(self, model: InstalledModel) -> bool:
        answer = QMessageBox.question(self, self.tr("Delete model"),
                                      self.tr("Delete %1 from this computer?").replace("%1", model.name))
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def _on_delete_clicked(self) -> None:
        model = self.selected()
        if model is None or not self.confirm_delete(model):
            return
        models = self._models
        self._tasks.submit("delete", lambda: models.delete(model.path), lambda _r: self._on_deleted(model),
                           self.status_text.set_plain)

    def _on_deleted(self, model: InstalledModel) -> None:
        self.status_text.set(lambda: self.tr("Deleted %1.").replace("%1", model.name))
        self.refresh()

    @Slot()
    def _on_open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._models.models_dir)))

    @Slot()
    def _on_settings_clicked(self) -> None:
        model = self.selected()
        if model is None:
            return
        models = self._models
        self._tasks.submit("settings", lambda: models.settings(model.path),
                           lambda settings: self._edit_settings(model, settings), self.status_text.set_plain)

    def _edit_settings(self, model: InstalledModel, settings: ModelSettings) -> None:
        dialog = ModelSettingsDialog(model, settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda new: self._save_settings(model, new))
        dialog.open()

    def _save_settings(self, model: InstalledModel, settings: ModelSettings) -> None:
        models = self._models
        self._tasks.submit("settings", lambda: models.save_settings(model.path, settings),
                           lambda _r: self.status_text.set(
                               lambda: self.tr("Saved the settings of %1.").replace("%1", model.name)),
                           self.status_text.set_plain)


class ModelSettingsDialog(QDialog):
    """Defaults that new chats with this model start from."""

    saved = Signal(object)  # ModelSettings

    def __init__(self, model: InstalledModel, settings: ModelSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model_name = model.name
        self._base = settings
        self.system_prompt = QPlainTextEdit(settings.system_prompt)
        self.template = QPlainTextEdit(settings.chat_template_override or "")
        self.temperature = self._double(settings.temperature, 0.0, 5.0)
        self.top_p = self._double(settings.top_p, 0.0, 1.0)
        self.context = QSpinBox()
        self.context.setRange(0, 1_048_576)
        self.context.setSingleStep(1024)
        self.context.setValue(settings.context_length or 0)
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setRange(-2, 1000)
        self.gpu_layers.setValue(-2 if settings.gpu_layers is None else settings.gpu_layers)
        self.error = QLabel()
        form = QFormLayout()
        self.labels: dict[QWidget, QLabel] = {}
        for editor in (self.system_prompt, self.template, self.temperature, self.top_p, self.context, self.gpu_layers):
            label = QLabel()
            label.setBuddy(editor)
            self.labels[editor] = label
            form.addRow(label, editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.retranslateUi()

    def retranslateUi(self) -> None:
        """Set every text in the current language (again on every language switch)."""
        self.setWindowTitle(self.tr("Settings for %1").replace("%1", self._model_name))
        names = {
            self.system_prompt: self.tr("System prompt"),
            self.template: self.tr("Chat template override"),
            self.temperature: self.tr("Temperature"),
            self.top_p: self.tr("Top P"),
            self.context: self.tr("Context length"),
            self.gpu_layers: self.tr("GPU layers"),
        }
        for editor, name in names.items():
            editor.setAccessibleName(name)
            self.labels[editor].setText(name)
        self.template.setPlaceholderText(self.tr("Leave empty to use the template in the model file"))
        for box in (self.temperature, self.top_p, self.gpu_layers):
            box.setSpecialValueText(self.tr("App default"))
        self.context.setSpecialValueText(self.tr("Model default"))
        self.gpu_layers.setToolTip(self.tr("-1 offloads every layer to the GPU; 0 uses the CPU only."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def _double(self, value: float | None, low: float, high: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low - 0.05, high)
        box.setSingleStep(0.05)
        box.setValue(low - 0.05 if value is None else value)
        return box

    def settings(self) -> ModelSettings:
        def double(box: QDoubleSpinBox) -> float | None:
            return None if box.value() < box.minimum() + 0.01 else round(box.value(), 3)

        return ModelSettings(
            system_prompt=self.system_prompt.toPlainText(),
            chat_template_override=self.template.toPlainText().strip() or None,
            temperature=double(self.temperature), top_p=double(self.top_p),
            top_k=self._base.top_k, min_p=self._base.min_p, repeat_penalty=self._base.repeat_penalty,
            max_tokens=self._base.max_tokens,
            context_length=self.context.value() or None,
            gpu_layers=None if self.gpu_layers.value() == -2 else self.gpu_layers.value(),
        )

    @Slot()
    def _on_save(self) -> None:
        settings = self.settings()
        try:
            settings.validate()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.saved.emit(settings)
        self.accept()
