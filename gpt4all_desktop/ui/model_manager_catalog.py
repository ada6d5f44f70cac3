"""The Catalog tab: curated models with a fit badge each. Works offline."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.catalog import Catalog, CatalogEntry
from gpt4all_desktop.core.fit import MemoryInfo, estimate_fit, format_bytes, kv_cache_bytes
from gpt4all_desktop.ui.model_manager_widgets import FitBadge

COLUMNS = ("name", "parameters", "quantization", "size", "languages", "fit", "action")


class CatalogTab(QWidget):
    downloadRequested = Signal(str, str)  # repo id, file name

    def __init__(self, catalog: Catalog, memory: MemoryInfo, context_length: int, use_gpu: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._memory = memory
        self._context = context_length
        self._use_gpu = use_gpu
        self._installed: set[str] = set()
        self.korean_only = QCheckBox()
        self.korean_only.toggled.connect(self._on_filter)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("catalogTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("catalogDescription")
        self.intro = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.intro, 1)
        top.addWidget(self.korean_only)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.description)
        self.retranslateUi()
        self._populate()

    def retranslateUi(self) -> None:
        """Set every text in the current language (again on every language switch)."""
        self.korean_only.setText(self.tr("Only models that answer well in Korean"))
        self.korean_only.setAccessibleName(self.tr("Show only models good at Korean"))
        self.table.setAccessibleName(self.tr("Curated models"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Model"), self.tr("Parameters"), self.tr("Quantization"), self.tr("Size"),
            self.tr("Languages"), self.tr("On this computer"), ""])
        self.intro.setText(self.tr("Hand-picked models that run well on ordinary computers."))
        # The rows hold translated words ("good in Korean", "Download"); the badges follow by themselves.
        for row in range(self.table.rowCount()):
            self._translate_row(row)
        self._on_selection()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def entries_shown(self) -> list[CatalogEntry]:
        return [self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(self.table.rowCount())]

    def badge(self, row: int) -> FitBadge:
        widget = self.table.cellWidget(row, COLUMNS.index("fit"))
        assert isinstance(widget, FitBadge)
        return widget

    def download_button(self, row: int) -> QPushButton:
        widget = self.table.cellWidget(row, COLUMNS.index("action"))
        assert isinstance(widget, QPushButton)
        return widget

    def set_context_length(self, context_length: int) -> None:
        self._context = context_length
        self._populate()

    def set_installed(self, filenames: set[str]) -> None:
        self._installed = filenames
        self._populate()

    def _populate(self) -> None:
        entries = self._catalog.korean() if self.korean_only.isChecked() else self._catalog.entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = ("", entry.parameters, entry.quantization, format_bytes(entry.size_bytes), ", ".join(entry.languages))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.description)
                item.setData(Qt.ItemDataRole.UserRole, entry)
                self.table.setItem(row, column, item)
            kv = kv_cache_bytes(entry.kv, min(self._context, entry.context_length), parameter_count=entry.parameter_count)
            estimate = estimate_fit(entry.size_bytes, kv, self._memory, use_gpu=self._use_gpu,
                                    context_length=min(self._context, entry.context_length))
            self.table.setCellWidget(row, COLUMNS.index("fit"), FitBadge(estimate))
            button = QPushButton()
            button.setEnabled(entry.filename not in self._installed)
            button.clicked.connect(lambda _checked=False, e=entry: self.downloadRequested.emit(e.repo_id, e.filename))
            self.table.setCellWidget(row, COLUMNS.index("action"), button)
            self._translate_row(row)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _translate_row(self, row: int) -> None:
        """Set the translated words of one row, keeping its widgets."""
        name_item = self.table.item(row, 0)
        entry: CatalogEntry = name_item.data(Qt.ItemDataRole.UserRole)
        name_item.setText(entry.name + ("  · " + self.tr("good in Korean") if entry.good_at_korean else ""))
        button = self.download_button(row)
        button.setText(self.tr("Installed") if entry.filename in self._installed else self.tr("Download"))
        button.setAccessibleName(self.tr("Download %1").replace("%1", entry.name))

    @Slot(bool)
    def _on_filter(self, _checked: bool) -> None:
        self._populate()

    @Slot()
    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.description.clear()
            return
        entry: CatalogEntry = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        license_text = self.tr("Licence: %1").replace("%1", entry.license)
        context = self.tr("Context: up to %1 tokens").replace("%1", f"{entry.context_length:,}")
        self.description.setText(f"<b>{entry.name}</b> — {entry.description}<br>{license_text} · {context}")
