"""The one interface every engine offers, local (llama.cpp process) or remote (an OpenAI-compatible server).

The inference worker, the chat view, history, the local API server and the benchmarks only
see this protocol, so they do not care which kind of engine is behind a model. A model is
addressed by ``LoadRequest.model_path``: a file path for the local engine, or
``remote:<engine id>/<model id>`` for a registered remote engine.
"""

from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

from gpt4all_desktop.core.messages import GenerateRequest, GenerationStats, LoadRequest, ModelInfo

REMOTE_PREFIX = "remote:"


def is_remote(model_path: str) -> bool:
    return model_path.startswith(REMOTE_PREFIX)


def remote_engine_id(model_path: str) -> str:
    """``remote:<engine id>/<model id>`` -> engine id."""
    return model_path[len(REMOTE_PREFIX):].split("/", 1)[0]


@runtime_checkable
class ChatEngine(Protocol):
    """Load a model, stream answers, stop them. Raises ``EngineFailure`` with a user-facing message."""

    model: ModelInfo | None

    @property
    def alive(self) -> bool: ...

    def load(self, req: LoadRequest, on_progress: Callable[[float], None] | None = None,
             request_id: int | None = None) -> ModelInfo: ...

    def generate(self, req: GenerateRequest, on_token: Callable[[str], None],
                 request_id: int | None = None,
                 on_progress: Callable[[str, float], None] | None = None) -> GenerationStats: ...

    def cancel(self, request_id: int) -> None:
        """Thread-safe: stop ``request_id`` as soon as possible; other requests are untouched."""

    def stop(self, timeout: float = 5.0) -> None: ...
