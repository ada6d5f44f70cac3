"""Read and check the JSON body of a completion request.

Validation is done by hand rather than with pydantic models so every problem becomes one
OpenAI-format 400 naming the offending parameter, in a sentence a person can act on.
Parameters OpenAI accepts but a local model has no use for (``user``, ``logit_bias``,
``presence_penalty``...) are ignored, as other local servers do, so existing clients work.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from gpt4all_desktop.core.messages import ChatMessage, SamplingParams
from gpt4all_desktop.server.errors import bad_request

MAX_STOP_SEQUENCES = 16
MAX_SEED = 2**31  # llama.cpp seeds are 32-bit; larger seeds are folded into that range
_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}

Kind = Literal["chat", "completion"]


@dataclass(frozen=True)
class CompletionParams:
    kind: Kind
    model: str  # "" when the client did not name one: the loaded model answers
    messages: tuple[ChatMessage, ...]
    sampling: SamplingParams
    stream: bool = False
    include_usage: bool = False  # stream_options.include_usage: a last chunk with the counts


def parse_json(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a 400 saying what is wrong with it."""
    if not raw.strip():
        raise bad_request("The request body is empty; send a JSON object.", code="invalid_json")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.", code="invalid_json")
    return body


def parse_chat(body: dict[str, Any], defaults: SamplingParams) -> CompletionParams:
    raw_messages = body.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise bad_request("'messages' must be a non-empty list of messages.", "messages")
    messages = tuple(_message(m, i) for i, m in enumerate(raw_messages))
    return _common(body, "chat", messages, defaults)


def parse_completion(body: dict[str, Any], defaults: SamplingParams) -> CompletionParams:
    """A plain completion is answered as a chat with one user message (the engine always
    applies the model's chat template, which small instruct models need to answer well)."""
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if isinstance(prompt, list):
        raise bad_request("'prompt' must be one string; lists of prompts and token arrays are not supported.",
                          "prompt")
    if not isinstance(prompt, str) or not prompt:
        raise bad_request("'prompt' must be a non-empty string.", "prompt")
    return _common(body, "completion", (ChatMessage("user", prompt),), defaults)


def _message(raw: Any, index: int) -> ChatMessage:
    param = f"messages[{index}]"
    if not isinstance(raw, dict):
        raise bad_request(f"{param} must be an object with 'role' and 'content'.", param)
    role = _ROLES.get(raw.get("role"))  # type: ignore[arg-type]
    if role is None:
        raise bad_request(f"{param}.role must be one of system, developer, user or assistant "
                          f"(got {raw.get('role')!r}).", f"{param}.role")
    content = raw.get("content")
    if content is None and role == "assistant":
        content = ""
    if isinstance(content, list):
        content = _text_parts(content, f"{param}.content")
    if not isinstance(content, str):
        raise bad_request(f"{param}.content must be a string or a list of text parts.", f"{param}.content")
    return ChatMessage(role, content)  # type: ignore[arg-type]


def _text_parts(parts: list[Any], param: str) -> str:
    texts: list[str] = []
    for part in parts:
        if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
            kind = part.get("type") if isinstance(part, dict) else type(part).__name__
            raise bad_request(f"{param} may only hold text parts; this model cannot read {kind!r} parts.", param)
        texts.append(part["text"])
    return "\n".join(texts)


def _common(body: dict[str, Any], kind: Kind, messages: tuple[ChatMessage, ...],
            defaults: SamplingParams) -> CompletionParams:
    model = body.get("model", "")
    if model is None:
        model = ""
    if not isinstance(model, str):
        raise bad_request("'model' must be a string.", "model")
    n = body.get("n", 1)
    if n is not None and (not _is_int(n) or n != 1):
        raise bad_request("Only one answer per request is supported; set 'n' to 1.", "n")
    stream = body.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise bad_request("'stream' must be true or false.", "stream")
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise bad_request("'stream_options' must be an object.", "stream_options")
    include_usage = bool(options.get("include_usage", False))

    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    param_name = "max_completion_tokens" if body.get("max_completion_tokens") is not None else "max_tokens"
    changes: dict[str, Any] = {
        "temperature": _number(body, "temperature", 0.0, 2.0),
        "top_p": _number(body, "top_p", 0.0, 1.0),
        "max_tokens": _integer(max_tokens, param_name, 1, None),
        "seed": _seed(body.get("seed")),
        "stop": _stop(body.get("stop")),
    }
    sampling = dataclasses.replace(defaults, **{k: v for k, v in changes.items() if v is not None})
    return CompletionParams(kind, model, messages, sampling, stream, include_usage)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise bad_request(f"'{name}' must be a number.", name)
    if not low <= value <= high:
        raise bad_request(f"'{name}' must be between {low:g} and {high:g} (got {value:g}).", name)
    return float(value)


def _integer(value: Any, name: str, low: int, high: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not _is_int(value):
        raise bad_request(f"'{name}' must be a whole number.", name)
    if value < low or (high is not None and value > high):
        limit = f"at least {low}" if high is None else f"between {low} and {high}"
        raise bad_request(f"'{name}' must be {limit} (got {value}).", name)
    return int(value)


def _seed(value: Any) -> int | None:
    if value is None:
        return None
    if not _is_int(value):
        raise bad_request("'seed' must be a whole number.", "seed")
    return value % MAX_SEED


def _stop(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise bad_request("'stop' must be a string or a list of strings.", "stop")
    if len(value) > MAX_STOP_SEQUENCES:
        raise bad_request(f"'stop' may hold at most {MAX_STOP_SEQUENCES} sequences.", "stop")
    return tuple(s for s in value if s)
