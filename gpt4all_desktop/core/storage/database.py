"""A small sqlite3 wrapper: one connection, explicit transactions, WAL, versioned migrations.

Why a wrapper at all: every caller needs the same handful of guarantees, and getting any of them
wrong loses user data. The wrapper

* opens the file in WAL mode with foreign keys on and ``synchronous=NORMAL`` (a process that is
  killed, even with SIGKILL, keeps every committed transaction; only a power cut may lose the last
  few, never corrupt the file),
* upgrades the schema step by step using ``PRAGMA user_version`` (a copy of the old file is kept
  before the first upgrade step runs),
* refuses a file written by a newer version without touching it,
* moves a damaged file aside (never deletes it) and starts a fresh one, remembering where the old
  one went so the UI can tell the user,
* and turns the failures users can meet (disk full, locked, read-only, corrupt) into
  :class:`~.errors.KnownStorageError` subclasses with readable messages, while genuine bugs stay
  ordinary exceptions.

A :class:`Database` belongs to the thread that opened it (sqlite3's default check); the storage
worker opens it in its own thread.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.storage import errors
from gpt4all_desktop.core.storage.errors import (
    DatabaseCorruptError,
    DatabaseReadOnlyError,
    DatabaseTooNewError,
    KnownStorageError,
)

log = logging.getLogger(__name__)

Migration = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class OpenReport:
    """What happened while opening, for the UI to mention (all ``None`` on an ordinary start)."""

    moved_aside: Path | None = None
    """Where a damaged database was moved before a fresh one was created."""
    upgraded_from: int | None = None
    """The schema version the file had before it was upgraded."""
    backup: Path | None = None
    """A copy of the file taken before upgrading it."""


class _Corrupt(Exception):
    """Internal signal: the file is not a usable database and should be moved aside."""


class Database:
    """One SQLite connection with transactions as context managers. Create with :meth:`open`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._conn = connection
        self._depth = 0
        self.report = OpenReport()

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        path: Path,
        migrations: Sequence[Migration],
        *,
        busy_timeout_s: float = 5.0,
        quick_check: bool = True,
    ) -> "Database":
        """Open (creating or upgrading) the database at ``path``.

        ``migrations[i]`` upgrades a file from version ``i`` to ``i + 1``; a new file runs them all.
        Raises a :class:`KnownStorageError` for a read-only location, a newer file, a full disk or a
        lock held too long. A corrupt file is moved aside and a fresh one is created.
        """
        path = Path(path)
        _check_location_writable(path)
        moved: Path | None = None
        try:
            conn = _connect(path, busy_timeout_s, len(migrations), quick_check)
        except _Corrupt as exc:
            log.error("Chat database %s is damaged (%s); moving it aside", path, exc)
            moved = _move_aside(path)
            conn = _connect(path, busy_timeout_s, len(migrations), quick_check)
        db = cls(path, conn)
        upgraded_from, backup = db._migrate(migrations)
        db.report = OpenReport(moved_aside=moved, upgraded_from=upgraded_from, backup=backup)
        return db

    def _migrate(self, migrations: Sequence[Migration]) -> tuple[int | None, Path | None]:
        version = self.user_version
        target = len(migrations)
        if version == target:
            return None, None
        backup: Path | None = None
        if version > 0:
            backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
            self.backup_to(backup)
            log.info("Upgrading chat database from version %d to %d (copy kept at %s)", version, target, backup)
        # Table rebuilds need foreign keys off, and the pragma is ignored inside a transaction.
        self.execute("PRAGMA foreign_keys=OFF")
        try:
            while True:
                with self.transaction():
                    # Re-read under the write lock: another process may have upgraded meanwhile.
                    step = self.user_version
                    if step >= target:
                        break
                    migrations[step](self._conn)
                    problems = self._conn.execute("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise RuntimeError(f"migration {step}->{step + 1} broke references: {problems[:5]}")
                    self._conn.execute(f"PRAGMA user_version={step + 1}")
        except sqlite3.Error as exc:
            raise errors.translate(exc, self.path) from exc
        finally:
            self.execute("PRAGMA foreign_keys=ON")
        return (version if version > 0 else None), backup

    # ------------------------------------------------------------- statements
    @property
    def user_version(self) -> int:
        return int(self.execute("PRAGMA user_version").fetchone()[0])

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement, translating known SQLite failures."""
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise errors.translate(exc, self.path) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> sqlite3.Cursor:
        try:
            return self._conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise errors.translate(exc, self.path) from exc

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        return self.execute(sql, params).fetchone()

    @contextmanager
    def transaction(self) -> Iterator["Database"]:
        """``with db.transaction():`` commits on success and rolls back on any exception.

        Outer transactions use ``BEGIN IMMEDIATE`` (take the write lock up front, so two writers
        never deadlock on upgrade); nested ones become savepoints.
        """
        name = f"sp{self._depth}"
        self.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            try:
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                else:
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
            except sqlite3.Error:
                log.exception("Rollback failed")
            raise
        else:
            self._depth -= 1
            self.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    # ---------------------------------------------------------------- upkeep
    def integrity_check(self) -> str:
        """``'ok'`` or SQLite's description of the damage."""
        rows = self.query("PRAGMA integrity_check")
        return "\n".join(str(row[0]) for row in rows)

    def backup_to(self, destination: Path) -> None:
        """A consistent copy of the live database (safe while it is in use)."""
        target = sqlite3.connect(destination)
        try:
            self._conn.backup(target)
        except sqlite3.Error as exc:
            raise errors.translate(exc, destination) from exc
        finally:
            target.close()

    def close(self) -> None:
        try:
            self._conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self._conn.close()


# ------------------------------------------------------------------ helpers
def _check_location_writable(path: Path) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseReadOnlyError(
            f"The folder for the chat history ({folder}) cannot be created: {exc.strerror or exc}."
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseReadOnlyError(
            f"The folder for the chat history ({folder}) is read-only, so chats cannot be saved. "
            "Check its permissions or choose another profile folder."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseReadOnlyError(
            f"The chat history file {path} is read-only, so chats cannot be saved. "
            "Check its permissions."
        )


def _connect(path: Path, busy_timeout_s: float, supported: int, quick_check: bool) -> sqlite3.Connection:
    """Connect and vet the file: raises ``_Corrupt``, ``DatabaseTooNewError`` or a known error."""
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    except sqlite3.Error as exc:
        raise errors.translate(exc, path) from exc
    try:
        conn.row_factory = sqlite3.Row
        # Reading the header first: a newer file must not be modified, not even by the WAL switch.
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if version > supported:
            raise DatabaseTooNewError(path, version, supported)
        if quick_check:
            verdict = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
            if verdict != ["ok"]:
                raise _Corrupt("; ".join(verdict[:3]))
        mode = _enable_wal(conn, busy_timeout_s)
        if mode != "wal":
            log.warning("Chat database %s runs in %s mode instead of WAL", path, mode)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn
    except (KnownStorageError, _Corrupt):
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        if errors.is_corruption(exc):
            raise _Corrupt(str(exc)) from exc
        raise errors.translate(exc, path) from exc


def _enable_wal(conn: sqlite3.Connection, busy_timeout_s: float) -> str:
    """Switch to WAL, waiting for other connections: SQLite answers "locked" to the switch at
    once instead of calling its busy handler, e.g. while another process creates the file."""
    deadline = time.monotonic() + busy_timeout_s
    while True:
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode == "wal":
            return mode
        try:
            return str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError as exc:
            if errors.primary_code(exc) not in (5, 6) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _move_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm companions) to a unique, dated name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.corrupt-{stamp}{path.suffix}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.stem}.corrupt-{stamp}-{counter}{path.suffix}")
    try:
        os.replace(path, candidate)
        for companion in ("-wal", "-shm"):
            extra = path.with_name(path.name + companion)
            if extra.exists():
                shutil.move(extra, candidate.with_name(candidate.name + companion))
    except OSError as exc:
        raise DatabaseCorruptError(
            f"The chat history at {path} is damaged and could not be moved aside "
            f"({exc.strerror or exc}). Move or rename it yourself, then restart the app."
        ) from exc
    log.warning("Damaged chat database moved to %s", candidate)
    return candidate
