"""Full-text search over chat titles and messages.

The FTS5 tables use the trigram tokenizer, so a query matches any substring of three or more
characters. That is what makes Korean work: Hangul words carry particles (``서울에서``), and a
word tokenizer would not find ``서울`` inside them. Each whitespace-separated term must occur
(AND). A term shorter than three characters cannot use the trigram index, so such queries fall
back to a ``LIKE`` scan, which is still fast enough for tens of thousands of messages.

Snippets are cut and highlighted here rather than with FTS5's ``snippet()``, because that
function is unavailable for ``LIKE`` queries and because returning plain text plus match ranges
lets the UI escape the text itself before adding markup.
"""

from __future__ import annotations

import re

from gpt4all_desktop.core.storage.database import Database
from gpt4all_desktop.core.storage.models import SearchHit

MAX_TERMS = 8
SNIPPET_CHARS = 140
CONTEXT_BEFORE = 40


def parse_terms(query: str) -> list[str]:
    """Distinct whitespace-separated terms, longest first (so highlights prefer longer matches)."""
    seen: dict[str, None] = {}
    for term in query.split():
        seen.setdefault(term, None)
    return sorted(seen, key=len, reverse=True)[:MAX_TERMS]


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def make_snippet(text: str, terms: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line excerpt around the first match, and the match ranges inside it."""
    flat = " ".join(text.split())
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    first = pattern.search(flat) if pattern else None
    start = 0
    if first and first.start() > CONTEXT_BEFORE:
        start = first.start() - CONTEXT_BEFORE
        space = flat.find(" ", start, first.start())
        if space != -1:
            start = space + 1
    end = min(len(flat), start + SNIPPET_CHARS)
    if first and end < first.end():
        end = first.end()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    body = flat[start:end]
    snippet = prefix + body + suffix
    spans: list[tuple[int, int]] = []
    if pattern:
        offset = len(prefix)
        spans = [(m.start() + offset, m.end() + offset) for m in pattern.finditer(body)]
    return snippet, tuple(spans)


def search(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """Chats whose title matches come first (newest first), then messages (newest first)."""
    terms = parse_terms(query)
    if not terms:
        return []
    if all(len(term) >= 3 for term in terms):
        match = " AND ".join(_fts_phrase(t) for t in terms)
        title_rows = db.query(
            """SELECT c.id, c.title, c.updated_at FROM chat_title_fts f
               JOIN chats c ON c.id = f.rowid
               WHERE chat_title_fts MATCH ? AND c.deleted_at IS NULL
               ORDER BY c.updated_at DESC LIMIT ?""",
            (match, limit),
        )
        message_rows = db.query(
            """SELECT m.id, m.chat_id, m.content, m.created_at, c.title FROM message_fts f
               JOIN messages m ON m.id = f.rowid JOIN chats c ON c.id = m.chat_id
               WHERE message_fts MATCH ? AND c.deleted_at IS NULL
               ORDER BY f.rowid DESC LIMIT ?""",
            (match, limit),
        )
    else:
        patterns = [_like_pattern(t) for t in terms]
        title_where = " AND ".join("c.title LIKE ? ESCAPE '\\'" for _ in terms)
        title_rows = db.query(
            f"""SELECT c.id, c.title, c.updated_at FROM chats c
                WHERE {title_where} AND c.deleted_at IS NULL
                ORDER BY c.updated_at DESC LIMIT ?""",
            (*patterns, limit),
        )
        content_where = " AND ".join("m.content LIKE ? ESCAPE '\\'" for _ in terms)
        message_rows = db.query(
            f"""SELECT m.id, m.chat_id, m.content, m.created_at, c.title FROM messages m
                JOIN chats c ON c.id = m.chat_id
                WHERE {content_where} AND c.deleted_at IS NULL
                ORDER BY m.id DESC LIMIT ?""",
            (*patterns, limit),
        )
    hits: list[SearchHit] = []
    for row in title_rows:
        snippet, spans = make_snippet(row["title"], terms)
        hits.append(SearchHit(row["id"], None, row["title"], snippet, spans, row["updated_at"]))
    for row in message_rows:
        snippet, spans = make_snippet(row["content"], terms)
        hits.append(SearchHit(row["chat_id"], row["id"], row["title"], snippet, spans, row["created_at"]))
    return hits[:limit]
