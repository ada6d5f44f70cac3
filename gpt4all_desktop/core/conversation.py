"""An in-memory conversation: what the window shows and what the model is asked to continue."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from gpt4all_desktop.core.messages import ChatMessage, GenerationStats

_ids = itertools.count(1)


@dataclass
class Turn:
    role: str  # "user" or "assistant"
    content: str
    stats: GenerationStats | None = None
    end_state: str = "finished"  # finished, stopped, error, interrupted


@dataclass
class Conversation:
    title: str = ""
    system_prompt: str = ""
    turns: list[Turn] = field(default_factory=list)
    local_id: int = field(default_factory=lambda: next(_ids))

    def prompt_messages(self) -> tuple[ChatMessage, ...]:
        """The messages the model sees: the system prompt, then every finished turn."""
        out: list[ChatMessage] = []
        if self.system_prompt.strip():
            out.append(ChatMessage("system", self.system_prompt))
        for t in self.turns:
            if t.role in ("user", "assistant") and (t.content or t.role == "user"):
                out.append(ChatMessage(t.role, t.content))  # type: ignore[arg-type]
        return tuple(out)

    def default_title(self) -> str:
        first = next((t.content for t in self.turns if t.role == "user"), "")
        line = " ".join(first.split())
        return (line[:48] + "…") if len(line) > 48 else line
