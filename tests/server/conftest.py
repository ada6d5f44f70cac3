"""Server fixtures: one real inference controller with the starter model for the whole folder,
an API server in front of it, and openai clients that never retry behind a test's back."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Iterator

import openai
import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer, SignalInstance

from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, LoadRequest, ModelInfo, SamplingParams
from gpt4all_desktop.server import ApiServer, RequestRecord, ServerConfig
from gpt4all_desktop.workers.inference_worker import InferenceController
from tests.model_files import starter

API_KEY = "local-test-key"
CONTEXT = 2048
LOAD_TIMEOUT_MS = 120_000


def starter_request() -> LoadRequest:
    # One thread: the test machine's few cores are shared with other test processes, and
    # llama.cpp's threads spin-wait on each other when the cores are oversubscribed.
    return LoadRequest(str(starter()), context_length=CONTEXT, threads=1)


class _DoneSink:
    def __init__(self) -> None:
        self.done = threading.Event()

    def on_token(self, text: str) -> None:
        pass

    def on_done(self, stats: GenerationStats, model: ModelInfo | None) -> None:
        self.done.set()

    def on_error(self, message: str) -> None:
        self.done.set()


def drain(controller: InferenceController, timeout: float = 60.0) -> None:
    """Wait until the worker has finished everything queued so far (requests run in order)."""
    sink = _DoneSink()
    controller.submit_to_sink(GenerateRequest((ChatMessage("user", "Hi"),), SamplingParams(max_tokens=1)), sink)
    assert sink.done.wait(timeout), "the inference worker did not finish its queue"


def wait_for(signals: list[SignalInstance], timeout_ms: int) -> tuple[int, tuple[object, ...]] | None:
    """Run the event loop until one of ``signals`` fires; (which, arguments) or None on timeout.

    For session fixtures, where the function-scoped qtbot is not available."""
    loop = QEventLoop()
    got: list[tuple[int, tuple[object, ...]]] = []
    handlers = []
    for index, signal in enumerate(signals):
        def handler(*args: object, index: int = index) -> None:
            got.append((index, args))
            loop.quit()
        signal.connect(handler)
        handlers.append((signal, handler))
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    loop.exec()
    timer.stop()
    for signal, handler in handlers:
        signal.disconnect(handler)
    return got[0] if got else None


def load_starter(controller: InferenceController) -> None:
    controller.load(starter_request())
    result = wait_for([controller.modelLoaded, controller.loadFailed], LOAD_TIMEOUT_MS)
    assert result is not None, "the starter model did not load in time"
    assert result[0] == 0, f"the starter model failed to load: {result[1]}"


def stop_engine_left_running(controller: InferenceController) -> None:
    """``InferenceController.shutdown`` quits the worker thread's event loop right after queueing
    the worker's shutdown, so when the worker is still finishing a request the shutdown slot
    never runs and the engine process stays up. The thread has ended by now, so stopping the
    engine from here is safe."""
    if controller.worker.client.alive:
        controller.worker.client.stop()


@pytest.fixture(scope="session")
def engine(qapp: QCoreApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[InferenceController]:
    """The app's inference controller with the starter model loaded (shared: loading costs seconds)."""
    controller = InferenceController(tmp_path_factory.mktemp("server-engine") / "engine.log", idle_timeout=60)
    try:
        load_starter(controller)
        yield controller
    finally:
        drain(controller)
        controller.shutdown()
        stop_engine_left_running(controller)
        assert not controller.worker.client.alive, "the engine process must stop"


@dataclass
class Running:
    server: ApiServer
    records: list[RequestRecord] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, api_key: str = API_KEY, **kwargs: object) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.url, api_key=api_key, max_retries=0, timeout=120, **kwargs)


@pytest.fixture(scope="session")
def api(engine: InferenceController) -> Iterator[Running]:
    """An API server with a key, in front of the loaded starter model, on a free port."""
    records: list[RequestRecord] = []
    server = ApiServer(engine, ServerConfig(port=0, api_key=API_KEY), on_request=records.append)
    server.start()
    try:
        yield Running(server, records)
    finally:
        server.stop()
        assert not server.running


@pytest.fixture
def client(api: Running) -> Iterator[openai.OpenAI]:
    c = api.client()
    yield c
    c.close()
