"""The chat history schema, as a list of upgrade steps.

``MIGRATIONS[i]`` turns a version ``i`` file into version ``i + 1``. A new database runs every
step, so the upgrade path from old files is exercised on every first start, not only in tests.
Steps never change once released: a new feature adds a step.

Version 1: linear chats. ``chats(id, title, model, created_at, updated_at)`` and
``messages(id, chat_id, role, content, created_at)``, times in whole seconds.

Version 2 (current):

* times in milliseconds since the Unix epoch (UTC);
* chats gain ``title_is_auto`` (the title may still be replaced by an automatic one),
  ``system_prompt``, ``sampling`` (JSON object of overrides), ``active_leaf_id`` (the last
  message of the branch the user is looking at) and ``deleted_at`` (soft delete, for undo);
* messages form a tree through ``parent_id`` (siblings are alternative versions: an edited
  question or a regenerated answer) and answers record ``model``, ``state`` (streaming, finished,
  stopped, error, interrupted), ``error`` and their statistics;
* FTS5 indexes with the trigram tokenizer over message content and chat titles, so any substring
  of three or more characters matches, in Korean as in English. Streaming answers are indexed
  once they stop streaming, which keeps the once-a-second saves cheap.
"""

from __future__ import annotations

import sqlite3

from gpt4all_desktop.core.storage.database import Migration

V1_STATEMENTS = (
    """CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        model TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )""",
    """CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at INTEGER NOT NULL
    )""",
    "CREATE INDEX messages_by_chat ON messages(chat_id, id)",
)

END_STATES = ("streaming", "finished", "stopped", "error", "interrupted")
ROLES = ("system", "user", "assistant")

_V2_TABLES = (
    f"""CREATE TABLE chats_v2 (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        title_is_auto INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        model TEXT,
        system_prompt TEXT,
        sampling TEXT CHECK (sampling IS NULL OR json_valid(sampling)),
        active_leaf_id INTEGER REFERENCES messages_v2(id) ON DELETE SET NULL,
        deleted_at INTEGER
    )""",
    f"""CREATE TABLE messages_v2 (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats_v2(id) ON DELETE CASCADE,
        parent_id INTEGER REFERENCES messages_v2(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN {ROLES!r}),
        content TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        model TEXT,
        state TEXT NOT NULL DEFAULT 'finished' CHECK (state IN {END_STATES!r}),
        error TEXT,
        prompt_tokens INTEGER,
        generated_tokens INTEGER,
        ttft_s REAL,
        tokens_per_second REAL
    )""",
)

_V2_COPY = (
    """INSERT INTO chats_v2 (id, title, title_is_auto, created_at, updated_at, model)
       SELECT id, title, title = '', created_at * 1000, updated_at * 1000, model FROM chats""",
    # Version 1 chats were linear: each message's parent is the one before it in the same chat.
    """INSERT INTO messages_v2 (id, chat_id, parent_id, role, content, created_at, state)
       SELECT m.id, m.chat_id,
              (SELECT max(p.id) FROM messages p WHERE p.chat_id = m.chat_id AND p.id < m.id),
              CASE WHEN m.role IN ('system', 'user', 'assistant') THEN m.role ELSE 'assistant' END,
              m.content, m.created_at * 1000, 'finished'
       FROM messages m""",
    """UPDATE chats_v2 SET active_leaf_id =
         (SELECT max(id) FROM messages_v2 WHERE messages_v2.chat_id = chats_v2.id)""",
    "DROP TABLE messages",
    "DROP TABLE chats",
    "ALTER TABLE chats_v2 RENAME TO chats",
    "ALTER TABLE messages_v2 RENAME TO messages",
)

_V2_INDEXES = (
    "CREATE INDEX messages_by_chat ON messages(chat_id, id)",
    "CREATE INDEX messages_by_parent ON messages(parent_id)",
    "CREATE INDEX messages_streaming ON messages(state) WHERE state = 'streaming'",
    "CREATE INDEX chats_by_update ON chats(updated_at) WHERE deleted_at IS NULL",
    "CREATE INDEX chats_active_leaf ON chats(active_leaf_id)",
)

_V2_SEARCH = (
    """CREATE VIRTUAL TABLE message_fts USING fts5(
        content, content='messages', content_rowid='id', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE chat_title_fts USING fts5(
        title, content='chats', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER message_fts_insert AFTER INSERT ON messages
       WHEN new.state != 'streaming' BEGIN
         INSERT INTO message_fts(rowid, content) VALUES (new.id, new.content);
       END""",
    """CREATE TRIGGER message_fts_delete AFTER DELETE ON messages
       WHEN old.state != 'streaming' BEGIN
         INSERT INTO message_fts(message_fts, rowid, content) VALUES ('delete', old.id, old.content);
       END""",
    """CREATE TRIGGER message_fts_update AFTER UPDATE OF content, state ON messages BEGIN
         INSERT INTO message_fts(message_fts, rowid, content)
           SELECT 'delete', old.id, old.content WHERE old.state != 'streaming';
         INSERT INTO message_fts(rowid, content)
           SELECT new.id, new.content WHERE new.state != 'streaming';
       END""",
    """CREATE TRIGGER chat_title_fts_insert AFTER INSERT ON chats BEGIN
         INSERT INTO chat_title_fts(rowid, title) VALUES (new.id, new.title);
       END""",
    """CREATE TRIGGER chat_title_fts_delete AFTER DELETE ON chats BEGIN
         INSERT INTO chat_title_fts(chat_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
       END""",
    """CREATE TRIGGER chat_title_fts_update AFTER UPDATE OF title ON chats BEGIN
         INSERT INTO chat_title_fts(chat_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
         INSERT INTO chat_title_fts(rowid, title) VALUES (new.id, new.title);
       END""",
    "INSERT INTO message_fts(message_fts) VALUES ('rebuild')",
    "INSERT INTO chat_title_fts(chat_title_fts) VALUES ('rebuild')",
)


def _run(conn: sqlite3.Connection, statements: tuple[str, ...]) -> None:
    # Not executescript(): it would commit the migration's transaction half-way.
    for statement in statements:
        conn.execute(statement)


def create_v1(conn: sqlite3.Connection) -> None:
    _run(conn, V1_STATEMENTS)


def upgrade_v1_to_v2(conn: sqlite3.Connection) -> None:
    _run(conn, _V2_TABLES + _V2_COPY + _V2_INDEXES + _V2_SEARCH)


MIGRATIONS: tuple[Migration, ...] = (create_v1, upgrade_v1_to_v2)
SCHEMA_VERSION = len(MIGRATIONS)
