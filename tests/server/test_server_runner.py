"""Starting and stopping the server: ports, network exposure, and answers cut short."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import httpx2
import openai
import pytest

from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, ModelInfo, SamplingParams
from gpt4all_desktop.server import ApiServer, ServerConfig, ServerStartError
from gpt4all_desktop.server.host import TokenSinkLike, model_id
from gpt4all_desktop.workers.inference_worker import InferenceController

LONG_ANSWER = [{"role": "user", "content": "Count from one to two hundred in words, one per line."}]


class HoldingSink:
    """Holds the inference worker on its first token until released: the engine is then busy,
    as when the user's own chat is answering, without depending on how fast the model is."""

    def __init__(self) -> None:
        self.holding = threading.Event()
        self.release = threading.Event()
        self.ended = threading.Event()

    def on_token(self, text: str) -> None:
        if not self.holding.is_set():
            self.holding.set()
            self.release.wait(60)

    def on_done(self, stats: GenerationStats, model: ModelInfo | None) -> None:
        self.ended.set()

    def on_error(self, message: str) -> None:
        self.ended.set()


class WatchedSink(HoldingSink):
    """Passes the engine's events on to the server and notes how the answer ended; with
    ``hold``, keeps the engine mid-answer after the first token until released."""

    def __init__(self, inner: TokenSinkLike, hold: bool) -> None:
        super().__init__()
        self.inner = inner
        self.stats: GenerationStats | None = None
        if not hold:
            self.holding.set()

    def on_token(self, text: str) -> None:
        self.inner.on_token(text)
        super().on_token(text)

    def on_done(self, stats: GenerationStats, model: ModelInfo | None) -> None:
        self.stats = stats
        self.inner.on_done(stats, model)
        self.ended.set()

    def on_error(self, message: str) -> None:
        self.inner.on_error(message)
        self.ended.set()


class WatchedHost:
    """The real inference controller, with a record of what the server submitted and cancelled."""

    def __init__(self, inner: InferenceController) -> None:
        self.inner = inner
        self.submitted: list[int] = []
        self.sinks: list[WatchedSink] = []
        self.cancelled: list[int] = []
        self.cancel_seen = threading.Event()
        self.submit_seen = threading.Event()
        self.hold_first_token = False

    @property
    def model(self) -> ModelInfo | None:
        return self.inner.model

    @property
    def loading(self) -> bool:
        return self.inner.loading

    def submit_to_sink(self, request: GenerateRequest, sink: TokenSinkLike) -> int:
        watched = WatchedSink(sink, self.hold_first_token)
        rid = self.inner.submit_to_sink(request, watched)
        self.submitted.append(rid)
        self.sinks.append(watched)
        self.submit_seen.set()
        return rid

    def assert_last_answer_was_cancelled(self) -> None:
        sink = self.sinks[-1]
        sink.release.set()
        assert sink.ended.wait(60), "the cancelled answer must end"
        assert sink.stats is not None and sink.stats.stop_reason == "cancelled"
        assert sink.stats.generated_tokens < 400

    def cancel(self, request_id: int) -> None:
        self.cancelled.append(request_id)
        self.inner.cancel(request_id)
        self.cancel_seen.set()


@pytest.fixture
def watched(engine: InferenceController) -> WatchedHost:
    return WatchedHost(engine)


@pytest.fixture
def server(watched: WatchedHost) -> Iterator[ApiServer]:
    s = ApiServer(watched, ServerConfig(port=0))
    s.start()
    yield s
    s.stop()
    assert not s.running


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_listens_on_loopback_only_by_default(server: ApiServer) -> None:
    assert server.config.bind_host() == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/v1"
    assert httpx2.get(f"{server.url}/models").status_code == 200  # no key configured: none needed


def test_stop_closes_the_port_at_once_and_it_can_be_reused(watched: WatchedHost) -> None:
    first = ApiServer(watched, ServerConfig(port=0))
    first.start()
    port = first.port
    first.stop()
    assert not first.running
    assert refuses_connections(port)
    again = ApiServer(watched, ServerConfig(port=port))
    again.start()
    try:
        assert httpx2.get(f"{again.url}/models").status_code == 200
    finally:
        again.stop()


def test_a_port_in_use_is_a_clear_error(watched: WatchedHost) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ServerStartError, match=f"Port {port} is already in use"):
            ApiServer(watched, ServerConfig(port=port)).start()


def test_the_local_network_needs_an_api_key(watched: WatchedHost) -> None:
    with pytest.raises(ServerStartError, match="API key is required"):
        ApiServer(watched, ServerConfig(port=0, allow_network=True)).start()
    with pytest.raises(ServerStartError, match="allow the local network"):
        ApiServer(watched, ServerConfig(port=0, host="0.0.0.0", api_key="k")).start()
    exposed = ApiServer(watched, ServerConfig(port=0, allow_network=True, api_key="k"))
    exposed.start()
    try:
        assert exposed.config.bind_host() == "0.0.0.0"
        assert httpx2.get(f"{exposed.url}/models").status_code == 401
        assert httpx2.get(f"{exposed.url}/models", headers={"Authorization": "Bearer k"}).status_code == 200
    finally:
        exposed.stop()


def test_stopping_mid_stream_cancels_the_answer_on_the_engine(watched: WatchedHost, engine: InferenceController) -> None:
    watched.hold_first_token = True
    server = ApiServer(watched, ServerConfig(port=0))
    server.start()
    first_chunk = threading.Event()
    assert engine.model is not None

    def read_stream() -> str:
        client = openai.OpenAI(base_url=server.url, api_key="none", max_retries=0, timeout=60)
        pieces: list[str] = []
        try:
            for chunk in client.chat.completions.create(model=model_id(engine.model), messages=LONG_ANSWER,  # type: ignore[arg-type]
                                                        temperature=0.0, max_tokens=400, stream=True):
                pieces.append(chunk.choices[0].delta.content or "" if chunk.choices else "")
                first_chunk.set()
        except (openai.APIError, httpx2.HTTPError):
            pass  # the server went away mid-answer: what a client sees when the user stops it
        finally:
            first_chunk.set()
            client.close()
        return "".join(pieces)

    with ThreadPoolExecutor(max_workers=1) as pool:
        reader = pool.submit(read_stream)
        assert first_chunk.wait(60)
        assert watched.sinks[-1].holding.wait(60)  # the engine is mid-answer
        server.stop()
        assert refuses_connections(server.port)
        assert reader.result(timeout=60) is not None
    assert watched.cancel_seen.wait(10), "the engine request must be cancelled when the server stops"
    assert watched.cancelled == watched.submitted[-1:]
    watched.assert_last_answer_was_cancelled()


def test_a_client_leaving_before_its_answer_cancels_it(server: ApiServer, watched: WatchedHost,
                                                       engine: InferenceController) -> None:
    assert engine.model is not None
    body = ('{"model": "%s", "max_tokens": 400, "temperature": 0, "messages": [{"role": "user", '
            '"content": "Count from one to two hundred in words."}]}' % model_id(engine.model)).encode()
    busy = HoldingSink()  # the user's own chat is answering
    engine.submit_to_sink(GenerateRequest((ChatMessage("user", "Hello"),), SamplingParams(max_tokens=2)), busy)
    assert busy.holding.wait(60)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            assert watched.submit_seen.wait(30)
        assert watched.cancel_seen.wait(10), "an abandoned request must not keep the engine busy"
        assert watched.cancelled == watched.submitted
    finally:
        busy.release.set()
    assert busy.ended.wait(60)
    watched.assert_last_answer_was_cancelled()
    assert watched.sinks[-1].stats.generated_tokens == 0  # type: ignore[union-attr]


def test_no_model_loaded_is_503(tmp_path: Path) -> None:
    idle = InferenceController(tmp_path / "engine.log", idle_timeout=30)
    server = ApiServer(idle, ServerConfig(port=0))
    server.start()
    try:
        with openai.OpenAI(base_url=server.url, api_key="none", max_retries=0) as client:
            assert client.models.list().data == []
            with pytest.raises(openai.InternalServerError) as caught:
                client.chat.completions.create(model="anything", messages=LONG_ANSWER)
        assert caught.value.status_code == 503
        assert caught.value.code == "model_not_loaded"
    finally:
        server.stop()
        idle.shutdown()

