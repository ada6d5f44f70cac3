"""A chat engine served by an OpenAI-compatible server (llama.cpp's server, vLLM, Ollama, LM Studio, a hosted API).

:class:`RemoteEngine` implements :class:`~gpt4all_desktop.core.engine_api.ChatEngine` over
``GET /v1/models`` and ``POST /v1/chat/completions`` with server-sent events, so the chat view,
history and benchmarks treat a remote model like a local one. The HTTP layer, its timeouts and
the failure types live in :mod:`gpt4all_desktop.core.remote_http` (re-exported here).

Waiting for the first token and the silence between tokens are deadlines on real content, so
keep-alive pings cannot hold a stuck answer open forever. Failures during an answer carry the
text received so far in ``partial_text``, so the app keeps it (marked as incomplete).
"""

from __future__ import annotations

import http.client
import itertools
import json
import logging
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from gpt4all_desktop.core.engine_api import REMOTE_PREFIX
from gpt4all_desktop.core.messages import GenerateRequest, GenerationStats, LoadRequest, ModelInfo
from gpt4all_desktop.core.remote_http import (
    DEFAULT_CHUNK_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_FIRST_TOKEN_TIMEOUT,
    MAX_ERROR_BODY,
    Aborted,
    Call,
    RemoteAuthError,
    RemoteBadResponse,
    RemoteEndpoint,
    RemoteFailure,
    RemoteModelGone,
    RemoteRateLimited,
    RemoteServerError,
    RemoteStreamCut,
    RemoteTimeout,
    RemoteTLSError,
    RemoteUnreachable,
    describe_connect_error,
    normalize_base_url,
    secs,
    server_message,
    ssl_context,
    status_failure,
)

__all__ = [
    "DEFAULT_CHUNK_TIMEOUT", "DEFAULT_CONNECT_TIMEOUT", "DEFAULT_FIRST_TOKEN_TIMEOUT", "RemoteAuthError",
    "RemoteBadResponse", "RemoteEndpoint", "RemoteEngine", "RemoteFailure", "RemoteModel", "RemoteModelGone",
    "RemoteRateLimited", "RemoteServerError", "RemoteStreamCut", "RemoteTLSError", "RemoteTimeout",
    "RemoteUnreachable", "normalize_base_url", "remote_model_id", "remote_model_path", "ssl_context",
]

log = logging.getLogger(__name__)

MAX_LINE = 4 * 1024 * 1024  # one SSE line; a whole non-streamed reply fits many times over


@dataclass(frozen=True)
class RemoteModel:
    """One entry of ``GET /v1/models``."""

    id: str
    context_length: int = 0  # 0: the server did not say
    owned_by: str = ""

    @property
    def display_name(self) -> str:
        """Servers started with a file path list the path as the id; show the file name instead."""
        ident = self.id
        if ident.lower().endswith(".gguf") or ident.startswith(("/", "./", "../")) or "\\" in ident:
            ident = ident.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
            ident = ident[:-5] if ident.lower().endswith(".gguf") else ident
        return ident or self.id


def remote_model_path(engine_id: str, model_id: str) -> str:
    """The ``LoadRequest.model_path`` that addresses ``model_id`` on engine ``engine_id``."""
    return f"{REMOTE_PREFIX}{engine_id}/{model_id}"


def remote_model_id(model_path: str) -> str:
    """``remote:<engine id>/<model id>`` -> model id (which may itself contain slashes)."""
    rest = model_path[len(REMOTE_PREFIX):] if model_path.startswith(REMOTE_PREFIX) else model_path
    return rest.split("/", 1)[1] if "/" in rest else ""


# ------------------------------------------------------------------ engine
class RemoteEngine:
    """A :class:`ChatEngine` for one OpenAI-compatible server. Use from one thread; ``cancel`` and
    ``stop`` may be called from any thread."""

    def __init__(self, engine_id: str, endpoint: RemoteEndpoint, name: str = "") -> None:
        self.engine_id = engine_id
        self.endpoint = endpoint
        self.name = name or endpoint.host
        self.model: ModelInfo | None = None
        self._lock = threading.Lock()
        self._active: dict[int, Call] = {}
        self._cancelled: deque[int] = deque(maxlen=256)
        self._own_ids = itertools.count(-1, -1)  # never collides with the app's positive ids

    def __repr__(self) -> str:
        return f"RemoteEngine({self.engine_id!r}, {self.endpoint.base_url!r})"

    @property
    def alive(self) -> bool:
        """Always ready: there is no local process to start; reachability shows on the next request."""
        return True

    @property
    def host(self) -> str:
        return self.endpoint.host

    # ---------------------------------------------------------- control
    def cancel(self, request_id: int) -> None:
        with self._lock:
            if request_id not in self._cancelled:
                self._cancelled.append(request_id)
            call = self._active.get(request_id)
        if call is not None:
            call.abort()

    def stop(self, timeout: float = 5.0) -> None:
        """Abort every request in flight (the app is closing or the engine was removed)."""
        with self._lock:
            calls = list(self._active.values())
        for call in calls:
            call.abort()

    def _begin(self, request_id: int | None) -> tuple[int, Call]:
        rid = request_id if request_id is not None else next(self._own_ids)
        call = Call(self.endpoint)
        with self._lock:
            if rid in self._cancelled:
                call.aborted = True
            self._active[rid] = call
        return rid, call

    def _end(self, rid: int, call: Call) -> None:
        with self._lock:
            if self._active.get(rid) is call:
                del self._active[rid]
        call.close()

    def _open(self, call: Call, method: str, path: str, body: dict[str, Any] | None,
              wait: float) -> http.client.HTTPResponse:
        """Open ``call`` and turn connection problems into user-facing failures."""
        try:
            return call.open(method, path, body, wait=wait)
        except (Aborted, RemoteFailure):
            raise
        except (socket.timeout, TimeoutError) as exc:
            if call.aborted:
                raise Aborted() from None
            if call.connected:  # the request went out; the answer was late
                raise RemoteTimeout(f"{self.host} accepted the request but sent nothing for "
                                    f"{secs(wait)}. The server may be busy; try again later.") from None
            raise describe_connect_error(exc, self.endpoint) from None
        except (OSError, http.client.HTTPException) as exc:
            if call.aborted:
                raise Aborted() from None
            if isinstance(exc, (http.client.RemoteDisconnected, http.client.BadStatusLine)) or (
                    call.connected and isinstance(exc, (ConnectionResetError, BrokenPipeError))):
                raise RemoteBadResponse(f"{self.host} closed the connection without an HTTP answer. Check that "
                                        "the address uses the right scheme (http:// or https://) and points at "
                                        "an OpenAI-compatible server.") from None
            if isinstance(exc, http.client.HTTPException):
                raise RemoteBadResponse(f"{self.host} sent a reply that is not valid HTTP ({exc}).") from None
            raise describe_connect_error(exc, self.endpoint) from None

    def _check_status(self, resp: http.client.HTTPResponse, call: Call, *,
                      model_id: str = "", what: str = "") -> None:
        if 200 <= resp.status < 300:
            return
        try:
            call.set_deadline(time.monotonic() + self.endpoint.chunk_timeout)
            body = resp.read(MAX_ERROR_BODY)
        except (OSError, http.client.HTTPException):
            body = b""
        raise status_failure(resp.status, resp.reason, resp.headers, body, ep=self.endpoint,
                              model_id=model_id, what=what)

    # ----------------------------------------------------------- models
    def list_models(self, request_id: int | None = None) -> list[RemoteModel]:
        """``GET /v1/models``: the models the server offers (raises ``RemoteFailure``)."""
        rid, call = self._begin(request_id)
        try:
            resp = self._open(call, "GET", "/models", None, self.endpoint.chunk_timeout)
            self._check_status(resp, call, what="model list at " + urlsplit(self.endpoint.base_url).path + "/models")
            try:
                raw = resp.read(MAX_LINE)
            except (socket.timeout, TimeoutError):
                raise RemoteTimeout(f"{self.host} started sending the model list but stopped.") from None
            except (OSError, http.client.HTTPException):
                if call.aborted:
                    raise Aborted() from None
                raise RemoteStreamCut(f"The connection to {self.host} was cut while reading the model list.") from None
            return _parse_models(raw, self.host)
        except Aborted:
            raise RemoteFailure("Listing the models was cancelled.") from None
        finally:
            self._end(rid, call)

    def load(self, req: LoadRequest, on_progress: Callable[[float], None] | None = None,
             request_id: int | None = None) -> ModelInfo:
        """Check that the model is still offered and describe it; nothing is loaded locally."""
        started = time.monotonic()
        model_id = remote_model_id(req.model_path)
        if not model_id:
            raise RemoteModelGone(f"{req.model_path!r} does not name a model on {self.host}.")
        self.model = None
        try:
            models = self.list_models(request_id)
        except RemoteModelGone:
            models = None  # a server without /v1/models can still chat; the first answer will tell
        found = None
        if models is not None:
            found = next((m for m in models if m.id == model_id), None)
            if found is None:
                offered = ", ".join(m.id for m in models[:5]) or "none"
                raise RemoteModelGone(f"The model {model_id!r} is not available on {self.host} any more. "
                                      f"It offers: {offered}.")
        ctx = (found.context_length if found else 0) or req.context_length
        if on_progress is not None:
            on_progress(1.0)
        self.model = ModelInfo(
            path=req.model_path,
            name=(found or RemoteModel(model_id)).display_name,
            architecture="remote",
            context_length=ctx,
            trained_context_length=ctx,
            backend=f"Remote ({self.host})",
            gpu_layers=0,
            threads=0,
            chat_template_source="server",
            load_seconds=time.monotonic() - started,
        )
        log.info("remote model %s ready on %s", model_id, self.host)
        return self.model

    # ----------------------------------------------------------- answer
    def generate(self, req: GenerateRequest, on_token: Callable[[str], None],
                 request_id: int | None = None,
                 on_progress: Callable[[str, float], None] | None = None) -> GenerationStats:
        if self.model is None:
            raise RemoteFailure("No remote model is selected.")
        model_id = remote_model_id(self.model.path)
        rid, call = self._begin(request_id)
        started = time.monotonic()
        stream = _AnswerStream(self, call, on_token, started)
        try:
            if call.aborted:
                raise Aborted()
            resp = self._open(call, "POST", "/chat/completions", _chat_body(model_id, req),
                              self.endpoint.first_token_timeout)
            self._check_status(resp, call, model_id=model_id)
            if on_progress is not None:
                on_progress("prompt", 0.0)
            if "json" in (resp.getheader("Content-Type") or "") and "event-stream" not in resp.getheader("Content-Type", ""):
                stream.read_whole(resp)  # a server that ignores "stream": true
            else:
                stream.read(resp, call.deadline)
        except Aborted:
            return stream.stats("cancelled")
        except RemoteFailure as exc:
            if call.aborted:
                return stream.stats("cancelled")
            if stream.text and not exc.partial_text:
                exc.partial_text = stream.text
            raise
        finally:
            self._end(rid, call)
        return stream.stats(stream.stop_reason)


def _chat_body(model_id: str, req: GenerateRequest) -> dict[str, Any]:
    """Only standard OpenAI fields: hosted APIs reject unknown sampling options."""
    s = req.sampling
    body: dict[str, Any] = {
        "model": model_id,
        "messages": [{"role": m.role, "content": m.content} for m in req.messages],
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": s.temperature,
        "top_p": s.top_p,
        "max_tokens": s.max_tokens,
    }
    if s.stop:
        body["stop"] = list(s.stop)[:4]
    if s.seed >= 0:
        body["seed"] = s.seed
    return body


def _parse_models(raw: bytes, host: str) -> list[RemoteModel]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise RemoteBadResponse(f"{host} answered the model list with something that is not JSON. Check that the "
                                "address points at an OpenAI-compatible API.") from None
    entries = data.get("data") if isinstance(data, dict) else None
    if entries is None and isinstance(data, dict):
        entries = data.get("models")
    if not isinstance(entries, list):
        raise RemoteBadResponse(f"{host} answered the model list without a \"data\" list; it may not be an "
                                "OpenAI-compatible API.")
    models: list[RemoteModel] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id") or entry.get("name"), str):
            continue
        ctx = 0
        meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
        for value in (entry.get("max_model_len"), entry.get("context_length"), entry.get("max_context_length"),
                      entry.get("context_window"), meta.get("n_ctx"), meta.get("n_ctx_train")):
            if isinstance(value, int) and value > 0:
                ctx = value
                break
        models.append(RemoteModel(str(entry.get("id") or entry.get("name")), ctx, str(entry.get("owned_by") or "")))
    return models


_FINISH = {"stop": "eos", "length": "max_tokens", "eos": "eos", "stop_sequence": "stop_sequence",
           "content_filter": "error", "tool_calls": "eos", "function_call": "eos"}


class _AnswerStream:
    """Reads one SSE answer, counting and timing tokens as they arrive."""

    def __init__(self, engine: RemoteEngine, call: Call, on_token: Callable[[str], None], started: float) -> None:
        self.engine = engine
        self.call = call
        self.on_token = on_token
        self.started = started
        self.parts: list[str] = []
        self.chunks = 0
        self.first_at = 0.0  # first visible text (time to first token)
        self.last_at = 0.0  # latest visible text
        self.progress_at = 0.0  # latest sign of work: text, or hidden reasoning/tool output
        self.usage: dict[str, Any] = {}
        self.finish: str | None = None
        self.done = False

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def stop_reason(self) -> str:
        return _FINISH.get(self.finish or "stop", "eos")

    def stats(self, reason: str) -> GenerationStats:
        ended = time.monotonic()
        generated = int(self.usage.get("completion_tokens") or 0) or self.chunks
        decode = self.last_at - self.first_at
        prompt = int(self.usage.get("prompt_tokens") or 0)
        return GenerationStats(
            prompt_tokens=prompt,
            prompt_tokens_evaluated=prompt,
            generated_tokens=generated,
            time_to_first_token=(self.first_at - self.started) if self.first_at else 0.0,
            tokens_per_second=(generated - 1) / decode if generated > 1 and decode > 0 else 0.0,
            total_seconds=ended - self.started,
            stop_reason=reason,  # type: ignore[arg-type]
        )

    def _cut(self, why: str) -> RemoteStreamCut:
        host = self.engine.host
        if self.parts:
            return RemoteStreamCut(f"The connection to {host} was cut in the middle of the answer ({why}). "
                                   "The partial answer is kept.", self.text)
        return RemoteStreamCut(f"The connection to {host} was cut before the answer started ({why}). "
                               "Try again; if it keeps happening, check the server.")

    def read(self, resp: http.client.HTTPResponse, first_deadline: float) -> None:
        ep = self.engine.endpoint
        data_lines: list[str] = []
        while not self.done:
            deadline = (self.progress_at + ep.chunk_timeout) if self.progress_at else first_deadline
            self.call.set_deadline(deadline)
            try:
                line = resp.readline(MAX_LINE)
            except (socket.timeout, TimeoutError):
                if self.call.aborted:
                    raise Aborted() from None
                if self.progress_at:
                    kept = " The partial answer is kept." if self.parts else ""
                    raise RemoteTimeout(f"{self.engine.host} stopped sending in the middle of the answer for "
                                        f"{secs(ep.chunk_timeout)}.{kept}", self.text) from None
                raise RemoteTimeout(f"{self.engine.host} accepted the request but sent no answer within "
                                    f"{secs(ep.first_token_timeout)}. The server may be busy or the model "
                                    "still loading; try again later.") from None
            except (OSError, http.client.HTTPException) as exc:
                if self.call.aborted:
                    raise Aborted() from None
                raise self._cut(type(exc).__name__) from None
            if self.call.aborted:
                raise Aborted()
            if not line:  # the server closed the stream
                if data_lines:
                    self._event("\n".join(data_lines))
                if self.done or self.finish is not None:
                    return
                raise self._cut("the server closed the stream")
            if time.monotonic() > deadline:  # keep-alive pings alone do not count as progress
                raise RemoteTimeout(f"{self.engine.host} sent only keep-alive messages for too long"
                                    f"{'; the partial answer is kept' if self.parts else ''}.", self.text)
            text = line.decode("utf-8", errors="replace").rstrip("\r\n")
            if not text:
                if data_lines:
                    self._event("\n".join(data_lines))
                    data_lines = []
                continue
            if text.startswith(":"):
                continue  # SSE comment (keep-alive ping)
            name, _, value = text.partition(":")
            if name == "data":
                data_lines.append(value[1:] if value.startswith(" ") else value)

    def read_whole(self, resp: http.client.HTTPResponse) -> None:
        """A complete (non-streamed) completion: one JSON object with ``message`` instead of ``delta``."""
        self.call.set_deadline(time.monotonic() + self.engine.endpoint.chunk_timeout)
        try:
            raw = resp.read(MAX_LINE)
        except (OSError, http.client.HTTPException) as exc:
            if self.call.aborted:
                raise Aborted() from None
            raise self._cut(type(exc).__name__) from None
        try:
            payload = json.loads(raw)
            for choice in payload["choices"]:
                choice["delta"] = choice.get("message") or {}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise RemoteBadResponse(f"{self.engine.host} sent an answer that is not valid JSON in the OpenAI "
                                    "format.") from None
        self._event(json.dumps(payload))
        self.done = True

    def _event(self, data: str) -> None:
        if data.strip() == "[DONE]":
            self.done = True
            return
        try:
            payload = json.loads(data)
        except ValueError:
            raise RemoteBadResponse(f"{self.engine.host} sent a part of the answer that is not valid JSON"
                                    f"{'; the partial answer is kept' if self.parts else ''}.", self.text) from None
        if not isinstance(payload, dict):
            raise RemoteBadResponse(f"{self.engine.host} sent an answer in an unexpected format.", self.text)
        if "error" in payload:
            detail = server_message(json.dumps(payload).encode(), self.engine.endpoint.api_key)
            raise RemoteServerError(f"{self.engine.host} reported an error while answering: {detail}",
                                    500, self.text)
        if isinstance(payload.get("usage"), dict):
            self.usage = payload["usage"]
        choices = payload.get("choices")
        if not isinstance(choices, list):
            if "usage" in payload:
                return
            raise RemoteBadResponse(f"{self.engine.host} sent an answer without \"choices\"; it may not be an "
                                    "OpenAI-compatible chat API.", self.text)
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta") or {}
            if not isinstance(delta, dict):
                continue
            now = time.monotonic()
            if any(value for key, value in delta.items() if key != "role"):
                self.progress_at = now  # e.g. reasoning_content: the model works, the answer is not late
            content = delta.get("content")
            if isinstance(content, str) and content:
                if not self.first_at:
                    self.first_at = now
                self.last_at = now
                self.chunks += 1
                self.parts.append(content)
                self.on_token(content)
            if choice.get("finish_reason"):
                self.finish = str(choice["finish_reason"])
                self.progress_at = now
