"""The whole window in Korean and back without a restart, and complete, current translation files.

The switch goes the way a user makes it: the language setting is changed through the main
window, which saves it and applies it; every open window (the main window, the model manager)
must follow on its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.hub import HubClient
from gpt4all_desktop.core.messages import GenerationStats
from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_store import SettingsStore
from gpt4all_desktop.ui.appearance import Appearance
from gpt4all_desktop.ui.i18n import translations_dir
from gpt4all_desktop.ui.main_window import MainWindow
from gpt4all_desktop.ui.model_manager import ModelManagerDialog
from gpt4all_desktop.workers.download_worker import DownloadController
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient
from tests.hf_server import FakeHub

ROOT = Path(__file__).resolve().parents[2]
TS_FILES = sorted(translations_dir().glob("gpt4all_desktop_*.ts"))
KO_TS = translations_dir() / "gpt4all_desktop_ko.ts"


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The app's appearance manager; the app's look and language are restored afterwards."""
    style, palette, font, sheet = qapp.style().name(), QPalette(qapp.palette()), qapp.font(), qapp.styleSheet()
    manager = Appearance(qapp)
    yield manager
    manager.shutdown()
    manager.deleteLater()
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


@pytest.fixture
def downloads(paths: AppPaths) -> Iterator[DownloadController]:
    with FakeHub() as hub:
        ctl = DownloadController(paths, hub=HubClient(endpoint=hub.endpoint))
        yield ctl
        assert ctl.shutdown()


@pytest.fixture
def window(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths,
           appearance: Appearance, downloads: DownloadController) -> Iterator[MainWindow]:
    store = SettingsStore.open(paths.settings_path)
    appearance.apply(store.values())  # as at start-up: English unless the setting says otherwise
    main = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini",
                      settings=store, appearance=appearance, downloads=downloads)
    qtbot.addWidget(main)
    main.show()
    yield main
    manager = getattr(main, "_manager", None)
    if manager is not None:
        manager.close()


# ------------------------------------------------------------------------------------ helpers
def visible_texts(window: MainWindow, manager: ModelManagerDialog) -> dict[str, object]:
    """The texts a user sees first, across the main window and the model manager."""
    answer = window.chat_view.message_widgets[-1]
    return {
        "menus": [action.text() for action in window.menuBar().actions()],
        "menu_items": [action.text() for action in window.file_menu.actions() if not action.isSeparator()],
        "send": window.send_button.text(),
        "new_chat": window.sidebar.new_chat_button.text(),
        "search_placeholder": window.sidebar.search_field.placeholderText(),
        "composer_placeholder": window.composer.placeholderText(),
        "author": answer.author.text(),
        "copy": answer.copy_button.text(),
        "footer": answer.footer.text(),
        "manager_title": manager.windowTitle(),
        "manager_tabs": [manager.tabs.tabText(i) for i in range(manager.tabs.count())],
        "catalog_header": manager.catalog_tab.table.horizontalHeaderItem(0).text(),
        "installed_import": manager.installed_tab.import_button.text(),
        "downloads_empty": manager.downloads_tab.empty.text(),
    }


ENGLISH = {
    "menus": ["&File", "&Chat", "&Help"],
    "menu_items": ["New chat", "Models…", "Remote engines…", "Settings…", "Import chats…", "Export all chats…",
                   "Open log folder", "Quit"],
    "send": "Send",
    "new_chat": "New chat",
    "search_placeholder": "Search chats",
    "composer_placeholder": "Message the model — Enter to send, Shift+Enter for a new line",
    "author": "Assistant",
    "copy": "Copy",
    "footer": "12 tokens · 3.5 tok/s · first token 250 ms · stopped",
    "manager_title": "Models",
    "manager_tabs": ["Catalog", "Search Hugging Face", "Installed", "Downloads"],
    "catalog_header": "Model",
    "installed_import": "Import .gguf…",
    "downloads_empty": "No downloads yet. Pick a model in the Catalog or search Hugging Face.",
}

KOREAN = {
    "menus": ["파일(&F)", "채팅(&C)", "도움말(&H)"],
    "menu_items": ["새 채팅", "모델…", "원격 엔진…", "설정…", "채팅 가져오기…", "모든 채팅 내보내기…",
                   "로그 폴더 열기", "종료"],
    "send": "보내기",
    "new_chat": "새 채팅",
    "search_placeholder": "채팅 검색",
    "composer_placeholder": "모델에게 메시지 보내기 — Enter로 보내기, Shift+Enter로 줄 바꿈",
    "author": "어시스턴트",
    "copy": "복사",
    "footer": "12 토큰 · 3.5 토큰/초 · 첫 토큰 250ms · 중지됨",
    "manager_title": "모델",
    "manager_tabs": ["카탈로그", "Hugging Face 검색", "설치됨", "다운로드"],
    "catalog_header": "모델",
    "installed_import": ".gguf 가져오기…",
    "downloads_empty": "아직 다운로드한 항목이 없습니다. 카탈로그에서 모델을 고르거나 Hugging Face에서 검색하세요.",
}

# Words that stay as they are in Korean: names, formats and units.
KEPT = re.compile(r"Hugging Face|GGUF|gguf|JSON|Markdown|GPU|CPU|API|URL|Top-[KP]|Min-P|Jinja|Enter|Shift|"
                  r"https?://\S*|qwen2\.5 instruct|GPT4All[\w ]*|tok/s|ms|[A-Z]\w*-[\w.-]+")


def english_leftovers(*roots: QWidget, data: list[str]) -> list[str]:
    """Visible texts (labels, buttons, placeholders, accessible names) that still contain English
    words once ``data`` (messages, model names: not ours to translate) is taken out."""
    found = []
    for root in roots:
        widgets = [root, *root.findChildren(QWidget)]
        for widget in widgets:
            if not widget.isVisibleTo(root) and widget is not root or widget.objectName() == "body":
                continue  # hidden, or a message's own text
            texts = []
            if isinstance(widget, (QLabel, QAbstractButton)):
                texts.append(widget.text())
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                texts.append(widget.placeholderText())
            texts.append(widget.accessibleName())
            for text in texts:
                for value in data:
                    text = text.replace(value, "")
                words = re.findall(r"[A-Za-z]{3,}", KEPT.sub("", text))
                if words:
                    found.append(f"{type(widget).__name__} {widget.objectName()!r}: {text!r}")
    return found


def ts_messages(path: Path) -> list[tuple[str, ET.Element]]:
    return [(context.findtext("name") or "", message)
            for context in ET.parse(path).getroot().iter("context") for message in context.iter("message")]


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\d|%n|\{\w*\}|\\n|\n|&\w", text))


# ------------------------------------------------------------------------------------- tests
def test_the_window_and_an_open_model_manager_switch_to_korean_and_back(
        qtbot: QtBot, window: MainWindow) -> None:
    stats = GenerationStats(generated_tokens=12, tokens_per_second=3.5, time_to_first_token=0.25)
    window.chat_view.add_message("user", "Hello")
    window.chat_view.add_message("assistant", "Hi there.", stats, note="stopped")
    window.open_model_manager()
    qtbot.waitUntil(lambda: window._manager is not None and window._manager.isVisible(), timeout=5_000)
    manager = window._manager
    assert visible_texts(window, manager) == ENGLISH

    with qtbot.waitSignal(window.settingsApplied, timeout=5_000):
        window.apply_settings({"language": "ko"})
    assert window.settings.get("language") == "ko"  # saved, so the next start is Korean too
    # Qt posts LanguageChange to each window; the texts change when it is delivered.
    qtbot.waitUntil(lambda: window.send_button.text() == "보내기", timeout=5_000)
    qtbot.waitUntil(lambda: manager.windowTitle() == "모델", timeout=5_000)
    assert visible_texts(window, manager) == KOREAN
    assert window.chat_view.message_widgets[0].author.text() == "나"
    catalog_names = [entry.name for entry in manager.catalog_tab.entries_shown()]
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # rows replaced before the switch
    assert english_leftovers(window, manager, data=catalog_names) == []

    window.apply_settings({"language": "en"})
    qtbot.waitUntil(lambda: window.send_button.text() == "Send", timeout=5_000)
    qtbot.waitUntil(lambda: manager.windowTitle() == "Models", timeout=5_000)
    assert visible_texts(window, manager) == ENGLISH


def test_texts_set_after_the_window_was_built_follow_the_switch(qtbot: QtBot, window: MainWindow) -> None:
    """Status lines made earlier (a search with no hits, the offline banner) are made again."""
    sidebar = window.sidebar
    with qtbot.waitSignal(sidebar.searchFinished, timeout=5_000):
        sidebar.search_field.setText("zebra")
        sidebar.runSearch()
    assert sidebar.search_status.text() == "No chats match “zebra”."
    window.open_model_manager()
    qtbot.waitUntil(lambda: window._manager is not None and window._manager.isVisible(), timeout=5_000)
    manager = window._manager
    manager._set_offline()
    manager.catalog_tab.korean_only.setChecked(True)

    window.apply_settings({"language": "ko"})
    qtbot.waitUntil(lambda: sidebar.search_status.text() == "“zebra”에 맞는 채팅이 없습니다.", timeout=5_000)
    qtbot.waitUntil(lambda: manager.offline_banner.text().startswith("오프라인이거나"), timeout=5_000)
    assert manager.catalog_tab.korean_only.isChecked()  # retranslating keeps what the user chose
    rows = manager.catalog_tab.table.rowCount()
    assert rows > 0
    assert all("한국어 우수" in manager.catalog_tab.table.item(row, 0).text() for row in range(rows))
    assert manager.catalog_tab.download_button(0).text() in ("다운로드", "설치됨")
    assert manager.catalog_tab.badge(0).text() in ("적합", "빠듯함", "메모리 부족")

    window.apply_settings({"language": "en"})
    qtbot.waitUntil(lambda: sidebar.search_status.text() == "No chats match “zebra”.", timeout=5_000)
    qtbot.waitUntil(lambda: manager.offline_banner.text().startswith("You are offline"), timeout=5_000)


@pytest.mark.parametrize("ts_file", TS_FILES, ids=lambda path: path.stem)
def test_every_message_is_translated_and_keeps_its_placeholders(ts_file: Path) -> None:
    messages = ts_messages(ts_file)
    assert messages, f"{ts_file.name} is empty"
    problems = []
    for context, message in messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") in ("vanished", "obsolete"):
            continue
        if translation.get("type") == "unfinished":
            problems.append(f"untranslated {context}: {source!r}")
            continue
        if message.get("numerus") == "yes":
            forms = [form.text or "" for form in translation.iter("numerusform")]
        else:
            forms = [translation.text or ""]
        for form in forms:
            if not form.strip():
                problems.append(f"empty {context}: {source!r}")
            elif placeholders(form) != placeholders(source):
                problems.append(f"placeholders differ {context}: {source!r} -> {form!r}")
    assert problems == []


def test_korean_covers_every_context_of_the_interface() -> None:
    contexts = {context for context, _ in ts_messages(KO_TS)}
    expected = {"MainWindow", "MessageWidget", "ChatView", "Composer", "HistorySidebar", "ChatListModel",
                "ModelManagerDialog", "CatalogTab", "SearchTab", "InstalledTab", "DownloadsTab", "DownloadRow",
                "FitBadge", "ModelSettingsDialog", "RemoteEnginesDialog", "SettingsDialog", "SettingsSchema"}
    assert expected <= contexts


def test_translation_files_are_current_with_the_code(tmp_path: Path) -> None:
    """Extracting again finds nothing new to translate, and each .qm is the compiled .ts."""
    shipped = translations_dir()
    copy = tmp_path / "i18n"
    shutil.copytree(shipped, copy)
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_translations.py"), "--check",
                             "--i18n-dir", str(copy)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for ts_file in TS_FILES:
        rebuilt_ts = (copy / ts_file.name).read_text(encoding="utf-8")
        assert rebuilt_ts == ts_file.read_text(encoding="utf-8"), (
            f"{ts_file.name} is out of date with the code: run scripts/build_translations.py")
        qm = ts_file.with_suffix(".qm")
        assert qm.read_bytes() == (copy / qm.name).read_bytes(), (
            f"{qm.name} was not compiled from the current {ts_file.name}: run scripts/build_translations.py")
