"""The history sidebar on a real database, through the real storage thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.storage import ChatStore
from gpt4all_desktop.core.storage.models import now_ms
from gpt4all_desktop.ui.history_models import CHAT_ID_ROLE, IS_HEADER_ROLE, SNIPPET_HTML_ROLE
from gpt4all_desktop.ui.history_sidebar import HistorySidebar
from gpt4all_desktop.workers.storage_worker import StorageClient

DAY_MS = 86_400_000


def _populate(path: Path) -> dict[str, int]:
    store = ChatStore.open(path)
    ids: dict[str, int] = {}
    try:
        for title, age_days in (("서울 여행 계획", 0), ("Python tips", 1), ("Old recipes", 40)):
            chat = store.create_chat(title)
            q = store.add_user_message(chat, f"question about {title}")
            a = store.begin_answer(chat, q, "m")
            store.finish_answer(a, f"answer about {title}")
            store.db.execute("UPDATE chats SET updated_at = ? WHERE id = ?", (now_ms() - age_days * DAY_MS, chat))
            ids[title] = chat
        seoul = ids["서울 여행 계획"]
        ids["hangul_question"] = store.add_user_message(seoul, "한옥마을은 어디에 있나요?")
    finally:
        store.close()
    return ids


@pytest.fixture
def db_path() -> Path:
    return AppPaths.default().database_path


@pytest.fixture
def storage(qtbot: QtBot, db_path: Path) -> Iterator[StorageClient]:
    client = StorageClient(db_path)
    # Let the app's own connection finish creating the database before a test writes to it
    # from a second connection (as a second copy of the app would).
    qtbot.waitUntil(lambda: client.opened_info is not None, timeout=10_000)
    yield client
    client.shutdown()
    assert not client._thread.isRunning()


def _sidebar(qtbot: QtBot, storage: StorageClient) -> HistorySidebar:
    sidebar = HistorySidebar(storage)
    qtbot.addWidget(sidebar)
    sidebar.resize(320, 600)
    sidebar.show()
    with qtbot.waitSignal(sidebar.chatsLoaded, timeout=5000):
        sidebar.refresh()
    return sidebar


def _rows(sidebar: HistorySidebar) -> list[tuple[bool, str]]:
    model = sidebar.chat_model
    return [
        (bool(model.index(r, 0).data(IS_HEADER_ROLE)), model.index(r, 0).data()) for r in range(model.rowCount())
    ]


def _click(qtbot: QtBot, view, index: QModelIndex) -> None:
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def _wait_idle(qtbot: QtBot, storage: StorageClient) -> None:
    qtbot.waitUntil(lambda: storage.pending == 0, timeout=5000)


def _type(widget: QWidget, text: str) -> None:
    """Key events carrying Hangul text (QTest.keyClicks only handles Latin-1)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def _read(db_path: Path, sql: str, params: tuple = ()) -> list:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def test_groups_newest_first_and_click_selects(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    ids = _populate(db_path)
    sidebar = _sidebar(qtbot, storage)
    assert _rows(sidebar) == [
        (True, "Today"), (False, "서울 여행 계획"),
        (True, "Yesterday"), (False, "Python tips"),
        (True, "Older"), (False, "Old recipes"),
    ]
    header = sidebar.chat_model.index(0, 0)
    assert not sidebar.chat_model.flags(header) & Qt.ItemFlag.ItemIsSelectable
    with qtbot.waitSignal(sidebar.chatSelected, timeout=2000) as selected:
        _click(qtbot, sidebar.chat_view, sidebar.chat_model.index_of_chat(ids["Python tips"]))
    assert selected.args == [ids["Python tips"]]
    with qtbot.assertNotEmitted(sidebar.chatSelected):
        _click(qtbot, sidebar.chat_view, header)
    with qtbot.waitSignal(sidebar.newChatRequested, timeout=2000):
        qtbot.mouseClick(sidebar.new_chat_button, Qt.MouseButton.LeftButton)


def test_inline_rename_in_korean_is_saved(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    ids = _populate(db_path)
    sidebar = _sidebar(qtbot, storage)
    index = sidebar.chat_model.index_of_chat(ids["Python tips"])
    sidebar.chat_view.setCurrentIndex(index)
    sidebar.chat_view.setFocus()
    sidebar.rename_action.trigger()
    editor = sidebar.chat_view.findChild(QLineEdit)
    assert editor is not None and editor.text() == "Python tips"
    editor.selectAll()
    _type(editor, "파이썬 팁 모음")
    with qtbot.waitSignal(sidebar.chatRenamed, timeout=5000) as renamed:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert renamed.args == [ids["Python tips"], "파이썬 팁 모음"]
    assert sidebar.chat_model.index_of_chat(ids["Python tips"]).data() == "파이썬 팁 모음"
    assert _read(db_path, "SELECT title, title_is_auto FROM chats WHERE id = ?", (ids["Python tips"],)) == [
        ("파이썬 팁 모음", 0)
    ]


def test_delete_then_undo(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    ids = _populate(db_path)
    sidebar = _sidebar(qtbot, storage)
    target = ids["Old recipes"]
    sidebar.chat_view.setCurrentIndex(sidebar.chat_model.index_of_chat(target))
    with qtbot.waitSignal(sidebar.chatDeleted, timeout=5000):
        sidebar.delete_action.trigger()
    assert ("Older" not in [text for _, text in _rows(sidebar)]) and sidebar.chat_model.chat_count() == 2
    assert sidebar.undo_bar.isVisible() and "Old recipes" in sidebar.undo_label.text()
    assert _read(db_path, "SELECT deleted_at IS NOT NULL FROM chats WHERE id = ?", (target,)) == [(1,)]

    with qtbot.waitSignal(sidebar.chatsLoaded, timeout=5000):
        qtbot.mouseClick(sidebar.undo_button, Qt.MouseButton.LeftButton)
    assert not sidebar.undo_bar.isVisible()
    assert sidebar.chat_model.index_of_chat(target).isValid()
    assert _read(db_path, "SELECT deleted_at FROM chats WHERE id = ?", (target,)) == [(None,)]


def test_undo_offer_ending_erases_the_chat(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    ids = _populate(db_path)
    sidebar = _sidebar(qtbot, storage)
    first, second = ids["Old recipes"], ids["Python tips"]
    with qtbot.waitSignal(sidebar.chatDeleted, timeout=5000):
        sidebar.deleteChat(first)
    with qtbot.waitSignal(sidebar.chatDeleted, timeout=5000):
        sidebar.deleteChat(second)  # the first deletion becomes final
    assert "Python tips" in sidebar.undo_label.text()
    _wait_idle(qtbot, storage)
    assert _read(db_path, "SELECT count(*) FROM chats WHERE id = ?", (first,)) == [(0,)]
    sidebar.undo_timer.start(1)
    qtbot.waitUntil(lambda: not sidebar.undo_bar.isVisible(), timeout=3000)
    _wait_idle(qtbot, storage)
    assert _read(db_path, "SELECT count(*) FROM chats WHERE id = ?", (second,)) == [(0,)]
    assert _read(db_path, "SELECT title FROM chats") == [("서울 여행 계획",)]


def test_korean_search_highlights_and_opens_the_message(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    ids = _populate(db_path)
    sidebar = _sidebar(qtbot, storage)
    with qtbot.waitSignal(sidebar.searchFinished, timeout=5000) as finished:
        _type(sidebar.search_field, "한옥")
    assert finished.args == ["한옥", 1]
    assert sidebar.pages.currentWidget() is sidebar.results_view
    hit = sidebar.results_model.index(0, 0)
    assert "<b>한옥</b>마을은" in hit.data(SNIPPET_HTML_ROLE)
    assert "서울 여행 계획" in hit.data(SNIPPET_HTML_ROLE)
    assert not sidebar.results_view.viewport().grab().isNull()  # paints through the delegate
    assert sidebar.results_view.sizeHintForRow(0) > sidebar.chat_view.sizeHintForRow(1)  # two lines
    with qtbot.waitSignal(sidebar.messageSelected, timeout=2000) as selected:
        _click(qtbot, sidebar.results_view, hit)
    assert selected.args == [ids["서울 여행 계획"], ids["hangul_question"]]

    # A title hit opens the chat; clearing the field returns to the list.
    with qtbot.waitSignal(sidebar.searchFinished, timeout=5000) as finished:
        sidebar.search_field.setText("Old recipes")
    assert finished.args[1] >= 1
    first = sidebar.results_model.index(0, 0)
    assert first.data(CHAT_ID_ROLE) == ids["Old recipes"]
    with qtbot.waitSignal(sidebar.chatSelected, timeout=2000) as selected:
        _click(qtbot, sidebar.results_view, first)
    assert selected.args == [ids["Old recipes"]]
    sidebar.search_field.setFocus()
    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: sidebar.pages.currentWidget() is sidebar.chat_view, timeout=3000)

    with qtbot.waitSignal(sidebar.searchFinished, timeout=5000) as finished:
        sidebar.search_field.setText("<script>")
    assert finished.args == ["<script>", 0] and sidebar.search_status.isVisible()


def test_typing_is_debounced_into_one_search(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    _populate(db_path)
    sidebar = _sidebar(qtbot, storage)
    sidebar.search_timer.setInterval(60_000)  # only runSearch() below may start the search
    calls: list[object] = []
    original = storage.call

    def counting_call(call, on_result=None, on_error=None):
        calls.append(call)
        return original(call, on_result, on_error)

    storage.call = counting_call  # type: ignore[method-assign]
    qtbot.keyClicks(sidebar.search_field, "Python")
    assert calls == [] and sidebar.search_timer.isActive()
    with qtbot.waitSignal(sidebar.searchFinished, timeout=5000) as finished:
        sidebar.runSearch()
    assert len(calls) == 1 and finished.args[0] == "Python"


def test_hangul_being_composed_is_searched(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    _populate(db_path)
    sidebar = _sidebar(qtbot, storage)
    sidebar.search_field.setFocus()
    # An input method composing "서울": nothing committed yet, all of it pre-edit text.
    with qtbot.waitSignal(sidebar.searchFinished, timeout=5000) as finished:
        QApplication.sendEvent(sidebar.search_field, QInputMethodEvent("서울", []))
    assert sidebar.search_field.text() == ""
    assert finished.args[0] == "서울" and finished.args[1] >= 2
    event = QInputMethodEvent()
    event.setCommitString("서울")
    QApplication.sendEvent(sidebar.search_field, event)
    assert sidebar.search_field.text() == "서울"
    assert event.type() == QEvent.Type.InputMethod


def test_five_thousand_chats_are_rows_not_widgets(qtbot: QtBot, storage: StorageClient, db_path: Path) -> None:
    store = ChatStore.open(db_path)
    now = now_ms()
    with store.db.transaction():
        store.db.executemany(
            "INSERT INTO chats (title, created_at, updated_at) VALUES (?, ?, ?)",
            [(f"대화 {i}", now - i * 60_000, now - i * 60_000) for i in range(5000)],
        )
    store.close()
    sidebar = _sidebar(qtbot, storage)
    assert sidebar.chat_model.chat_count() == 5000
    assert len(sidebar.findChildren(QWidget)) < 60
    last = sidebar.chat_model.index(sidebar.chat_model.rowCount() - 1, 0)
    assert last.data() == "대화 4999"
    with qtbot.waitSignal(sidebar.chatSelected, timeout=2000) as selected:
        _click(qtbot, sidebar.chat_view, last)
    assert selected.args == [last.data(CHAT_ID_ROLE)]


def test_unavailable_history_reports_instead_of_crashing(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    ChatStore.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA user_version = 999")
    client = StorageClient(path)
    try:
        sidebar = HistorySidebar(client)
        qtbot.addWidget(sidebar)
        with qtbot.waitSignal(sidebar.errorOccurred, timeout=5000) as error:
            sidebar.refresh()
        assert "newer version" in error.args[0]
        assert client.opened_info is None
    finally:
        client.shutdown()
