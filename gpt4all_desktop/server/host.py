"""What the API server needs from the app, and what it reports back about each request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, ModelInfo



class TokenSinkLike(Protocol):
    """Receives one answer, on the engine's thread (the same shape as the worker's ``TokenSink``,
    restated here so this package does not import Qt)."""

    def on_token(self, text: str) -> None: ...

    def on_done(self, stats: GenerationStats, model: ModelInfo | None) -> None: ...

    def on_error(self, message: str) -> None: ...


class ModelHost(Protocol):
    """The app's inference front: the loaded model and a queue onto the engine's thread.

    ``model`` and ``loading`` are read from the server's thread; they are plain attributes
    replaced whole by the app, so a read sees either the old or the new value.
    ``submit_to_sink`` and ``cancel`` must be thread-safe.
    """

    model: ModelInfo | None
    loading: bool

    def submit_to_sink(self, request: GenerateRequest, sink: TokenSinkLike) -> int: ...

    def cancel(self, request_id: int) -> None: ...


def model_id(info: ModelInfo) -> str:
    """The id clients put in ``model``: the model's file name, which is unique and has no spaces."""
    return Path(info.path).name


def model_matches(requested: str, info: ModelInfo) -> bool:
    """Whether ``requested`` names the loaded model (by file name, file stem or display name)."""
    wanted = requested.strip().casefold()
    path = Path(info.path)
    return wanted in {path.name.casefold(), path.stem.casefold(), info.name.strip().casefold()}


@dataclass(frozen=True)
class RequestRecord:
    """One handled request, for the log and the window's "Server" chat.

    ``messages`` and ``answer`` are empty for requests that never reached the model.
    """

    method: str
    path: str
    status: int
    summary: str
    client: str = ""
    model: str = ""
    messages: tuple[ChatMessage, ...] = ()
    answer: str = ""
    stats: GenerationStats | None = None
    error: str = ""
