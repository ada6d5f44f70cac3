"""The storage thread behind the sidebar: ordering, errors, superseded requests, shutdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.storage import ChatStore, EndState
from gpt4all_desktop.workers.storage_worker import StorageClient, StoreOpened


@pytest.fixture
def client(qtbot: QtBot, tmp_path: Path) -> Iterator[StorageClient]:
    storage = StorageClient(tmp_path / "chats.sqlite3")
    with qtbot.waitSignal(storage.ready, timeout=5000) as opened:
        pass
    assert isinstance(opened.args[0], StoreOpened)
    yield storage
    storage.shutdown()
    assert not storage._thread.isRunning()


def test_streaming_saves_run_in_order_off_the_gui_thread(qtbot: QtBot, client: StorageClient) -> None:
    ids: dict[str, int] = {}

    def start(store: ChatStore) -> tuple[int, int]:
        chat = store.create_chat()
        question = store.add_user_message(chat, "count")
        return chat, store.begin_answer(chat, question, "m")

    client.call(start, lambda result: ids.update(chat=result[0], answer=result[1]))
    qtbot.waitUntil(lambda: "answer" in ids, timeout=5000)
    text = ""
    for step in range(30):  # many queued saves; the last one must win
        text += f"{step} "
        client.call(lambda store, t=text: store.update_answer(ids["answer"], t))
    client.call(lambda store, t=text: store.finish_answer(ids["answer"], t + "done"))
    results: list[object] = []
    client.call(lambda store: store.message(ids["answer"]), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    message = results[0]
    assert message.content == text + "done" and message.state is EndState.FINISHED


def test_bugs_and_known_errors_are_reported_not_raised(qtbot: QtBot, client: StorageClient) -> None:
    errors: list[str] = []
    with qtbot.waitSignal(client.bugOccurred, timeout=5000) as bug:
        client.call(lambda store: 1 / 0, on_error=errors.append)
    assert "ZeroDivisionError" in bug.args[0] and "Traceback" in bug.args[0]
    assert errors and errors[0].startswith("Unexpected error") and "\n" not in errors[0]

    with qtbot.waitSignal(client.errorOccurred, timeout=5000) as known:
        client.call(lambda store: store.db.execute("PRAGMA max_page_count = 1") and store.add_user_message(
            store.create_chat(), "x" * 100_000))
    assert "disk is full" in known.args[0]

    # The thread keeps serving: the chat created before the failed message is there, empty.
    answers: list[object] = []
    client.call(lambda store: [(c.title, store.active_path(c.id)) for c in store.list_chats()], answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert answers == [[("", [])]]


def test_forgotten_request_result_is_dropped(qtbot: QtBot, client: StorageClient) -> None:
    seen: list[object] = []
    stale = client.call(lambda store: "old search", seen.append)
    client.forget(stale)
    client.call(lambda store: "new search", seen.append)
    qtbot.waitUntil(lambda: client.pending == 0 and bool(seen), timeout=5000)
    assert seen == ["new search"]


def test_calls_after_shutdown_are_dropped_not_run(qtbot: QtBot, tmp_path: Path) -> None:
    storage = StorageClient(tmp_path / "other.sqlite3")
    storage.shutdown()
    ran: list[object] = []
    # A late timer during quit must neither crash the app nor touch the closed database.
    assert storage.call(lambda store: ran.append(store), ran.append, ran.append) == 0
    qtbot.wait(50)
    assert ran == [] and storage.pending == 0
