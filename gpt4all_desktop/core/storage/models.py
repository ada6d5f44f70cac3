"""Plain, immutable records the chat store hands out.

They are frozen dataclasses so they can be passed from the storage thread to the GUI thread as
snapshots without anyone mutating shared state.
"""

from __future__ import annotations

import datetime as _dt
import enum
import time
from dataclasses import dataclass, field
from typing import Any


class EndState(str, enum.Enum):
    """How an answer ended. ``STREAMING`` means it is still being written (or the app died)."""

    STREAMING = "streaming"
    FINISHED = "finished"
    STOPPED = "stopped"
    ERROR = "error"
    INTERRUPTED = "interrupted"


class Role(str, enum.Enum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True)
class AnswerStats:
    """Generation statistics of one answer; any field may be unknown."""

    prompt_tokens: int | None = None
    generated_tokens: int | None = None
    ttft_s: float | None = None
    """Time to first token, in seconds."""
    tokens_per_second: float | None = None


@dataclass(frozen=True)
class Message:
    id: int
    chat_id: int
    parent_id: int | None
    role: Role
    content: str
    created_at: int
    """Milliseconds since the Unix epoch (UTC)."""
    model: str | None = None
    state: EndState = EndState.FINISHED
    error: str | None = None
    stats: AnswerStats = field(default_factory=AnswerStats)


@dataclass(frozen=True)
class ChatSummary:
    """What the sidebar needs for one row."""

    id: int
    title: str
    updated_at: int
    created_at: int
    model: str | None


@dataclass(frozen=True)
class Chat:
    """A chat's settings (not its messages; see ``ChatStore.active_path``)."""

    id: int
    title: str
    title_is_auto: bool
    created_at: int
    updated_at: int
    model: str | None
    system_prompt: str | None
    sampling: dict[str, Any] | None
    active_leaf_id: int | None
    deleted_at: int | None = None


@dataclass(frozen=True)
class BranchInfo:
    """Where a message sits among its siblings, for the "< 2/3 >" arrows (1-based ``index``)."""

    message_id: int
    index: int
    count: int
    sibling_ids: tuple[int, ...]

    @property
    def previous_id(self) -> int | None:
        return self.sibling_ids[self.index - 2] if self.index > 1 else None

    @property
    def next_id(self) -> int | None:
        return self.sibling_ids[self.index] if self.index < self.count else None


@dataclass(frozen=True)
class SearchHit:
    """One search result. ``message_id`` is ``None`` when the chat's title matched."""

    chat_id: int
    message_id: int | None
    chat_title: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    """``(start, end)`` character ranges of ``snippet`` that matched the query."""
    created_at: int

    def snippet_marked(self, before: str = "[", after: str = "]", escape: Any = None) -> str:
        """The snippet with each match wrapped, e.g. ``hit.snippet_marked("<b>", "</b>", html.escape)``."""
        esc = escape or (lambda text: text)
        out: list[str] = []
        pos = 0
        for start, end in self.highlights:
            out.append(esc(self.snippet[pos:start]))
            out.append(before + esc(self.snippet[start:end]) + after)
            pos = end
        out.append(esc(self.snippet[pos:]))
        return "".join(out)


class ChatGroup(enum.IntEnum):
    """Sidebar sections, in display order. The UI translates the labels."""

    TODAY = 0
    YESTERDAY = 1
    PREVIOUS_7_DAYS = 2
    OLDER = 3


def group_for(timestamp_ms: int, now: _dt.datetime | None = None) -> ChatGroup:
    """The sidebar section of a chat last updated at ``timestamp_ms``, by the local calendar."""
    now = now or _dt.datetime.now().astimezone()
    when = _dt.datetime.fromtimestamp(timestamp_ms / 1000, tz=now.tzinfo or _dt.timezone.utc)
    days = (now.date() - when.date()).days
    if days <= 0:
        return ChatGroup.TODAY
    if days == 1:
        return ChatGroup.YESTERDAY
    if days <= 7:
        return ChatGroup.PREVIOUS_7_DAYS
    return ChatGroup.OLDER


def now_ms() -> int:
    """The current time in the storage's unit: whole milliseconds since the Unix epoch."""
    return time.time_ns() // 1_000_000
