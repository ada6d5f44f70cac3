"""Errors the chat history storage raises, split into "tell the user" and "a bug".

A :class:`KnownStorageError` is something that happens on real machines (the disk is full, the
folder is read-only, another copy of the app holds the database, the file is damaged or was written
by a newer version). Its ``str()`` is a complete sentence meant for the user, and the UI shows it
as is. Anything else that escapes the storage layer is a programming error and should reach the
crash reporter, so it is deliberately *not* wrapped.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class KnownStorageError(Exception):
    """A storage failure with a human explanation; show ``str(error)`` to the user."""


class DiskFullError(KnownStorageError):
    """The disk (or the database's size limit) is full; nothing was written."""


class DatabaseLockedError(KnownStorageError):
    """Another process kept the database busy for longer than we were willing to wait."""


class DatabaseReadOnlyError(KnownStorageError):
    """The database file or its folder cannot be written."""


class DatabaseTooNewError(KnownStorageError):
    """The file was written by a newer version of the app; we leave it untouched."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        self.found = found
        self.supported = supported
        super().__init__(
            f"The chat history at {path} was saved by a newer version of the app "
            f"(format {found}; this version understands up to {supported}). "
            "Please update the app. The file was not changed."
        )


class DatabaseCorruptError(KnownStorageError):
    """The database file is damaged. Opening moves it aside; later detection reports it."""


class ImportFormatError(KnownStorageError):
    """An import file is malformed or incomplete; nothing from it was imported."""


# SQLite primary result codes we know how to explain (see sqlite3.h).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


def primary_code(error: sqlite3.Error) -> int | None:
    """The primary SQLite result code of an exception (extended codes carry it in the low byte)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_corruption(error: sqlite3.Error) -> bool:
    return primary_code(error) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def translate(error: sqlite3.Error, path: Path) -> Exception:
    """Turn an sqlite3 exception into a :class:`KnownStorageError` when it is a known condition.

    Returns the original exception for anything else, so callers can ``raise translate(e) from e``
    and bugs (a wrong SQL statement, a constraint we violated) stay bugs.
    """
    code = primary_code(error)
    if code == _SQLITE_FULL:
        return DiskFullError(
            f"The chat history could not be saved because the disk is full ({path.parent}). "
            "Free some space and try again; nothing was lost from what was already saved."
        )
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DatabaseLockedError(
            f"The chat history at {path} is in use by another program (perhaps a second copy "
            "of the app). Close it and try again."
        )
    if code == _SQLITE_READONLY:
        return DatabaseReadOnlyError(
            f"The chat history at {path} cannot be written (the file or its folder is "
            "read-only). Check the folder's permissions."
        )
    if code == _SQLITE_CANTOPEN:
        return DatabaseReadOnlyError(
            f"The chat history at {path} cannot be opened. Check that the folder exists and "
            "that you may write to it."
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return DatabaseCorruptError(
            f"The chat history at {path} is damaged. Restart the app: it will keep the damaged "
            "file aside and start a new history."
        )
    if code == _SQLITE_IOERR:
        return KnownStorageError(
            f"The disk reported an error while using the chat history at {path}: {error}"
        )
    return error
