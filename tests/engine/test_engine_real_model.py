"""The engine process on real models: streaming, stop, KV reuse, context overflow, fallbacks."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import pytest

from gpt4all_desktop.core.engine_process import EngineClient, EngineFailure
from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, LoadRequest, SamplingParams
from tests.model_files import gemma, starter

GREEDY = SamplingParams(temperature=0.0, max_tokens=48, seed=7)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    client = EngineClient(tmp_path_factory.mktemp("engine") / "engine.log", idle_timeout=60)
    client.load(LoadRequest(str(starter()), context_length=2048))
    yield client
    client.stop()
    assert not client.alive


def ask(client: EngineClient, messages: tuple[ChatMessage, ...], sampling: SamplingParams = GREEDY) -> tuple[str, object]:
    pieces: list[str] = []
    stats = client.generate(GenerateRequest(messages, sampling), pieces.append)
    return "".join(pieces), stats


def test_answer_streams_in_pieces_with_stats(engine: EngineClient) -> None:
    pieces: list[str] = []
    stats = engine.generate(GenerateRequest((ChatMessage("user", "Name three colours."),), GREEDY), pieces.append)
    assert len(pieces) > 3, "tokens should arrive one by one, not in one block"
    assert "".join(pieces).strip()
    assert stats.generated_tokens >= len(pieces) - 1
    assert stats.prompt_tokens > 5
    assert stats.time_to_first_token > 0
    assert stats.tokens_per_second > 0
    assert stats.stop_reason in ("eos", "max_tokens")


def test_model_facts_reported(engine: EngineClient) -> None:
    info = engine.model
    assert info is not None
    assert info.architecture == "llama"
    assert info.backend == "CPU"
    assert info.chat_template_source == "model"
    assert info.context_length == 2048
    assert info.trained_context_length == 8192


def test_follow_up_evaluates_only_new_tokens(engine: EngineClient) -> None:
    history: tuple[ChatMessage, ...] = (ChatMessage("system", "You are a helpful assistant. " * 40),
                                        ChatMessage("user", "Tell me about the moon."))
    first_text, first = ask(engine, history)
    assert first.prompt_tokens_evaluated > 200  # a new system prompt: (almost) everything is read
    follow = history + (ChatMessage("assistant", first_text), ChatMessage("user", "And the sun?"))
    _, second = ask(engine, follow)
    new_tokens = second.prompt_tokens - first.prompt_tokens
    assert second.prompt_tokens > 300
    # Only the new turn (plus the re-tokenized end of the last answer) is evaluated again.
    assert second.prompt_tokens_evaluated <= new_tokens + 8
    assert second.prompt_tokens_evaluated < second.prompt_tokens / 4


def test_stop_ends_the_answer_within_a_token(engine: EngineClient) -> None:
    rid = engine.new_request_id()
    seen: list[str] = []

    def on_token(text: str) -> None:
        seen.append(text)
        if len(seen) == 1:  # the first token is sent on its own, at once
            # Stop comes from another thread in the app (the GUI); do the same here.
            t = threading.Thread(target=engine.cancel, args=(rid,))
            t.start()
            t.join()

    stats = engine.generate(GenerateRequest((ChatMessage("user", "Count from one to one hundred in words."),),
                                            SamplingParams(temperature=0.0, max_tokens=400)), on_token, request_id=rid)
    assert stats.stop_reason == "cancelled"
    assert stats.generated_tokens <= 5
    # The engine is immediately ready for the next request.
    text, after = ask(engine, (ChatMessage("user", "Hi"),))
    assert after.generated_tokens > 0 and text


def test_korean_text_round_trips_without_broken_characters(engine: EngineClient) -> None:
    text, stats = ask(engine, (ChatMessage("user", "다음 문장을 그대로 반복하세요: 안녕하세요, 반갑습니다."),),
                      SamplingParams(temperature=0.0, max_tokens=40))
    assert stats.generated_tokens > 0
    assert "\ufffd" not in text  # multi-byte syllables split over tokens are decoded whole


def test_stop_sequence_is_not_shown(engine: EngineClient) -> None:
    text, stats = ask(engine, (ChatMessage("user", "Count: 1, 2, 3, 4, 5, 6, 7, 8"),),
                      SamplingParams(temperature=0.0, max_tokens=60, stop=("5",)))
    if stats.stop_reason == "stop_sequence":
        assert "5" not in text
    else:  # the model never wrote a 5; then the stop string cannot have been hit
        assert "5" not in text or stats.stop_reason != "stop_sequence"


def test_context_overflow_drops_oldest_turns(tmp_path: Path) -> None:
    client = EngineClient(tmp_path / "engine.log", idle_timeout=60)
    try:
        client.load(LoadRequest(str(starter()), context_length=256))
        history: list[ChatMessage] = [ChatMessage("system", "Be brief.")]
        for i in range(12):
            history.append(ChatMessage("user", f"Question number {i}: what is {i} plus {i}?"))
            history.append(ChatMessage("assistant", f"The answer to question {i} is {2 * i}. " * 2))
        history.append(ChatMessage("user", "What was my last question?"))
        text, stats = ask(client, tuple(history), SamplingParams(temperature=0.0, max_tokens=32))
        assert stats.dropped_messages > 0
        assert stats.prompt_tokens <= 256
        assert stats.generated_tokens > 0
        # A single message bigger than the whole window is a clear error, and the engine stays usable.
        with pytest.raises(EngineFailure, match="too long for this model's context window"):
            ask(client, (ChatMessage("user", "word " * 2000),))
        assert client.alive
        assert ask(client, (ChatMessage("user", "Hello"),))[1].generated_tokens > 0
    finally:
        client.stop()


def test_base_model_without_template_falls_back_and_answers(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    cache = Path(str(pytestconfig.cache.mkdir("models")))
    client = EngineClient(tmp_path / "engine.log", idle_timeout=120)
    try:
        info = client.load(LoadRequest(str(gemma(cache)), context_length=1024))
        assert info.architecture.startswith("gemma")
        assert info.chat_template_source.startswith("fallback:")
        assert "no chat template" in info.template_note
        text, stats = ask(client, (ChatMessage("user", "Write one sentence about the sea."),),
                          SamplingParams(temperature=0.7, max_tokens=40, seed=3))
        assert stats.generated_tokens > 0
        assert text.strip(), "a base model must not silently return an empty answer"
    finally:
        client.stop()
