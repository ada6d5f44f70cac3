"""The chat history: chats, branching messages, streaming answers, search.

Messages form a tree per chat. Editing a sent question or regenerating an answer adds a *sibling*
(same parent) instead of overwriting, so earlier versions stay reachable. Each chat remembers its
*active leaf*; the path from the root to that leaf is the conversation the user sees and the model
is given (:meth:`ChatStore.active_path`).

Answers are saved while they stream: :meth:`ChatStore.begin_answer` creates the row in the
``streaming`` state, :meth:`ChatStore.update_answer` overwrites its text (one indexed UPDATE, cheap
enough to call every second), :meth:`ChatStore.finish_answer` records how it ended. If the app dies
in between, the next :meth:`ChatStore.open` marks leftover ``streaming`` answers ``interrupted``,
keeping the text up to the last update.

All methods run on the caller's thread and may block on disk; call them from the storage worker,
not the GUI thread.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.storage import search as _search
from gpt4all_desktop.core.storage.database import Database, OpenReport
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
    now_ms,
)
from gpt4all_desktop.core.storage.schema import MIGRATIONS
from gpt4all_desktop.core.storage.titles import auto_title

log = logging.getLogger(__name__)

PURGE_AFTER_MS = 60 * 60 * 1000
"""Soft-deleted chats older than this are erased when the history is opened."""

_UNSET: Any = object()
_ACTIVE_LEAF: Any = object()

_COLUMN_NAMES = (
    "id", "chat_id", "parent_id", "role", "content", "created_at", "model", "state", "error",
    "prompt_tokens", "generated_tokens", "ttft_s", "tokens_per_second",
)
_MESSAGE_COLUMNS = ", ".join(_COLUMN_NAMES)
_M_COLUMNS = ", ".join(f"m.{name}" for name in _COLUMN_NAMES)


class ChatNotFoundError(LookupError):
    """The chat or message id does not exist (a bug in the caller, or a stale id)."""


def _message(row: sqlite3.Row) -> Message:
    return Message(
        id=row["id"],
        chat_id=row["chat_id"],
        parent_id=row["parent_id"],
        role=Role(row["role"]),
        content=row["content"],
        created_at=row["created_at"],
        model=row["model"],
        state=EndState(row["state"]),
        error=row["error"],
        stats=AnswerStats(row["prompt_tokens"], row["generated_tokens"], row["ttft_s"], row["tokens_per_second"]),
    )


def _sampling_json(sampling: dict[str, Any] | None) -> str | None:
    if sampling is None:
        return None
    if not isinstance(sampling, dict):
        raise TypeError("sampling overrides must be a dict")
    return json.dumps(sampling, sort_keys=True, ensure_ascii=False)


class ChatStore:
    """All chat history reads and writes. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.recovered_answers = 0
        self.purged_chats = 0

    @classmethod
    def open(cls, path: Path | None = None, *, busy_timeout_s: float = 5.0, quick_check: bool = True) -> "ChatStore":
        """Open the history (default: ``AppPaths.default().database_path``), recover answers
        that were still streaming when the app last stopped, and erase chats deleted more than
        :data:`PURGE_AFTER_MS` ago (the sidebar erases a chat when its undo offer ends; this catches
        chats whose offer was cut short by a quit or a crash, while leaving another running
        instance's fresh deletions undoable).

        Raises :class:`~.errors.KnownStorageError` subclasses for conditions the user must hear
        about; check :attr:`report` for a damaged file that was moved aside.
        """
        path = Path(path) if path is not None else AppPaths.default().database_path
        db = Database.open(path, MIGRATIONS, busy_timeout_s=busy_timeout_s, quick_check=quick_check)
        store = cls(db)
        store.recovered_answers = store.recover_interrupted()
        store.purged_chats = store.purge_deleted(now_ms() - PURGE_AFTER_MS)
        return store

    @property
    def report(self) -> OpenReport:
        return self.db.report

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()

    def integrity_check(self) -> str:
        return self.db.integrity_check()

    def recover_interrupted(self) -> int:
        """Mark answers left ``streaming`` by a previous run as ``interrupted``; returns how many."""
        with self.db.transaction():
            count = self.db.execute(
                "UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'"
            ).rowcount
        if count:
            log.warning("Recovered %d answer(s) interrupted by an unclean shutdown", count)
        return count

    # ------------------------------------------------------------------ chats
    def create_chat(
        self,
        title: str = "",
        *,
        model: str | None = None,
        system_prompt: str | None = None,
        sampling: dict[str, Any] | None = None,
    ) -> int:
        """A new, empty chat. An empty ``title`` is filled automatically after the first exchange."""
        now = now_ms()
        with self.db.transaction():
            cursor = self.db.execute(
                """INSERT INTO chats (title, title_is_auto, created_at, updated_at, model, system_prompt, sampling)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (title.strip(), 0 if title.strip() else 1, now, now, model, system_prompt, _sampling_json(sampling)),
            )
        return int(cursor.lastrowid or 0)

    def chat(self, chat_id: int) -> Chat:
        row = self.db.query_one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        if row is None:
            raise ChatNotFoundError(f"no chat {chat_id}")
        return Chat(
            id=row["id"],
            title=row["title"],
            title_is_auto=bool(row["title_is_auto"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            model=row["model"],
            system_prompt=row["system_prompt"],
            sampling=json.loads(row["sampling"]) if row["sampling"] else None,
            active_leaf_id=row["active_leaf_id"],
            deleted_at=row["deleted_at"],
        )

    def list_chats(self) -> list[ChatSummary]:
        """Chats that are not deleted, most recently updated first."""
        rows = self.db.query(
            """SELECT id, title, updated_at, created_at, model FROM chats
               WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC"""
        )
        return [ChatSummary(r["id"], r["title"], r["updated_at"], r["created_at"], r["model"]) for r in rows]

    def grouped_chats(self, now: _dt.datetime | None = None) -> list[tuple[ChatGroup, list[ChatSummary]]]:
        """``list_chats()`` split into Today / Yesterday / Previous 7 days / Older (empty groups left out)."""
        groups: dict[ChatGroup, list[ChatSummary]] = {}
        for summary in self.list_chats():
            groups.setdefault(group_for(summary.updated_at, now), []).append(summary)
        return sorted(groups.items())

    def rename_chat(self, chat_id: int, title: str) -> None:
        """Set a title chosen by the user (an empty one re-enables the automatic title)."""
        title = " ".join(title.split())
        with self.db.transaction():
            self._require_chat(chat_id)
            self.db.execute(
                "UPDATE chats SET title = ?, title_is_auto = ? WHERE id = ?", (title, 0 if title else 1, chat_id)
            )

    def set_chat_model(self, chat_id: int, model: str | None) -> None:
        """Remember the model the chat uses now; its messages are kept."""
        with self.db.transaction():
            self._require_chat(chat_id)
            self.db.execute("UPDATE chats SET model = ? WHERE id = ?", (model, chat_id))

    def set_chat_settings(self, chat_id: int, *, system_prompt: Any = _UNSET, sampling: Any = _UNSET) -> None:
        """Change the system prompt and/or the sampling overrides (``None`` clears them)."""
        with self.db.transaction():
            self._require_chat(chat_id)
            if system_prompt is not _UNSET:
                self.db.execute("UPDATE chats SET system_prompt = ? WHERE id = ?", (system_prompt, chat_id))
            if sampling is not _UNSET:
                self.db.execute("UPDATE chats SET sampling = ? WHERE id = ?", (_sampling_json(sampling), chat_id))

    def delete_chat(self, chat_id: int) -> None:
        """Hide a chat (undo with :meth:`restore_chat`; :meth:`purge_deleted` removes it for good)."""
        with self.db.transaction():
            self._require_chat(chat_id)
            self.db.execute("UPDATE chats SET deleted_at = ? WHERE id = ?", (now_ms(), chat_id))

    def restore_chat(self, chat_id: int) -> None:
        with self.db.transaction():
            self._require_chat(chat_id)
            self.db.execute("UPDATE chats SET deleted_at = NULL WHERE id = ?", (chat_id,))

    def purge_deleted(self, deleted_before_ms: int | None = None, chat_id: int | None = None) -> int:
        """Erase deleted chats for good: those deleted before the given time (default: all), or
        only ``chat_id`` (when its undo offer ends). Chats that are not deleted are never touched."""
        limit = now_ms() + 1 if deleted_before_ms is None else deleted_before_ms
        with self.db.transaction():
            return self.db.execute(
                """DELETE FROM chats WHERE deleted_at IS NOT NULL AND deleted_at < ?
                   AND (? IS NULL OR id = ?)""",
                (limit, chat_id, chat_id),
            ).rowcount

    # --------------------------------------------------------------- messages
    def add_user_message(self, chat_id: int, content: str, parent_id: Any = _ACTIVE_LEAF) -> int:
        """Save a sent question after ``parent_id`` (default: the active leaf) and make it active."""
        with self.db.transaction():
            chat = self._require_chat(chat_id)
            parent = chat["active_leaf_id"] if parent_id is _ACTIVE_LEAF else parent_id
            message_id = self._insert(chat_id, parent, Role.USER, content, EndState.FINISHED, None)
            if chat["title_is_auto"] and not chat["title"]:
                self.db.execute("UPDATE chats SET title = ? WHERE id = ?", (auto_title(content), chat_id))
        return message_id

    def edit_user_message(self, message_id: int, content: str) -> int:
        """Save an edited question as a new sibling of ``message_id`` and make it the active leaf."""
        original = self.message(message_id)
        if original.role is not Role.USER:
            raise ValueError("only questions can be edited")
        return self.add_user_message(original.chat_id, content, parent_id=original.parent_id)

    def begin_answer(self, chat_id: int, parent_id: int | None, model: str | None) -> int:
        """Create an empty answer in the ``streaming`` state under ``parent_id`` (the question).

        Answering a question that already has an answer is a regeneration: the new answer becomes
        a sibling of the old one, which stays reachable.
        """
        with self.db.transaction():
            self._require_chat(chat_id)
            message_id = self._insert(chat_id, parent_id, Role.ASSISTANT, "", EndState.STREAMING, model)
            if model is not None:
                self.db.execute("UPDATE chats SET model = ? WHERE id = ?", (model, chat_id))
        return message_id

    def update_answer(self, message_id: int, content: str) -> None:
        """Save the text streamed so far. Ignored once the answer has finished."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE messages SET content = ? WHERE id = ? AND state = 'streaming'", (content, message_id)
            )

    def finish_answer(
        self,
        message_id: int,
        content: str,
        stats: AnswerStats | None = None,
        end_state: EndState = EndState.FINISHED,
        error: str | None = None,
    ) -> None:
        """Save the final text, statistics and how the answer ended; may set the chat's title."""
        if end_state is EndState.STREAMING:
            raise ValueError("finish_answer needs a final state")
        stats = stats or AnswerStats()
        with self.db.transaction():
            row = self.db.query_one("SELECT chat_id, parent_id FROM messages WHERE id = ?", (message_id,))
            if row is None:
                raise ChatNotFoundError(f"no message {message_id}")
            self.db.execute(
                """UPDATE messages SET content = ?, state = ?, error = ?, prompt_tokens = ?,
                   generated_tokens = ?, ttft_s = ?, tokens_per_second = ? WHERE id = ?""",
                (content, EndState(end_state).value, error, stats.prompt_tokens, stats.generated_tokens,
                 stats.ttft_s, stats.tokens_per_second, message_id),
            )
            self.db.execute("UPDATE chats SET updated_at = ? WHERE id = ?", (now_ms(), row["chat_id"]))
            self._maybe_title_from_first_exchange(row["chat_id"], row["parent_id"], content)

    def message(self, message_id: int) -> Message:
        row = self.db.query_one(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,))
        if row is None:
            raise ChatNotFoundError(f"no message {message_id}")
        return _message(row)

    def active_path(self, chat_id: int, last: int | None = None) -> list[Message]:
        """The visible conversation, oldest first; ``last`` limits it to the final ``last`` messages
        (a long chat can show its last screen without loading everything)."""
        chat = self._require_chat(chat_id)
        return self.path_to(chat["active_leaf_id"], last) if chat["active_leaf_id"] else []

    def path_to(self, message_id: int, last: int | None = None) -> list[Message]:
        """Messages from the root to ``message_id`` (inclusive), oldest first."""
        depth_limit = -1 if last is None else max(0, last - 1)
        rows = self.db.query(
            f"""WITH RECURSIVE path(id, depth) AS (
                  SELECT ?, 0
                  UNION ALL
                  SELECT m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.id
                  WHERE m.parent_id IS NOT NULL AND (? < 0 OR path.depth < ?))
                SELECT {_M_COLUMNS} FROM path JOIN messages m ON m.id = path.id
                ORDER BY path.depth DESC""",
            (message_id, depth_limit, depth_limit),
        )
        return [_message(r) for r in rows]

    def active_path_length(self, chat_id: int) -> int:
        leaf = self._require_chat(chat_id)["active_leaf_id"]
        if leaf is None:
            return 0
        row = self.db.query_one(
            """WITH RECURSIVE path(id) AS (SELECT ? UNION ALL
                 SELECT m.parent_id FROM messages m JOIN path ON m.id = path.id WHERE m.parent_id IS NOT NULL)
               SELECT count(*) FROM path""",
            (leaf,),
        )
        return int(row[0]) if row else 0

    def siblings(self, message_id: int) -> BranchInfo:
        """The versions of this message (same parent, oldest first) and its position among them."""
        msg = self.db.query_one("SELECT chat_id, parent_id FROM messages WHERE id = ?", (message_id,))
        if msg is None:
            raise ChatNotFoundError(f"no message {message_id}")
        ids = tuple(
            r[0]
            for r in self.db.query(
                "SELECT id FROM messages WHERE chat_id = ? AND parent_id IS ? ORDER BY id",
                (msg["chat_id"], msg["parent_id"]),
            )
        )
        return BranchInfo(message_id, ids.index(message_id) + 1, len(ids), ids)

    def branches(self, message_ids: list[int]) -> dict[int, BranchInfo]:
        """:meth:`siblings` for many messages at once (a screenful of the chat view), keyed by id."""
        if not message_ids:
            return {}
        marks = ",".join("?" * len(message_ids))
        rows = self.db.query(
            f"""SELECT s.id, s.chat_id, s.parent_id FROM messages s
                JOIN (SELECT DISTINCT chat_id, parent_id FROM messages WHERE id IN ({marks})) m
                  ON s.chat_id = m.chat_id AND s.parent_id IS m.parent_id
                ORDER BY s.id""",
            list(message_ids),
        )
        families: dict[tuple[int, int | None], list[int]] = {}
        family_of: dict[int, tuple[int, int | None]] = {}
        for row in rows:
            key = (row["chat_id"], row["parent_id"])
            families.setdefault(key, []).append(row["id"])
            family_of[row["id"]] = key
        result: dict[int, BranchInfo] = {}
        for message_id in message_ids:
            if message_id not in family_of:
                raise ChatNotFoundError(f"no message {message_id}")
            ids = tuple(families[family_of[message_id]])
            result[message_id] = BranchInfo(message_id, ids.index(message_id) + 1, len(ids), ids)
        return result

    def switch_branch(self, message_id: int) -> int:
        """Show the branch through ``message_id`` (e.g. a sibling picked with the arrows, or a
        search hit). Below it, the newest version at each step is followed. Returns the new leaf."""
        with self.db.transaction():
            msg = self.db.query_one("SELECT chat_id FROM messages WHERE id = ?", (message_id,))
            if msg is None:
                raise ChatNotFoundError(f"no message {message_id}")
            rows = self.db.query(
                """WITH RECURSIVE down(id) AS (
                     SELECT ? UNION ALL
                     SELECT (SELECT max(c.id) FROM messages c WHERE c.parent_id = down.id)
                     FROM down WHERE down.id IS NOT NULL)
                   SELECT id FROM down WHERE id IS NOT NULL""",
                (message_id,),
            )
            leaf = int(rows[-1][0])
            self.db.execute("UPDATE chats SET active_leaf_id = ? WHERE id = ?", (leaf, msg["chat_id"]))
        return leaf

    def all_messages(self, chat_id: int) -> list[Message]:
        """Every message of every branch, in creation order (export, tests)."""
        rows = self.db.query(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY id", (chat_id,))
        return [_message(r) for r in rows]

    # ----------------------------------------------------------------- search
    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Title and message hits with highlighted snippets; see :mod:`.search`."""
        return _search.search(self.db, query, limit)

    # ---------------------------------------------------------------- helpers
    def _require_chat(self, chat_id: int) -> sqlite3.Row:
        row = self.db.query_one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        if row is None:
            raise ChatNotFoundError(f"no chat {chat_id}")
        return row

    def _insert(
        self, chat_id: int, parent_id: int | None, role: Role, content: str, state: EndState, model: str | None
    ) -> int:
        if parent_id is not None:
            parent = self.db.query_one("SELECT chat_id FROM messages WHERE id = ?", (parent_id,))
            if parent is None or parent["chat_id"] != chat_id:
                raise ChatNotFoundError(f"message {parent_id} is not in chat {chat_id}")
        now = now_ms()
        cursor = self.db.execute(
            """INSERT INTO messages (chat_id, parent_id, role, content, created_at, model, state)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (chat_id, parent_id, role.value, content, now, model, state.value),
        )
        message_id = int(cursor.lastrowid or 0)
        self.db.execute(
            "UPDATE chats SET active_leaf_id = ?, updated_at = ? WHERE id = ?", (message_id, now, chat_id)
        )
        return message_id

    def _maybe_title_from_first_exchange(self, chat_id: int, question_id: int | None, answer: str) -> None:
        chat = self._require_chat(chat_id)
        if not chat["title_is_auto"] or question_id is None:
            return
        question = self.db.query_one(
            "SELECT content, parent_id, role FROM messages WHERE id = ?", (question_id,)
        )
        if question is None or question["parent_id"] is not None or question["role"] != Role.USER.value:
            return
        title = auto_title(question["content"], answer)
        if title:
            self.db.execute("UPDATE chats SET title = ? WHERE id = ?", (title, chat_id))
