"""Saved chat history: one SQLite database, Qt-free.

Open it with :meth:`ChatStore.open` (on the storage worker's thread), then use the store for
chats, branching messages, streaming answers and search; :mod:`.export_import` and
:mod:`.chatgpt_import` move chats in and out of files.
"""

from gpt4all_desktop.core.storage.chats import ChatNotFoundError, ChatStore
from gpt4all_desktop.core.storage.database import Database, OpenReport
from gpt4all_desktop.core.storage.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    DatabaseTooNewError,
    DiskFullError,
    ImportFormatError,
    KnownStorageError,
)
from gpt4all_desktop.core.storage.models import (
    AnswerStats,
    BranchInfo,
    Chat,
    ChatGroup,
    ChatSummary,
    EndState,
    Message,
    Role,
    SearchHit,
    group_for,
)
from gpt4all_desktop.core.storage.schema import SCHEMA_VERSION

__all__ = [
    "AnswerStats", "BranchInfo", "Chat", "ChatGroup", "ChatNotFoundError", "ChatStore", "ChatSummary",
    "Database", "DatabaseCorruptError", "DatabaseLockedError", "DatabaseReadOnlyError",
    "DatabaseTooNewError", "DiskFullError", "EndState", "ImportFormatError", "KnownStorageError",
    "Message", "OpenReport", "Role", "SCHEMA_VERSION", "SearchHit", "group_for",
]
