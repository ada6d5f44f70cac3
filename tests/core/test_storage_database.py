"""Opening the chat database: fresh, upgraded, damaged, too new, read-only, full, locked."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.storage import (
    SCHEMA_VERSION,
    ChatStore,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    DatabaseTooNewError,
    DiskFullError,
    Role,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_default_location_is_the_profile_database(isolated_profile: Path) -> None:
    store = ChatStore.open()
    try:
        assert store.path == AppPaths.default().database_path
        assert store.path.is_relative_to(isolated_profile)
        assert store.db.query_one("PRAGMA journal_mode")[0] == "wal"
        assert store.db.query_one("PRAGMA foreign_keys")[0] == 1
        assert store.db.user_version == SCHEMA_VERSION
        assert store.report.moved_aside is None and store.report.upgraded_from is None
    finally:
        store.close()


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = ChatStore.open(tmp_path / "h.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            with store.db.transaction():
                store.db.execute("INSERT INTO chats (title, created_at, updated_at) VALUES ('x', 1, 1)")
                with store.db.transaction():  # nested: a savepoint
                    store.db.execute("INSERT INTO chats (title, created_at, updated_at) VALUES ('y', 1, 1)")
                raise RuntimeError("boom")
        assert store.list_chats() == []
    finally:
        store.close()


def test_upgrade_from_version_1_fixture_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    shutil.copyfile(FIXTURES / "chats_v1.sqlite3", path)
    store = ChatStore.open(path)
    try:
        assert store.report.upgraded_from == 1
        assert store.report.backup is not None and store.report.backup.exists()
        with sqlite3.connect(store.report.backup) as backup:
            assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
            assert backup.execute("SELECT count(*) FROM messages").fetchone()[0] == 9
        assert store.db.user_version == SCHEMA_VERSION
        assert store.integrity_check() == "ok"
        assert store.db.query("PRAGMA foreign_key_check") == []

        chats = {c.id: c for c in store.list_chats()}
        assert set(chats) == {1, 2, 3}
        trip = store.chat(1)
        assert (trip.title, trip.model, trip.created_at) == ("Trip to Seoul", "llama-3.2-1b", 1_700_000_000_000)
        assert not trip.title_is_auto
        assert store.chat(2).title_is_auto  # had no title: the app may name it

        path_1 = store.active_path(1)
        assert [m.id for m in path_1] == [1, 2, 3, 4, 9]
        assert [m.parent_id for m in path_1] == [None, 1, 2, 3, 4]
        assert [m.role for m in path_1][:2] == [Role.USER, Role.ASSISTANT]
        assert path_1[-1].content == "Thanks!"
        assert [m.content for m in store.active_path(3)][0] == "리스트를 뒤집는 방법은?"

        # The search index was built from the old messages, Korean included.
        assert [h.message_id for h in store.search("뒤집는")] == [7]
        assert {h.chat_id for h in store.search("Gwangjang")} == {1}

        # The upgraded file works like a new one: branches on old messages.
        answer = store.begin_answer(1, 3, "new-model")
        store.finish_answer(answer, "Namdaemun Market too.")
        assert store.siblings(answer).count == 2
    finally:
        store.close()
    reopened = ChatStore.open(path)
    try:
        assert reopened.report.upgraded_from is None
    finally:
        reopened.close()


def test_garbage_file_is_moved_aside_and_a_fresh_database_created(tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    garbage = b"this is not a database, just some bytes\n" * 200
    path.write_bytes(garbage)
    store = ChatStore.open(path)
    try:
        moved = store.report.moved_aside
        assert moved is not None and moved.parent == tmp_path and moved != path
        assert moved.read_bytes() == garbage  # kept, never deleted
        assert store.list_chats() == []
        store.create_chat("fresh")
        assert [c.title for c in store.list_chats()] == ["fresh"]
    finally:
        store.close()


def test_damaged_pages_are_detected_and_the_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    store = ChatStore.open(path)
    chat = store.create_chat("before damage")
    for i in range(300):
        store.add_user_message(chat, f"message number {i} " + "x" * 200)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    for offset in range(2 * page, len(data) - page, 3 * page):
        data[offset : offset + page] = bytes([0xA5]) * page
    path.write_bytes(bytes(data))

    store = ChatStore.open(path)
    try:
        assert store.report.moved_aside is not None
        assert store.report.moved_aside.read_bytes() == bytes(data)
        assert store.list_chats() == []
        assert store.integrity_check() == "ok"
    finally:
        store.close()


def test_newer_schema_is_refused_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    ChatStore.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    before = _digest(path)
    with pytest.raises(DatabaseTooNewError) as caught:
        ChatStore.open(path)
    assert caught.value.found == SCHEMA_VERSION + 7
    assert "newer version" in str(caught.value) and str(path) in str(caught.value)
    assert _digest(path) == before
    assert not list(tmp_path.glob("*.corrupt-*"))


def _open_in_unprivileged_child(path: Path) -> str:
    """Root ignores permissions, so the check runs in a forked child that gave them up."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child process
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            try:
                ChatStore.open(path).close()
                result = "opened"
            except DatabaseReadOnlyError as exc:
                result = "readonly:" + str(exc)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                result = "other:" + repr(exc)
            os.write(write_end, result.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


def _try_open(path: Path) -> str:
    if os.geteuid() == 0:
        return _open_in_unprivileged_child(path)
    try:
        ChatStore.open(path).close()
        return "opened"
    except DatabaseReadOnlyError as exc:
        return "readonly:" + str(exc)


@pytest.mark.parametrize("existing", [False, True], ids=["new-database", "existing-database"])
def test_read_only_folder_gives_a_clear_error(existing: bool) -> None:
    # Not tmp_path: pytest makes it private to root, and the unprivileged child must reach it.
    root = Path(tempfile.mkdtemp(prefix="ro-history-"))
    try:
        os.chmod(root, 0o755)
        folder = root / "data"
        folder.mkdir()
        path = folder / "chats.sqlite3"
        if existing:
            store = ChatStore.open(path)
            store.create_chat("kept")
            store.close()
            os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
        outcome = _try_open(path)
        assert outcome.startswith("readonly:"), outcome
        assert str(folder) in outcome and "read-only" in outcome
        assert not list(folder.glob("*.corrupt-*"))
    finally:
        for dirpath, _dirs, _files in os.walk(root):
            os.chmod(dirpath, 0o755)
        shutil.rmtree(root)


def test_full_disk_is_a_known_error_and_loses_nothing(tmp_path: Path) -> None:
    store = ChatStore.open(tmp_path / "chats.sqlite3")
    try:
        chat = store.create_chat("saved before")
        first = store.add_user_message(chat, "short question")
        pages = store.db.query_one("PRAGMA page_count")[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 1}")  # SQLite's own "disk full"
        with pytest.raises(DiskFullError) as caught:
            store.add_user_message(chat, "long " * 50_000)
        assert "disk is full" in str(caught.value)
        assert [m.id for m in store.active_path(chat)] == [first]
        assert store.integrity_check() == "ok"
    finally:
        store.close()


def test_locked_database_is_a_known_error(tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    store = ChatStore.open(path, busy_timeout_s=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseLockedError) as caught:
            store.create_chat("blocked")
        assert "in use by another program" in str(caught.value)
        other.execute("ROLLBACK")
        store.create_chat("now it works")
        assert [c.title for c in store.list_chats()] == ["now it works"]
    finally:
        other.close()
        store.close()


def test_two_processes_creating_the_database_at_once(tmp_path: Path) -> None:
    """Two app instances starting together: one creates the schema, the other waits for it."""
    import threading

    path = tmp_path / "chats.sqlite3"
    barrier = threading.Barrier(3)
    failures: list[BaseException] = []

    def start_app(title: str) -> None:
        try:
            barrier.wait(timeout=10)
            store = ChatStore.open(path)
            try:
                store.create_chat(title)
            finally:
                store.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=start_app, args=(f"chat {i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    store = ChatStore.open(path)
    try:
        assert sorted(c.title for c in store.list_chats()) == ["chat 0", "chat 1", "chat 2"]
        assert store.integrity_check() == "ok"
    finally:
        store.close()
