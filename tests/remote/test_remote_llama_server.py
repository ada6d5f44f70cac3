"""Remote engine against a real OpenAI-compatible server: llama-cpp-python's, with the starter model.

One server per module, started with an API key (so a wrong key can be tried), is shared by the
tests; the last test kills it mid-answer. The path of a cut answer through the inference worker
is covered with the fake server, which cuts on demand without a restart."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Iterator

import pytest

from gpt4all_desktop.core.engine_api import ChatEngine
from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, LoadRequest, ModelInfo, SamplingParams
from gpt4all_desktop.core.remote_engine import (
    RemoteAuthError,
    RemoteEndpoint,
    RemoteEngine,
    RemoteStreamCut,
    RemoteUnreachable,
    remote_model_path,
)
from gpt4all_desktop.workers.inference_worker import InferenceController
from tests.remote.llama_server import LlamaServer, free_port

pytestmark = pytest.mark.model

KEY = "sk-test-7f3c9a1e5b"
STORY = (ChatMessage("user", "Write a long story about a lighthouse keeper and her cat."),)


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    srv = LlamaServer(tmp_path_factory.mktemp("llama") / "server.log", api_key=KEY).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def server(module_server: LlamaServer) -> LlamaServer:
    """The module's server, restarted if an earlier test ended it."""
    if not module_server.running:
        module_server.stop()
        module_server.start()
    return module_server


def engine_for(server: LlamaServer, engine_id: str = "box") -> RemoteEngine:
    return RemoteEngine(engine_id, RemoteEndpoint(server.base_url, api_key=KEY), "Test box")


def loaded(server: LlamaServer, engine_id: str = "box") -> RemoteEngine:
    engine = engine_for(server, engine_id)
    engine.load(LoadRequest(remote_model_path(engine_id, server.model)))
    return engine


def test_lists_the_servers_model_with_the_right_key(server: LlamaServer) -> None:
    models = engine_for(server).list_models()
    assert [m.id for m in models] == [server.model]
    assert models[0].display_name == Path(server.model).stem


def test_load_describes_the_remote_model(server: LlamaServer) -> None:
    engine = engine_for(server)
    assert isinstance(engine, ChatEngine)
    info = engine.load(LoadRequest(remote_model_path("box", server.model), context_length=1024))
    assert info.backend == f"Remote (127.0.0.1:{server.port})"
    assert info.name == Path(server.model).stem
    assert info.path == remote_model_path("box", server.model)
    assert engine.model == info


def test_streams_an_answer_with_timings(server: LlamaServer) -> None:
    engine = loaded(server)
    pieces: list[str] = []
    stats = engine.generate(GenerateRequest(STORY, SamplingParams(max_tokens=12, temperature=0.0)), pieces.append)
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert stats.stop_reason in ("max_tokens", "eos")
    assert stats.generated_tokens == len(pieces)
    assert 0 < stats.time_to_first_token <= stats.total_seconds
    assert stats.tokens_per_second > 0


def test_stop_closes_the_stream_and_the_server_keeps_serving(server: LlamaServer) -> None:
    engine = loaded(server)
    pieces: list[str] = []
    started = threading.Event()

    def on_token(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 3:
            started.set()

    stopper = threading.Thread(target=lambda: started.wait(60) and engine.cancel(41))
    stopper.start()
    try:
        stats = engine.generate(GenerateRequest(STORY, SamplingParams(max_tokens=400)), on_token, request_id=41)
    finally:
        stopper.join(10)
    assert stats.stop_reason == "cancelled"
    assert 3 <= stats.generated_tokens < 400
    again: list[str] = []
    after = engine.generate(GenerateRequest(STORY, SamplingParams(max_tokens=4)), again.append, request_id=42)
    assert again and after.stop_reason in ("max_tokens", "eos")


def test_cancel_before_start_answers_nothing(server: LlamaServer) -> None:
    engine = loaded(server)
    engine.cancel(77)
    pieces: list[str] = []
    stats = engine.generate(GenerateRequest(STORY), pieces.append, request_id=77)
    assert stats.stop_reason == "cancelled" and not pieces


# ------------------------------------------------------------- through the app's worker
@pytest.fixture
def controller(tmp_path: Path) -> Iterator[InferenceController]:
    c = InferenceController(tmp_path / "engine.log", idle_timeout=60)
    yield c
    c.shutdown()
    assert c._thread.isFinished()


def test_chat_through_the_inference_controller(qtbot, server: LlamaServer, controller: InferenceController) -> None:
    controller.worker.register_remote("box", engine_for(server))
    path = remote_model_path("box", server.model)
    with qtbot.waitSignal(controller.modelLoaded, timeout=30000) as loaded_signal:
        controller.load(LoadRequest(path))
    info: ModelInfo = loaded_signal.args[0]
    assert info.backend.startswith("Remote (") and info.path == path
    assert not controller.worker.client.alive, "a remote model must not start the local engine"

    received: list[str] = []
    controller.tokens.connect(received.append)
    with qtbot.waitSignal(controller.finished, timeout=60000) as done:
        controller.generate(GenerateRequest(STORY, SamplingParams(max_tokens=10, temperature=0.0)))
    stats: GenerationStats = done.args[0]
    assert "".join(received).strip()
    assert stats.time_to_first_token > 0 and stats.generated_tokens >= 1

    received.clear()
    controller.tokens.connect(lambda _t: controller.stop())  # Stop as soon as the first batch shows
    with qtbot.waitSignal(controller.finished, timeout=60000) as stopped:
        controller.generate(GenerateRequest(STORY, SamplingParams(max_tokens=400)))
    assert stopped.args[0].stop_reason == "cancelled"
    assert stopped.args[0].generated_tokens < 400


def test_a_wrong_key_is_refused_with_a_clear_message(server: LlamaServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    engine = RemoteEngine("box", RemoteEndpoint(server.base_url, api_key="sk-wrong-123456"))
    with pytest.raises(RemoteAuthError) as err:
        engine.list_models()
    assert "refused the API key" in str(err.value) and "401" in str(err.value)
    with pytest.raises(RemoteAuthError) as err:
        engine.load(LoadRequest(remote_model_path("box", server.model)))
    assert "sk-wrong-123456" not in caplog.text


def test_a_missing_key_asks_for_one(server: LlamaServer) -> None:
    with pytest.raises(RemoteAuthError, match="needs an API key"):
        RemoteEngine("box", RemoteEndpoint(server.base_url)).list_models()


def test_server_killed_mid_answer_keeps_the_partial_text(server: LlamaServer) -> None:
    engine = RemoteEngine("box", RemoteEndpoint(server.base_url, api_key=KEY))
    engine.load(LoadRequest(remote_model_path("box", server.model)))
    pieces: list[str] = []

    def on_token(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 3:
            server.kill()  # SIGKILL: no orderly end of the stream

    with pytest.raises(RemoteStreamCut) as err:
        engine.generate(GenerateRequest(STORY, SamplingParams(max_tokens=400)), on_token)
    assert len(pieces) >= 3
    assert err.value.partial_text == "".join(pieces)
    assert "partial answer is kept" in str(err.value)
    with pytest.raises(RemoteUnreachable, match="Nothing is listening"):
        engine.generate(GenerateRequest(STORY), pieces.append)


def test_unreachable_port() -> None:
    port = free_port()  # bound and released: nothing listens there now
    engine = RemoteEngine("gone", RemoteEndpoint(f"http://127.0.0.1:{port}/v1"))
    with pytest.raises(RemoteUnreachable) as err:
        engine.list_models()
    assert f"127.0.0.1:{port}" in str(err.value) and "Nothing is listening" in str(err.value)
