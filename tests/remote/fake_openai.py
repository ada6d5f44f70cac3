"""A tiny OpenAI-compatible server on 127.0.0.1 that misbehaves on purpose.

Real servers (llama-cpp-python's) cover the happy paths; this one covers what they cannot be made
to do on demand: 429 with Retry-After, 5xx, malformed JSON, a stream cut or stalled mid-answer,
a TLS certificate of our own. Each route answers with a :class:`Reply` set by the test.
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """What a route answers.

    ``status`` != 200 sends ``body`` as is. With status 200 and ``events`` set, the events are
    streamed as SSE; ``cut_after`` closes the connection after that many events (no [DONE]),
    ``stall_after`` stops sending after that many events until the server closes, and
    ``raw_events`` are sent verbatim (to inject malformed data)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    events: list[str] | None = None
    cut_after: int | None = None
    stall_after: int | None = None
    done: bool = True
    chunked: bool = True  # False: the body ends when the connection closes (some proxies do this)


def chunk(content: str = "", finish: str | None = None, role: str | None = None) -> str:
    delta: dict[str, Any] = {}
    if role:
        delta["role"] = role
    if content:
        delta["content"] = content
    return json.dumps({"id": "c1", "object": "chat.completion.chunk", "model": "fake",
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})


def answer_events(words: list[str], finish: str = "stop") -> list[str]:
    return [chunk(role="assistant")] + [chunk(w) for w in words] + [chunk(finish=finish)]


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json",
                                                                        **(headers or {})})


MODELS = {"object": "list", "data": [{"id": "fake-7b", "object": "model", "owned_by": "test", "max_model_len": 8192},
                                     {"id": "org/fake-70b", "object": "model", "owned_by": "test"}]}


class FakeOpenAI:
    """Start with ``with FakeOpenAI() as fake:``; ``fake.base_url`` ends in ``/v1``."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Reply] = {
            "/v1/models": json_reply(MODELS),
            "/v1/chat/completions": Reply(events=answer_events(["Hello", ",", " world", "!"])),
        }
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.release = threading.Event()
        self.stalled = threading.Event()  # set when a stalling reply has started to stall
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._answer(None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw
                self._answer(body)

            def _answer(self, body: Any) -> None:
                fake.requests.append((self.command, self.path, dict(self.headers), body))
                reply = fake.routes.get(self.path, json_reply({"error": {"message": "no such route"}}, 404))
                if reply.events is None or reply.status != 200:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                self._chunked = reply.chunked
                for i, event in enumerate(reply.events):
                    if reply.cut_after is not None and i >= reply.cut_after:
                        self.close_connection = True
                        return  # no terminating chunk: the stream is cut
                    if reply.stall_after is not None and i >= reply.stall_after:
                        self._send(b": ping\n\n")
                        fake.stalled.set()
                        fake.release.wait(30)
                        return
                    self._send(f"data: {event}\n\n".encode())
                if reply.done:
                    self._send(b"data: [DONE]\n\n")
                if reply.chunked:
                    self.wfile.write(b"0\r\n\r\n")

            def _send(self, data: bytes) -> None:
                if self._chunked:
                    data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
                self.wfile.write(data)
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = False  # server_close() joins handler threads: none is left running
        self.server.block_on_close = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-openai", daemon=True)

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
