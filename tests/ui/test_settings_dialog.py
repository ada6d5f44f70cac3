"""The settings dialog is generated from the schema and reports what changed."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.settings_schema import SCHEMA, Choice, Field, FieldType, Scope, SettingsSchema
from gpt4all_desktop.ui.settings_dialog import SettingsDialog, editor_object_name

WIDGET_FOR_TYPE = {
    FieldType.BOOL: QCheckBox,
    FieldType.INT: QSpinBox,
    FieldType.FLOAT: QDoubleSpinBox,
    FieldType.CHOICE: QComboBox,
    FieldType.STRING: QLineEdit,
    FieldType.PATH: QLineEdit,
    FieldType.SECRET: QLineEdit,
    FieldType.TEXT: QPlainTextEdit,
    FieldType.TEMPLATE: QPlainTextEdit,
}


def open_dialog(qtbot: QtBot, values: dict[str, Any] | None = None, schema: SettingsSchema = SCHEMA) -> SettingsDialog:
    dialog = SettingsDialog(values if values is not None else schema.defaults(), schema=schema)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def page_of(dialog: SettingsDialog, widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    assert parent is not None
    return parent


def click(qtbot: QtBot, dialog: SettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def test_every_schema_field_gets_a_labelled_editor_default_and_reset(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["General", "Model", "Chat"]
    for item in SCHEMA:
        editor = dialog.findChild(WIDGET_FOR_TYPE[item.type], editor_object_name(item.name))
        assert editor is not None, item.name
        assert editor.accessibleName() == item.title
        assert editor.focusPolicy() & Qt.FocusPolicy.TabFocus, f"{item.name} unreachable by keyboard"
        assert page_of(dialog, editor).objectName() == f"settingsPage_{item.scope.value}"
        default = dialog.findChild(QLabel, f"default_{item.name}")
        assert default is not None and default.text().startswith("Default: ")
        reset = dialog.findChild(QToolButton, f"reset_{item.name}")
        assert reset is not None and reset.accessibleName() == f"Reset {item.title} to default"
        assert not reset.isEnabled()  # everything is at its default
    assert dialog.findChild(QLabel, "default_temperature").text() == "Default: 0.7"
    assert dialog.findChild(QLabel, "default_threads").text() == "Default: Auto"
    assert dialog.findChild(QLabel, "default_reload_last_chat").text() == "Default: On"
    assert dialog.findChild(QLabel, "default_theme").text() == "Default: System"
    assert dialog.editor("huggingface_token").echoMode() == QLineEdit.EchoMode.Password


def test_a_field_added_to_a_schema_copy_appears_without_dialog_code(qtbot: QtBot) -> None:
    schema = SCHEMA.with_field(
        Field("beam_width", FieldType.INT, 4, "Beam width", "How many answers are explored.", Scope.CHAT,
              minimum=1, maximum=16)
    ).with_field(
        Field("accent", FieldType.CHOICE, "blue", "Accent colour", "Colour of highlights.", Scope.APPLICATION,
              choices=(Choice("blue", "Blue"), Choice("green", "Green")))
    )
    dialog = open_dialog(qtbot, schema=schema)

    beam = dialog.findChild(QSpinBox, "setting_beam_width")
    assert beam is not None and beam.value() == 4 and (beam.minimum(), beam.maximum()) == (1, 16)
    assert page_of(dialog, beam).objectName() == "settingsPage_chat"
    accent = dialog.findChild(QComboBox, "setting_accent")
    assert [accent.itemText(i) for i in range(accent.count())] == ["Blue", "Green"]
    assert page_of(dialog, accent).objectName() == "settingsPage_application"

    with qtbot.waitSignal(dialog.settingsChanged, timeout=2000) as changed:
        beam.setValue(8)
        accent.setCurrentIndex(1)
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Apply)
    assert changed.args == [{"beam_width": 8, "accent": "green"}]
    # The original schema is untouched, so a fresh dialog does not show them.
    assert open_dialog(qtbot).findChild(QSpinBox, "setting_beam_width") is None


def test_ok_reports_exactly_the_changed_settings_and_which_need_a_reload(qtbot: QtBot) -> None:
    values = {**SCHEMA.defaults(), "temperature": 0.9, "language": "ko"}
    dialog = open_dialog(qtbot, values)
    assert dialog.editor("temperature").value() == pytest.approx(0.9)
    assert dialog.editor("language").currentData() == "ko"
    assert dialog.findChild(QToolButton, "reset_temperature").isEnabled()
    assert dialog.notice.isHidden()

    dialog.editor("temperature").setValue(0.25)
    dialog.editor("context_length").setValue(8192)
    dialog.editor("system_prompt").setPlainText("Answer in one sentence.")
    dialog.editor("reload_last_chat").setChecked(False)
    assert dialog.notice.isVisible() and "Context length" in dialog.notice.text()

    emitted: list[tuple[str, object]] = []
    dialog.settingsChanged.connect(lambda changes: emitted.append(("changed", changes)))
    dialog.reloadRequired.connect(lambda names: emitted.append(("reload", names)))
    with qtbot.waitSignals([dialog.settingsChanged, dialog.reloadRequired], timeout=2000, order="strict"):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert [kind for kind, _ in emitted] == ["changed", "reload"]
    changed, reload = (args for _, args in emitted)
    assert changed == {
        "temperature": 0.25,
        "context_length": 8192,
        "system_prompt": "Answer in one sentence.",
        "reload_last_chat": False,
    }
    assert reload == ["context_length"]
    assert dialog.result() == dialog.DialogCode.Accepted and not dialog.isVisible()


def test_cancel_and_unchanged_ok_emit_nothing(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    with qtbot.assertNotEmitted(dialog.settingsChanged):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    dialog = open_dialog(qtbot)
    dialog.editor("top_k").setValue(3)
    with qtbot.assertNotEmitted(dialog.settingsChanged):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert dialog.result() == dialog.DialogCode.Rejected


def test_reset_button_returns_a_field_to_its_default(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, {**SCHEMA.defaults(), "seed": 1234, "theme": "dark"})
    reset = dialog.findChild(QToolButton, "reset_seed")
    assert reset.isEnabled()
    qtbot.mouseClick(reset, Qt.MouseButton.LeftButton)
    assert dialog.editor("seed").value() == -1 and dialog.editor("seed").text() == "Random"
    assert not reset.isEnabled()
    assert dialog.changes() == {"seed": -1}


def test_chat_template_is_validated_live_and_a_broken_one_is_not_saved(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    template = dialog.editor("chat_template")
    status = dialog.findChild(QLabel, "setting_chat_template_status")
    assert status.text() == "Empty: the model's own template is used."

    template.setPlainText("{% for m in messages %}\n{{ m['content'] }\n{% endfor %}")
    assert status.text().startswith("Template error: ") and "line 2" in status.text()
    assert status.property("problem") is True  # drawn in the theme's error colour
    with qtbot.assertNotEmitted(dialog.settingsChanged):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()  # nothing typed is lost
    assert dialog.error.isVisible() and dialog.error.text().startswith("Chat template cannot be saved: ")
    assert "line 2" in dialog.error.text()
    assert dialog.tabs.currentWidget().objectName() == "settingsPage_model"

    fixed = "{% for m in messages %}\n{{ m['content'] }}\n{% endfor %}"
    template.setPlainText(fixed)
    assert status.text() == "Template is valid."
    assert status.property("problem") is False
    assert dialog.error.isHidden()
    with qtbot.waitSignal(dialog.settingsChanged, timeout=2000) as changed:
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert changed.args == [{"chat_template": fixed}]


def test_model_page_offers_only_model_settings_with_inherited_defaults(qtbot: QtBot) -> None:
    inherited = {**SCHEMA.defaults(), "temperature": 0.4}
    dialog = SettingsDialog({"temperature": 0.3}, schema=SCHEMA, defaults=inherited, level=Scope.MODEL)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QComboBox, "setting_theme") is None
    assert dialog.findChild(QSpinBox, "setting_gpu_layers") is not None
    assert dialog.findChild(QLabel, "default_temperature").text() == "Default: 0.4"
    dialog.reset_to_default("temperature")
    assert dialog.changes() == {"temperature": 0.4}
