"""The JSON shapes of OpenAI's API: completion objects, stream chunks and usage counts."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.messages import GenerationStats, ModelInfo
from gpt4all_desktop.server.host import model_id
from gpt4all_desktop.server.params import Kind

OWNER = "gpt4all-desktop"

# How the engine's stop reasons read to an OpenAI client.
_FINISH = {"eos": "stop", "stop_sequence": "stop", "cancelled": "stop", "max_tokens": "length",
           "context_full": "length", "error": "stop"}


def finish_reason(stats: GenerationStats | None) -> str:
    return _FINISH.get(stats.stop_reason if stats else "eos", "stop")


def usage(stats: GenerationStats | None) -> dict[str, int]:
    prompt = stats.prompt_tokens if stats else 0
    completion = stats.generated_tokens if stats else 0
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def model_object(info: ModelInfo) -> dict[str, Any]:
    try:
        created = int(Path(info.path).stat().st_mtime)
    except OSError:
        created = 0
    return {"id": model_id(info), "object": "model", "created": created, "owned_by": OWNER}


def sse(data: dict[str, Any] | str) -> bytes:
    """One server-sent event; ``data`` is a JSON object or the final ``[DONE]``."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"data: {text}\n\n".encode()


class Shaper:
    """Builds every object of one response with a shared id, timestamp and model name."""

    def __init__(self, kind: Kind, model: str) -> None:
        self.kind = kind
        self.model = model
        self.created = int(time.time())
        prefix = "chatcmpl-" if kind == "chat" else "cmpl-"
        self.id = prefix + uuid.uuid4().hex[:24]

    def _base(self, obj: str) -> dict[str, Any]:
        return {"id": self.id, "object": obj, "created": self.created, "model": self.model,
                "system_fingerprint": None}

    def completion(self, text: str, stats: GenerationStats | None) -> dict[str, Any]:
        """The whole answer, for a request without ``stream``."""
        reason = finish_reason(stats)
        if self.kind == "chat":
            body = self._base("chat.completion")
            body["choices"] = [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                                "logprobs": None, "finish_reason": reason}]
        else:
            body = self._base("text_completion")
            body["choices"] = [{"index": 0, "text": text, "logprobs": None, "finish_reason": reason}]
        body["usage"] = usage(stats)
        return body

    def chunk(self, text: str, *, first: bool = False, reason: str | None = None,
              with_usage_field: bool = False) -> dict[str, Any]:
        """One streamed piece. A chat stream's first chunk carries the assistant role."""
        if self.kind == "chat":
            body = self._base("chat.completion.chunk")
            delta: dict[str, Any] = {}
            if first:
                delta["role"] = "assistant"
            if text or (first and reason is None):
                delta["content"] = text
            body["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}]
        else:
            body = self._base("text_completion")
            body["choices"] = [{"index": 0, "text": text, "logprobs": None, "finish_reason": reason}]
        if with_usage_field:
            body["usage"] = None
        return body

    def usage_chunk(self, stats: GenerationStats | None) -> dict[str, Any]:
        """The extra last chunk asked for by ``stream_options.include_usage``."""
        body = self._base("chat.completion.chunk" if self.kind == "chat" else "text_completion")
        body["choices"] = []
        body["usage"] = usage(stats)
        return body
