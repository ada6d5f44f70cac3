"""The FastAPI application: ``/v1/models``, ``/v1/chat/completions`` and ``/v1/completions``.

Every answer is queued on the app's inference worker through the :class:`ModelHost`, behind
the user's own chats. Handlers are all ``async`` so the server never needs a thread pool: it
runs on one event loop thread, and the engine's callbacks reach it through
:mod:`gpt4all_desktop.server.bridge`.

A streamed answer starts its HTTP response only when the engine has produced its first event,
so a request that fails up front (too long for the context, no model) still gets a proper
status code instead of an error buried in a 200 stream.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass, field
from typing import AsyncIterator, Callable

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from gpt4all_desktop import __version__
from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, ModelInfo, SamplingParams
from gpt4all_desktop.server.bridge import Event, Generation
from gpt4all_desktop.server.errors import ApiError, from_engine, not_ready
from gpt4all_desktop.server.host import ModelHost, RequestRecord, model_id, model_matches
from gpt4all_desktop.server.openai_format import Shaper, finish_reason, model_object, sse
from gpt4all_desktop.server.params import CompletionParams, Kind, parse_chat, parse_completion, parse_json

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 32 * 1024 * 1024
DISCONNECT_POLL_SECONDS = 0.5
SUMMARY_CHARS = 80

RequestCallback = Callable[[RequestRecord], None]


class ClientGone(Exception):
    """The client closed its connection before its answer was ready."""


def create_app(host: ModelHost, *, api_key: str = "", defaults: SamplingParams | None = None,
               on_request: RequestCallback | None = None, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The API as an ASGI app. ``api_key`` empty: no key needed. ``defaults``: sampling used for
    parameters a request leaves out. ``on_request`` is called on the server's thread once per
    handled request."""
    api = _Api(host, api_key, defaults or SamplingParams(), on_request, max_body_bytes)
    # Private by design: no OpenTelemetry spans, metrics or exporters, whatever the environment says.
    app = FastAPI(title="GPT4All Desktop local API", version=__version__,
                  docs_url=None, redoc_url=None, openapi_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False})
    app.state.abort_all = api.abort_all
    app.add_api_route("/v1/models", api.list_models, methods=["GET"])
    app.add_api_route("/v1/models/{model:path}", api.get_model, methods=["GET"])
    app.add_api_route("/v1/chat/completions", api.chat_completions, methods=["POST"])
    app.add_api_route("/v1/completions", api.completions, methods=["POST"])
    app.add_exception_handler(ApiError, api.api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, api.http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, api.unexpected_error)
    return app


@dataclass
class _Outcome:
    """What one completion produced, filled in as it streams, reported when it ends."""

    params: CompletionParams
    model: str
    pieces: list[str] = field(default_factory=list)
    stats: GenerationStats | None = None
    error: str = ""
    status: int = 200


class _EventStream(StreamingResponse):
    """A server-sent event stream that runs ``on_close`` however it ends (finished, client gone,
    server stopping), so the engine request is released and the request reported exactly once."""

    def __init__(self, content: AsyncIterator[bytes], on_close: Callable[[], None]) -> None:
        super().__init__(content, media_type="text/event-stream",
                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._on_close()


class _Api:
    def __init__(self, host: ModelHost, api_key: str, defaults: SamplingParams,
                 on_request: RequestCallback | None, max_body_bytes: int) -> None:
        self.host = host
        self._key = api_key.encode("utf-8")
        self.defaults = defaults
        self._on_request = on_request
        self._max_body = max_body_bytes
        self._active: set[Generation] = set()
        self._stopping = False

    def abort_all(self) -> None:
        """The server is stopping: cancel every answer on the engine and end its response now.
        Call on the server's event loop."""
        self._stopping = True
        for gen in list(self._active):
            gen.abort("The server was stopped before the answer finished.")

    # ------------------------------------------------------------------ endpoints
    async def list_models(self, request: Request) -> JSONResponse:
        self._authorize(request)
        info = self.host.model
        data = [model_object(info)] if info is not None and not self.host.loading else []
        self._report(request, 200, f"{len(data)} model(s) listed")
        return JSONResponse({"object": "list", "data": data})

    async def get_model(self, request: Request, model: str) -> JSONResponse:
        self._authorize(request)
        info = self.host.model
        if info is None or self.host.loading or not model_matches(model, info):
            raise _unknown_model(model)
        self._report(request, 200, model_id(info))
        return JSONResponse(model_object(info))

    async def chat_completions(self, request: Request) -> Response:
        return await self._complete(request, "chat")

    async def completions(self, request: Request) -> Response:
        return await self._complete(request, "completion")

    # ------------------------------------------------------------------ completion flow
    async def _complete(self, request: Request, kind: Kind) -> Response:
        self._authorize(request)
        body = parse_json(await self._read_body(request))
        params = parse_chat(body, self.defaults) if kind == "chat" else parse_completion(body, self.defaults)
        info = self._resolve_model(params.model)
        outcome = _Outcome(params, model_id(info))
        shaper = Shaper(params.kind, outcome.model)
        if self._stopping:
            raise ApiError(503, "The server is stopping.", code="server_stopping")
        gen: Generation | None = Generation(self.host, GenerateRequest(params.messages, params.sampling))
        gen.start()
        self._active.add(gen)
        try:
            try:
                first = await self._wait(gen, request)
            except ClientGone:
                outcome.status, outcome.error = 499, "The client closed the connection before the answer."
                self._report_outcome(request, outcome)
                return Response(status_code=499)
            if first.kind != "token" and first.kind != "done":
                error = _event_error(first)  # e.g. too long for the context: a plain error status
                outcome.status, outcome.error = error.status, error.message
                self._report_outcome(request, outcome)
                return error.response()
            if params.stream:
                stream_gen, gen = gen, None  # the stream owns the request from here on

                def close() -> None:
                    stream_gen.close()
                    self._active.discard(stream_gen)
                    self._report_outcome(request, outcome)

                return _EventStream(self._stream(stream_gen, first, shaper, outcome), close)
            return await self._answer_whole(request, gen, first, shaper, outcome)
        finally:
            if gen is not None:
                gen.close()
                self._active.discard(gen)

    async def _answer_whole(self, request: Request, gen: Generation, first: Event, shaper: Shaper,
                            outcome: _Outcome) -> Response:
        event = first
        try:
            while event.kind == "token":
                outcome.pieces.append(event.text)
                event = await self._wait(gen, request)
        except ClientGone:
            outcome.status, outcome.error = 499, "The client closed the connection before the answer."
            self._report_outcome(request, outcome)
            return Response(status_code=499)
        if event.kind != "done":
            error = _event_error(event)
            outcome.status, outcome.error = error.status, error.message
            self._report_outcome(request, outcome)
            return error.response()
        outcome.stats = event.stats
        self._report_outcome(request, outcome)
        return JSONResponse(shaper.completion("".join(outcome.pieces), event.stats))

    async def _stream(self, gen: Generation, first: Event, shaper: Shaper,
                      outcome: _Outcome) -> AsyncIterator[bytes]:
        usage_field = outcome.params.include_usage
        if shaper.kind == "chat":
            yield sse(shaper.chunk("", first=True, with_usage_field=usage_field))
        event = first
        while True:
            if event.kind == "token":
                outcome.pieces.append(event.text)
                yield sse(shaper.chunk(event.text, with_usage_field=usage_field))
            elif event.kind == "done":
                outcome.stats = event.stats
                yield sse(shaper.chunk("", reason=finish_reason(event.stats), with_usage_field=usage_field))
                if usage_field:
                    yield sse(shaper.usage_chunk(event.stats))
                yield sse("[DONE]")
                return
            else:
                error = _event_error(event)
                outcome.status, outcome.error = error.status, error.message
                yield sse(error.body())
                return
            event = await gen.next_event()

    async def _wait(self, gen: Generation, request: Request) -> Event:
        """The next engine event, giving up if the client leaves meanwhile (an answer can wait
        a long time behind the user's own chats)."""
        getter = asyncio.ensure_future(gen.next_event())
        try:
            while True:
                done, _ = await asyncio.wait({getter}, timeout=DISCONNECT_POLL_SECONDS)
                if done:
                    return getter.result()
                if await request.is_disconnected():
                    raise ClientGone()
        finally:
            if not getter.done():
                getter.cancel()

    # ------------------------------------------------------------------ checks
    def _authorize(self, request: Request) -> None:
        if not self._key:
            return
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            raise ApiError(401, "This server needs an API key: send it as 'Authorization: Bearer <key>'.",
                           code="missing_api_key", headers={"WWW-Authenticate": "Bearer"})
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode("utf-8"), self._key):
            raise ApiError(401, "The API key is not correct.", code="invalid_api_key",
                           headers={"WWW-Authenticate": "Bearer"})

    async def _read_body(self, request: Request) -> bytes:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self._max_body:
            raise _too_large(self._max_body)
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > self._max_body:
                    raise _too_large(self._max_body)
                chunks.append(chunk)
        except ClientDisconnect:
            raise ApiError(400, "The request body ended early.", code="incomplete_body") from None
        return b"".join(chunks)

    def _resolve_model(self, requested: str) -> ModelInfo:
        if self.host.loading:
            raise not_ready(loading=True)
        info = self.host.model
        if info is None:
            raise not_ready(loading=False)
        if requested and not model_matches(requested, info):
            raise _unknown_model(requested, loaded=model_id(info))
        return info

    # ------------------------------------------------------------------ errors
    async def api_error(self, request: Request, exc: ApiError) -> Response:
        self._report(request, exc.status, exc.message, error=exc.message)
        return exc.response()

    async def http_error(self, request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            error = ApiError(404, f"There is no {request.url.path} here; this server offers /v1/models, "
                                  "/v1/chat/completions and /v1/completions.", code="unknown_url")
        elif exc.status_code == 405:
            error = ApiError(405, f"{request.method} is not allowed on {request.url.path}.",
                             code="method_not_allowed")
        else:
            error = ApiError(exc.status_code, str(exc.detail))
        return await self.api_error(request, error)

    async def unexpected_error(self, request: Request, exc: Exception) -> Response:
        log.exception("API request %s %s failed", request.method, request.url.path, exc_info=exc)
        return await self.api_error(request, ApiError(500, f"The server failed: {type(exc).__name__}: {exc}",
                                                       code="internal_error"))

    # ------------------------------------------------------------------ reporting
    def _report_outcome(self, request: Request, outcome: _Outcome) -> None:
        params = outcome.params
        answer = "".join(outcome.pieces)
        last_user = next((m.content for m in reversed(params.messages) if m.role == "user"), "")
        summary = f"{_clip(last_user)!r} -> "
        if outcome.error:
            summary += outcome.error
        else:
            stats = outcome.stats
            tokens = stats.generated_tokens if stats else 0
            summary += f"{_clip(answer)!r} ({tokens} tokens, {finish_reason(stats)})"
        self._report(request, outcome.status, summary, model=outcome.model, messages=params.messages,
                     answer=answer, stats=outcome.stats, error=outcome.error)

    def _report(self, request: Request, status: int, summary: str, *, model: str = "",
                messages: tuple[ChatMessage, ...] = (), answer: str = "",
                stats: GenerationStats | None = None, error: str = "") -> None:
        client = f"{request.client.host}:{request.client.port}" if request.client else ""
        log.info("%s %s %s -> %d", client, request.method, request.url.path, status)
        if self._on_request is None:
            return
        record = RequestRecord(request.method, request.url.path, status, summary, client, model,
                               messages, answer, stats, error)
        try:
            self._on_request(record)
        except Exception:  # noqa: BLE001 - a listener's bug must not fail the client's request
            log.exception("request listener failed")


def _event_error(event: Event) -> ApiError:
    if event.kind == "aborted":
        return ApiError(503, event.text, code="server_stopping")
    return from_engine(event.text)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _unknown_model(requested: str, loaded: str = "") -> ApiError:
    hint = f" The loaded model is {loaded!r}." if loaded else ""
    return ApiError(404, f"The model {requested!r} is not loaded in GPT4All Desktop.{hint}",
                    param="model", code="model_not_found")


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is larger than {limit // (1024 * 1024)} MiB.", code="body_too_large")


__all__ = ["create_app"]
