"""Broken models never take the app down: a clear message, a restarted engine, and a working chat."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from gpt4all_desktop.core.engine_process import EngineClient, EngineCrashed, EngineFailure, EngineHung
from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, LoadRequest, SamplingParams
from tests.model_files import random_bytes, starter, truncated, with_metadata


@pytest.fixture
def client(tmp_path: Path) -> Iterator[EngineClient]:
    c = EngineClient(tmp_path / "engine.log", idle_timeout=60)
    yield c
    c.stop()


def chats_fine(c: EngineClient) -> None:
    """After any failure, a good model loads and answers."""
    c.load(LoadRequest(str(starter()), context_length=512))
    pieces: list[str] = []
    stats = c.generate(GenerateRequest((ChatMessage("user", "Hello"),), SamplingParams(max_tokens=8)), pieces.append)
    assert stats.generated_tokens > 0 and "".join(pieces)


def test_missing_file(client: EngineClient, tmp_path: Path) -> None:
    with pytest.raises(EngineFailure, match="not found"):
        client.load(LoadRequest(str(tmp_path / "nope.gguf")))
    assert client.alive
    chats_fine(client)


def test_random_bytes_named_gguf(client: EngineClient, tmp_path: Path) -> None:
    with pytest.raises(EngineFailure, match="not a GGUF model file"):
        client.load(LoadRequest(str(random_bytes(tmp_path / "random.gguf"))))
    assert client.alive
    chats_fine(client)


def test_truncated_gguf_names_the_reason(client: EngineClient, tmp_path: Path) -> None:
    bad = truncated(starter(), tmp_path / "truncated.gguf")
    with pytest.raises(EngineFailure) as err:
        client.load(LoadRequest(str(bad)))
    message = str(err.value)
    assert "truncated.gguf" in message
    assert "damaged, truncated" in message
    # llama.cpp's own reason is captured, not just "Failed to load model from file".
    assert "(" in message and len(message) > 80
    chats_fine(client)


def test_metadata_that_makes_llama_cpp_abort(client: EngineClient, tmp_path: Path) -> None:
    bad = with_metadata(starter(), tmp_path / "zero-blocks.gguf", "llama.block_count", 0)
    chats_fine(client)  # a good model first: the crash must not leave it half-alive either
    first_pid = client.pid
    with pytest.raises(EngineCrashed) as err:
        client.load(LoadRequest(str(bad), context_length=512))
    message = str(err.value)
    assert "zero-blocks.gguf" in message
    assert "crashed while loading" in message
    assert "restarted" in message
    assert "GGML_ASSERT" in message and "n_layer" in message  # llama.cpp's own words, captured
    chats_fine(client)
    assert client.pid != first_pid


def test_template_that_never_finishes_is_ended_by_the_watchdog(tmp_path: Path) -> None:
    c = EngineClient(tmp_path / "engine.log", idle_timeout=4)
    try:
        looping = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}x"
        c.load(LoadRequest(str(starter()), context_length=512, chat_template_override=looping))
        with pytest.raises(EngineHung, match="stopped responding"):
            c.generate(GenerateRequest((ChatMessage("user", "Hi"),)), lambda t: None)
        assert not c.alive
        c.idle_timeout = 60  # a busy machine must not look hung while the good model answers
        chats_fine(c)
    finally:
        c.stop()


def test_template_that_renders_huge_output_is_capped(client: EngineClient) -> None:
    huge = "{% for a in range(100000) %}{{ 'x' * 100000 }}{% endfor %}"
    client.load(LoadRequest(str(starter()), context_length=512, chat_template_override=huge))
    with pytest.raises(EngineFailure, match="larger than"):
        client.generate(GenerateRequest((ChatMessage("user", "Hi"),)), lambda t: None)
    assert client.alive


def test_abort_while_answering_is_survived(client: EngineClient) -> None:
    chats_fine(client)
    with pytest.raises(EngineCrashed, match="SIGABRT"):
        client.request("crash_for_test", "never")
    chats_fine(client)


def test_model_that_aborts_only_when_answering(client: EngineClient, tmp_path: Path) -> None:
    bad = with_metadata(starter(), tmp_path / "nan-eps.gguf", "llama.attention.layer_norm_rms_epsilon", float("nan"))
    info = client.load(LoadRequest(str(bad), context_length=512))  # loads fine...
    assert info.name
    with pytest.raises(EngineCrashed) as err:  # ...and aborts at its first reply
        client.generate(GenerateRequest((ChatMessage("user", "Hi"),), SamplingParams(max_tokens=8)), lambda t: None)
    message = str(err.value)
    assert "crashed while answering nan-eps.gguf" in message
    assert "eps" in message
    assert client.model is None
    chats_fine(client)
