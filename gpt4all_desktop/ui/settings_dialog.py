"""The settings dialog, generated from the settings schema.

Nothing here names a particular setting: every :class:`~gpt4all_desktop.core.settings_schema.Field`
gets a row with an editor chosen by its type, its default and a reset button, on the page of its
scope. Adding a setting to the schema therefore adds it to the dialog. Editors for a new *type*
go into :data:`EDITORS`.

The dialog edits a copy of the values and reports what changed through :attr:`settingsChanged`
(on OK or Apply); the caller stores them and reloads the model when :attr:`reloadRequired` says so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.settings_schema import (
    SCHEMA,
    TRANSLATION_CONTEXT,
    Field,
    FieldType,
    Scope,
    SettingsSchema,
    validate_chat_template,
)

log = logging.getLogger(__name__)


def schema_text(text: str) -> str:
    """A schema title, description or label in the current language."""
    return QCoreApplication.translate(TRANSLATION_CONTEXT, text) if text else text


def editor_object_name(name: str) -> str:
    """The objectName of the editor widget for setting ``name`` (stable, for tests and styling)."""
    return f"setting_{name}"


# ---------------------------------------------------------------------------------------------
# Editors: one small adapter per field type


class FieldEditor(QObject):
    """Adapts one Qt control to a field: ``value()``, ``set_value()`` and ``changed``."""

    changed = Signal()

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = field
        self.widget = self._create(parent)
        self.widget.setObjectName(editor_object_name(field.name))
        self.container: QWidget = self.widget

    def _create(self, parent: QWidget) -> QWidget:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def problem(self) -> str | None:
        """A message when the current text cannot be used (only templates can have one)."""
        return None

    def retranslate(self) -> None:
        self.widget.setAccessibleName(schema_text(self.field.title))
        self.widget.setAccessibleDescription(schema_text(self.field.description))
        self.widget.setToolTip(schema_text(self.field.description))

    @Slot()
    def _emit_changed(self) -> None:
        self.changed.emit()


class BoolEditor(FieldEditor):
    def _create(self, parent: QWidget) -> QWidget:
        self.box = QCheckBox(parent)
        self.box.toggled.connect(self._emit_changed)
        return self.box

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def retranslate(self) -> None:
        super().retranslate()
        self.box.setText(QCoreApplication.translate("SettingsDialog", "Enabled"))


class IntEditor(FieldEditor):
    def _create(self, parent: QWidget) -> QWidget:
        spin = QSpinBox(parent)
        spin.setRange(int(self.field.minimum or 0), int(self.field.maximum if self.field.maximum is not None else 2**31 - 1))
        spin.setSingleStep(int(self.field.step or 1))
        spin.setAccelerated(True)
        spin.valueChanged.connect(self._emit_changed)
        self.spin = spin
        return spin

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))

    def retranslate(self) -> None:
        super().retranslate()
        self.spin.setSpecialValueText(schema_text(self.field.special_text))


class FloatEditor(FieldEditor):
    def _create(self, parent: QWidget) -> QWidget:
        spin = QDoubleSpinBox(parent)
        spin.setDecimals(self.field.decimals)
        spin.setRange(self.field.minimum or 0.0, self.field.maximum if self.field.maximum is not None else 1e9)
        spin.setSingleStep(self.field.step or 0.1)
        spin.valueChanged.connect(self._emit_changed)
        self.spin = spin
        return spin

    def value(self) -> float:
        return round(self.spin.value(), self.field.decimals)

    def set_value(self, value: Any) -> None:
        self.spin.setValue(float(value))


class ChoiceEditor(FieldEditor):
    def _create(self, parent: QWidget) -> QWidget:
        combo = QComboBox(parent)
        for choice in self.field.choices:
            combo.addItem(choice.label, choice.value)
        combo.currentIndexChanged.connect(self._emit_changed)
        self.combo = combo
        return combo

    def value(self) -> str:
        return str(self.combo.currentData())

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def retranslate(self) -> None:
        super().retranslate()
        for index, choice in enumerate(self.field.choices):
            self.combo.setItemText(index, schema_text(choice.label))


class LineEditor(FieldEditor):
    def _create(self, parent: QWidget) -> QWidget:
        self.line = QLineEdit(parent)
        if self.field.secret:
            self.line.setEchoMode(QLineEdit.EchoMode.Password)
        self.line.textChanged.connect(self._emit_changed)
        return self.line

    def value(self) -> str:
        return self.line.text().strip()

    def set_value(self, value: Any) -> None:
        self.line.setText(str(value))


class PathEditor(LineEditor):
    """A folder: a line edit plus a Browse button."""

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        self.container = QWidget(parent)
        row = QHBoxLayout(self.container)
        row.setContentsMargins(0, 0, 0, 0)
        self.browse = QToolButton(self.container)
        self.browse.clicked.connect(self._browse)
        row.addWidget(self.line, 1)
        row.addWidget(self.browse)

    @Slot()
    def _browse(self) -> None:
        title = schema_text(self.field.title)
        folder = QFileDialog.getExistingDirectory(self.container, title, self.value())
        if folder:
            self.line.setText(folder)

    def retranslate(self) -> None:
        super().retranslate()
        self.browse.setText(QCoreApplication.translate("SettingsDialog", "Browse…"))
        self.browse.setAccessibleName(
            QCoreApplication.translate("SettingsDialog", "Choose a folder for %1").replace(
                "%1", schema_text(self.field.title)
            )
        )


class TextEditor(FieldEditor):
    def _create(self, parent: QWidget) -> QWidget:
        self.text = QPlainTextEdit(parent)
        self.text.setTabChangesFocus(True)  # keyboard users can leave the editor with Tab
        self.text.setMinimumHeight(90)
        self.text.textChanged.connect(self._emit_changed)
        return self.text

    def value(self) -> str:
        return self.text.toPlainText()

    def set_value(self, value: Any) -> None:
        if self.text.toPlainText() != value:
            self.text.setPlainText(str(value))


class TemplateEditor(TextEditor):
    """A Jinja chat template, checked on every edit with the line of the first error."""

    def __init__(self, field: Field, parent: QWidget) -> None:
        super().__init__(field, parent)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.status = QLabel(parent)
        self.status.setObjectName(f"{editor_object_name(field.name)}_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.container = QWidget(parent)
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.text)
        column.addWidget(self.status)
        self._problem: str | None = None
        self.changed.connect(self._check)

    def problem(self) -> str | None:
        return self._problem

    @Slot()
    def _check(self) -> None:
        self._problem = validate_chat_template(self.value())
        self._show_status()

    def _show_status(self) -> None:
        # Spelled out in full: lupdate only recognises literal translate() calls.
        if self._problem:
            text = QCoreApplication.translate("SettingsDialog", "Template error: %1").replace("%1", self._problem)
        elif self.value().strip():
            text = QCoreApplication.translate("SettingsDialog", "Template is valid.")
        else:
            text = QCoreApplication.translate("SettingsDialog", "Empty: the model's own template is used.")
        self.status.setText(text)
        if self.status.property("problem") != bool(self._problem):
            self.status.setProperty("problem", bool(self._problem))
            self.status.style().unpolish(self.status)  # style sheets read properties at polish time
            self.status.style().polish(self.status)
        self.status.setAccessibleName(self.status.text())

    def set_value(self, value: Any) -> None:
        super().set_value(value)
        self._check()

    def retranslate(self) -> None:
        super().retranslate()
        self._show_status()


#: Which editor each field type gets.
EDITORS: dict[FieldType, type[FieldEditor]] = {
    FieldType.BOOL: BoolEditor,
    FieldType.INT: IntEditor,
    FieldType.FLOAT: FloatEditor,
    FieldType.CHOICE: ChoiceEditor,
    FieldType.STRING: LineEditor,
    FieldType.SECRET: LineEditor,
    FieldType.PATH: PathEditor,
    FieldType.TEXT: TextEditor,
    FieldType.TEMPLATE: TemplateEditor,
}


# ---------------------------------------------------------------------------------------------
# The dialog


class _Row:
    """The widgets of one setting's row, kept for retranslation and reset."""

    def __init__(self, editor: FieldEditor, label: QLabel, description: QLabel, default: QLabel, reset: QToolButton):
        self.editor, self.label, self.description, self.default, self.reset = editor, label, description, default, reset


class SettingsDialog(QDialog):
    """Edit settings; one tab per scope, one row per field of ``schema``.

    ``values`` are the current values (missing names take ``defaults``), ``defaults`` what each
    reset button returns to (the schema defaults, or for a model's page the inherited values),
    and ``level`` which fields are offered (APPLICATION: all of them).
    """

    #: ``{name: new value}`` of the settings changed by OK or Apply.
    settingsChanged = Signal(dict)
    #: Names (among the applied changes) that take effect only after the model reloads.
    reloadRequired = Signal(list)

    def __init__(
        self,
        values: Mapping[str, Any],
        parent: QWidget | None = None,
        *,
        schema: SettingsSchema = SCHEMA,
        defaults: Mapping[str, Any] | None = None,
        level: Scope = Scope.APPLICATION,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.schema = schema
        self.fields = schema.settable_at(level)
        self.defaults = {item.name: (defaults or {}).get(item.name, item.default) for item in self.fields}
        self._baseline = {item.name: values.get(item.name, self.defaults[item.name]) for item in self.fields}
        self.rows: dict[str, _Row] = {}
        self.pages: dict[Scope, QWidget] = {}

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        for scope in Scope:
            page_fields = [item for item in self.fields if item.scope is scope]
            if page_fields:
                self.pages[scope] = self._build_page(scope, page_fields)
                self.tabs.addTab(self.pages[scope], "")

        self.notice = QLabel(self)
        self.notice.setObjectName("settingsReloadNotice")
        self.notice.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setProperty("problem", True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.clicked.connect(self._on_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(680, 560)

        for name, row in self.rows.items():
            row.editor.set_value(self._baseline[name])
            row.editor.changed.connect(self._refresh)
        self.retranslateUi()
        self._refresh()

    # -- construction --------------------------------------------------------------------------

    def _build_page(self, scope: Scope, fields: list[Field]) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setObjectName(f"settingsPage_{scope.value}")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget(scroll)
        form = QFormLayout(body)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for item in fields:
            form.addRow(*self._build_row(item, body))
        scroll.setWidget(body)
        return scroll

    def _build_row(self, item: Field, body: QWidget) -> tuple[QLabel, QWidget]:
        editor = EDITORS[item.type](item, body)
        label = QLabel(body)
        label.setBuddy(editor.widget)
        reset = QToolButton(body)
        reset.setObjectName(f"reset_{item.name}")
        reset.clicked.connect(lambda _checked=False, name=item.name: self.reset_to_default(name))
        description = QLabel(body)
        description.setWordWrap(True)
        description.setProperty("muted", True)
        default = QLabel(body)
        default.setObjectName(f"default_{item.name}")
        default.setProperty("muted", True)

        cell = QWidget(body)
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 6)
        line = QHBoxLayout()
        line.addWidget(editor.container, 1)
        line.addWidget(reset, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(line)
        column.addWidget(description)
        column.addWidget(default)
        self.rows[item.name] = _Row(editor, label, description, default, reset)
        return label, cell

    # -- translation ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """Set every text in the current language (called again on LanguageChange)."""
        self.setWindowTitle(self.tr("Settings"))
        self.tabs.setAccessibleName(self.tr("Settings sections"))
        page_titles = {
            Scope.APPLICATION: self.tr("General"),
            Scope.MODEL: self.tr("Model"),
            Scope.CHAT: self.tr("Chat"),
        }
        for scope, page in self.pages.items():
            self.tabs.setTabText(self.tabs.indexOf(page), page_titles[scope])
        for name, row in self.rows.items():
            item = self.schema[name]
            title = schema_text(item.title)
            row.editor.retranslate()
            row.label.setText(self.tr("%1:").replace("%1", title))
            row.description.setText(schema_text(item.description))
            row.default.setText(self.tr("Default: %1").replace("%1", self.format_value(item, self.defaults[name])))
            row.reset.setText(self.tr("Reset"))
            row.reset.setToolTip(self.tr("Reset to the default value"))
            row.reset.setAccessibleName(self.tr("Reset %1 to default").replace("%1", title))
        self._refresh()

    def format_value(self, item: Field, value: Any) -> str:
        """How a value reads to a person (used for the "Default:" hints)."""
        if item.type is FieldType.BOOL:
            return self.tr("On") if value else self.tr("Off")
        if item.type is FieldType.CHOICE:
            labels = {choice.value: choice.label for choice in item.choices}
            return schema_text(labels.get(value, str(value)))
        if item.type in (FieldType.INT, FieldType.FLOAT):
            if item.special_text and item.minimum is not None and value == item.minimum:
                return schema_text(item.special_text)
            return f"{value:g}" if item.type is FieldType.FLOAT else str(value)
        if not value:
            return self.tr("(empty)")
        if item.secret:
            return self.tr("(hidden)")
        text = " ".join(str(value).split())
        return text if len(text) <= 40 else text[:39] + "…"

    # -- state ---------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The values currently shown, for every offered field."""
        return {name: row.editor.value() for name, row in self.rows.items()}

    def changes(self) -> dict[str, Any]:
        """Shown values that differ from the values the dialog was opened (or last applied) with."""
        return {name: value for name, value in self.values().items() if value != self._baseline[name]}

    def editor(self, name: str) -> QWidget:
        """The control editing setting ``name`` (for focus and tests)."""
        return self.rows[name].editor.widget

    @Slot()
    def reset_to_default(self, name: str) -> None:
        self.rows[name].editor.set_value(self.defaults[name])

    @Slot()
    def _refresh(self) -> None:
        values = self.values()
        for name, row in self.rows.items():
            row.reset.setEnabled(values[name] != self.defaults[name])
        reload = self.schema.needs_reload(self.changes())
        if reload:
            titles = ", ".join(schema_text(self.schema[name].title) for name in reload)
            self.notice.setText(
                self.tr("Changing %1 reloads the model. It reloads in the background.").replace("%1", titles)
            )
        self.notice.setVisible(bool(reload))
        if not any(row.editor.problem() for row in self.rows.values()):
            self.error.clear()  # shown by apply() only, until the problem is fixed
        self.error.setVisible(bool(self.error.text()))

    # -- applying ------------------------------------------------------------------------------

    @Slot(QAbstractButton)
    def _on_button(self, button: QAbstractButton) -> None:
        if self.buttons.standardButton(button) == QDialogButtonBox.StandardButton.Apply:
            self.apply()

    def apply(self) -> bool:
        """Emit the pending changes; returns False (and shows why) if one cannot be used."""
        for name, row in self.rows.items():
            problem = row.editor.problem()
            if problem:
                title = schema_text(self.schema[name].title)
                self.error.setText(self.tr("%1 cannot be saved: %2").replace("%1", title).replace("%2", problem))
                self.error.setVisible(True)
                page = self.pages[self.schema[name].scope]
                self.tabs.setCurrentWidget(page)
                row.editor.widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return False
        changes = self.changes()
        if changes:
            log.info("settings changed: %s", sorted(changes))
            self._baseline.update(changes)
            self.settingsChanged.emit(changes)
            reload = self.schema.needs_reload(changes)
            if reload:
                self.reloadRequired.emit(reload)
        self._refresh()
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()
