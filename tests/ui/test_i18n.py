"""Korean and English at runtime: real widgets retranslate, the shipped files are complete."""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLabel, QToolButton
from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.settings_schema import SCHEMA
from gpt4all_desktop.ui.i18n import LanguageManager, effective_language, translations_dir
from gpt4all_desktop.ui.settings_dialog import SettingsDialog

ROOT = Path(__file__).resolve().parents[2]
KO_TS = translations_dir() / "gpt4all_desktop_ko.ts"
OWN_CONTEXTS = ("SettingsDialog", "SettingsSchema")


@pytest.fixture
def languages(qapp: QApplication) -> Iterator[LanguageManager]:
    manager = LanguageManager(qapp)
    yield manager
    manager.shutdown()
    manager.deleteLater()


def ts_messages(path: Path, contexts: tuple[str, ...] | None = None) -> dict[tuple[str, str], ET.Element]:
    result = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        if contexts is None or name in contexts:
            for message in context.iter("message"):
                result[(name, message.findtext("source") or "")] = message.find("translation")
    return result


def texts(dialog: SettingsDialog) -> dict[str, object]:
    """The visible texts of a few representative widgets."""
    theme = dialog.findChild(QComboBox, "setting_theme")
    label = dialog.rows["temperature"].label
    return {
        "title": dialog.windowTitle(),
        "tabs": [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())],
        "temperature": label.text(),
        "temperature_name": dialog.editor("temperature").accessibleName(),
        "default": dialog.findChild(QLabel, "default_temperature").text(),
        "reset": dialog.findChild(QToolButton, "reset_temperature").text(),
        "theme_choices": [theme.itemText(i) for i in range(theme.count())],
        "threads_special": dialog.editor("threads").text(),
        "template_status": dialog.findChild(QLabel, "setting_chat_template_status").text(),
        "ok": dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text(),
        "cancel": dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text(),
    }


ENGLISH = {
    "title": "Settings",
    "tabs": ["General", "Model", "Chat"],
    "temperature": "Temperature:",
    "temperature_name": "Temperature",
    "default": "Default: 0.7",
    "reset": "Reset",
    "theme_choices": ["System", "Light", "Dark"],
    "threads_special": "Auto",
    "template_status": "Empty: the model's own template is used.",
    "ok": "OK",
    "cancel": "Cancel",
}

KOREAN = {
    "title": "설정",
    "tabs": ["일반", "모델", "채팅"],
    "temperature": "온도:",
    "temperature_name": "온도",
    "default": "기본값: 0.7",
    "reset": "초기화",
    "theme_choices": ["시스템", "밝게", "어둡게"],
    "threads_special": "자동",
    "template_status": "비어 있음: 모델에 들어 있는 템플릿을 사용합니다.",
    "ok": "확인",
    "cancel": "취소",
}


def test_settings_dialog_switches_to_korean_and_back_without_a_restart(
    qtbot: QtBot, languages: LanguageManager
) -> None:
    dialog = SettingsDialog(SCHEMA.defaults())
    qtbot.addWidget(dialog)
    dialog.show()
    assert texts(dialog) == ENGLISH

    with qtbot.waitSignal(languages.languageChanged, timeout=2000) as switched:
        assert languages.set_language("ko") == "ko"
    assert switched.args == ["ko"] and languages.message == ""
    # Qt posts LanguageChange to every window; the dialog retranslates when it arrives.
    qtbot.waitUntil(lambda: dialog.windowTitle() == "설정", timeout=2000)
    assert texts(dialog) == KOREAN
    # Descriptions and notices in the same dialog follow too.
    assert dialog.rows["context_length"].description.text().startswith("모델이 한 번에 볼 수 있는")
    dialog.editor("context_length").setValue(8192)
    assert dialog.notice.text() == "컨텍스트 길이 항목을 바꾸면 모델을 다시 불러옵니다. 다시 불러오기는 백그라운드에서 진행됩니다."

    languages.set_language("en")
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Settings", timeout=2000)
    assert texts(dialog) == ENGLISH
    assert dialog.notice.text().startswith("Changing Context length reloads the model.")


def test_a_dialog_opened_while_korean_is_active_starts_in_korean(qtbot: QtBot, languages: LanguageManager) -> None:
    languages.set_language("ko")
    dialog = SettingsDialog(SCHEMA.defaults())
    qtbot.addWidget(dialog)
    assert texts(dialog) == KOREAN


def test_system_language_is_followed() -> None:
    assert effective_language("system", QLocale("ko_KR")) == "ko"
    assert effective_language("system", QLocale("fr_FR")) == "en"
    assert effective_language("ko", QLocale("fr_FR")) == "ko"
    assert effective_language("klingon", QLocale("en_GB")) == "en"


def test_missing_translation_falls_back_to_english_with_a_message(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    manager = LanguageManager(qapp, directory=tmp_path)
    try:
        assert manager.set_language("ko") == "en"
        assert "translation is missing" in manager.message
        dialog = SettingsDialog(SCHEMA.defaults())
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "Settings"
    finally:
        manager.shutdown()


def test_every_text_of_the_settings_ui_has_a_korean_translation() -> None:
    messages = ts_messages(KO_TS, OWN_CONTEXTS)
    untranslated = [source for (_, source), translation in messages.items() if translation.get("type")]
    assert untranslated == []
    from gpt4all_desktop.core.settings_schema import translatable_texts

    schema_sources = {source for (context, source) in messages if context == "SettingsSchema"}
    assert set(translatable_texts()) <= schema_sources


def test_compiled_qm_matches_the_ts_source() -> None:
    translator = QTranslator()
    assert translator.load(str(KO_TS.with_suffix(".qm")))
    for (context, source), translation in ts_messages(KO_TS).items():
        if translation.get("type") in (None, "") and (translation.text or "").strip():
            assert translator.translate(context, source) == translation.text, (
                f"{source!r} is stale in the .qm: run scripts/build_translations.py"
            )


def test_rebuilding_translations_keeps_the_korean_texts(tmp_path: Path) -> None:
    i18n = tmp_path / "i18n"
    shutil.copytree(translations_dir(), i18n)
    before = {key: value.text for key, value in ts_messages(i18n / KO_TS.name, OWN_CONTEXTS).items()}

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_translations
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    build_translations.build(i18n)
    build_translations.build(i18n)

    after = {key: value.text for key, value in ts_messages(i18n / KO_TS.name, OWN_CONTEXTS).items()}
    assert after == before  # nothing lost, and no settings text left untranslated and before[("SettingsSchema", "Theme")] == "테마"
    translator = QTranslator()
    assert translator.load(str(i18n / "gpt4all_desktop_ko.qm"))
    assert translator.translate("SettingsSchema", "Temperature") == "온도"
