"""Saved chat KV states on the real starter model: switching chats, restarts, damage, eviction, staleness.

Each test starts its own engine process, so the saved states live in that test's profile folder
(the engine finds the cache folder through ``GPT4ALL_DESKTOP_HOME``, which it inherits).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from gpt4all_desktop.core.engine_process import EngineClient
from gpt4all_desktop.core.kv_cache import MAX_BYTES_ENV, KvStateCache
from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, LoadRequest, SamplingParams
from gpt4all_desktop.core.paths import AppPaths
from tests.model_files import starter

pytestmark = pytest.mark.model

GREEDY = SamplingParams(temperature=0.0, max_tokens=6, seed=3)


def chat(topic: str) -> tuple[ChatMessage, ...]:
    """A chat of ~130 prompt tokens: long enough to be worth saving, short enough to read quickly."""
    return (ChatMessage("system", f"You are a patient teacher who explains {topic} simply. " * 10),
            ChatMessage("user", f"Tell me one fact about {topic}."))


def ask(client: EngineClient, messages: tuple[ChatMessage, ...], cid: str) -> tuple[str, GenerationStats]:
    pieces: list[str] = []
    stats = client.generate(GenerateRequest(messages, GREEDY, conversation_id=cid), pieces.append)
    return "".join(pieces), stats


def follow_up(messages: tuple[ChatMessage, ...], answer: str, question: str = "Why?") -> tuple[ChatMessage, ...]:
    return messages + (ChatMessage("assistant", answer), ChatMessage("user", question))


def start(tmp_path: Path, model: Path | None = None, context_length: int = 1024) -> EngineClient:
    client = EngineClient(tmp_path / f"engine-{id(object())}.log", idle_timeout=120)
    client.load(LoadRequest(str(model or starter()), context_length=context_length, threads=1))
    return client


@pytest.fixture
def clients(tmp_path: Path) -> Iterator[list[EngineClient]]:
    started: list[EngineClient] = []
    yield started
    for client in started:
        client.stop()
    assert not any(c.alive for c in started)


def kv_files() -> list[Path]:
    folder = AppPaths.default().kv_cache_dir
    return sorted(folder.glob("*.kv")) if folder.is_dir() else []


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Saves are written by the engine in the background, just after the answer is sent."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the engine did not write its saved state in time"
        time.sleep(0.02)


def saved(cid: str) -> Path:
    """Where the cache keeps ``cid``'s state (the file may or may not exist)."""
    return KvStateCache(AppPaths.default().kv_cache_dir).path_for(cid)


def assert_only_new_tokens_read(stats: GenerationStats, previous_prompt_tokens: int) -> None:
    new_tokens = stats.prompt_tokens - previous_prompt_tokens
    assert stats.prompt_tokens_evaluated <= new_tokens + 8, stats
    assert stats.prompt_tokens_evaluated < stats.prompt_tokens / 3, stats


def assert_everything_read(stats: GenerationStats) -> None:
    # All but the few opening tokens every chat here shares with the live context.
    assert stats.prompt_tokens_evaluated >= stats.prompt_tokens * 0.85, stats


def test_switching_chats_and_back_reads_only_the_new_turn(tmp_path: Path, clients: list[EngineClient]) -> None:
    client = start(tmp_path)
    clients.append(client)
    rivers = chat("rivers")
    answer, first = ask(client, rivers, "chat-rivers")
    assert_everything_read(first)
    _, other = ask(client, chat("volcanoes"), "chat-volcanoes")  # replaces the live context
    assert other.prompt_tokens_evaluated > other.prompt_tokens / 2
    wait_until(lambda: len(kv_files()) == 2)

    _, back = ask(client, follow_up(rivers, answer), "chat-rivers")
    assert_only_new_tokens_read(back, first.prompt_tokens)

    # The same history under an unknown chat id has nothing saved: it is read in full.
    ask(client, chat("volcanoes"), "chat-volcanoes")
    _, cold = ask(client, follow_up(rivers, answer), "never-saved")
    assert_everything_read(cold)


def test_saved_state_survives_a_new_engine_process(tmp_path: Path, clients: list[EngineClient]) -> None:
    first_client = start(tmp_path)
    clients.append(first_client)
    rivers = chat("rivers")
    answer, first = ask(first_client, rivers, "chat-rivers")
    first_client.stop()  # the engine finishes writing before it exits
    assert len(kv_files()) == 1

    second_client = start(tmp_path)
    clients.append(second_client)
    _, again = ask(second_client, follow_up(rivers, answer), "chat-rivers")
    assert_only_new_tokens_read(again, first.prompt_tokens)


def test_damaged_saved_state_is_ignored_and_rebuilt(tmp_path: Path, clients: list[EngineClient]) -> None:
    client = start(tmp_path)
    clients.append(client)
    rivers = chat("rivers")
    answer, first = ask(client, rivers, "chat-rivers")
    ask(client, chat("volcanoes"), "chat-volcanoes")
    client.stop()  # make sure both files are complete before damaging one
    rivers_file = saved("chat-rivers")
    data = bytearray(rivers_file.read_bytes())
    middle = len(data) - 1000  # inside the state bytes, past header and tokens
    data[middle:middle + 16] = bytes(16)
    rivers_file.write_bytes(bytes(data))

    client = start(tmp_path)
    clients.append(client)
    text, damaged = ask(client, follow_up(rivers, answer), "chat-rivers")
    assert_everything_read(damaged)  # the damaged state was not used ...
    assert text.strip()  # ... and the answer came anyway

    # It was rebuilt from this answer: after a detour, the chat is restored again.
    ask(client, chat("volcanoes"), "chat-volcanoes")
    _, restored = ask(client, follow_up(follow_up(rivers, answer), text, "And then?"), "chat-rivers")
    assert_only_new_tokens_read(restored, damaged.prompt_tokens)


def test_size_cap_evicts_least_recently_used(tmp_path: Path, clients: list[EngineClient],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    probe = start(tmp_path)
    clients.append(probe)
    ask(probe, chat("topic zero"), "probe")
    probe.stop()
    one_entry = saved("probe").stat().st_size
    saved("probe").unlink()
    # Room for two saved chats, not three (a chat with one more turn is ~1.3 entries).
    monkeypatch.setenv(MAX_BYTES_ENV, str(2.6 * one_entry / (1024 * 1024)))

    client = start(tmp_path)
    clients.append(client)
    first = {cid: ask(client, chat(f"topic {cid}"), cid) for cid in ("a", "b", "c")}
    wait_until(lambda: saved("c").exists() and not saved("a").exists())  # the least recently used went
    assert saved("b").exists()

    # Using "b" again makes "c" the least recently used chat, so a new chat evicts "c", not "b".
    _, used = ask(client, follow_up(chat("topic b"), first["b"][0]), "b")
    assert_only_new_tokens_read(used, first["b"][1].prompt_tokens)  # restored, not re-read
    ask(client, chat("topic d"), "d")
    wait_until(lambda: saved("d").exists() and not saved("c").exists())
    assert saved("b").exists()


def test_other_context_length_or_model_does_not_use_the_entry(tmp_path: Path, clients: list[EngineClient]) -> None:
    client = start(tmp_path, context_length=1024)
    clients.append(client)
    rivers = chat("rivers")
    answer, _ = ask(client, rivers, "chat-rivers")
    client.stop()

    shorter = start(tmp_path, context_length=512)
    clients.append(shorter)
    _, other_ctx = ask(shorter, follow_up(rivers, answer), "chat-rivers")
    assert_everything_read(other_ctx)
    shorter.stop()

    copy = tmp_path / "copy-of-starter.gguf"
    shutil.copyfile(starter(), copy)  # same weights, another file: its state is not trusted
    other = start(tmp_path, model=copy, context_length=512)
    clients.append(other)
    _, other_model = ask(other, follow_up(rivers, answer), "chat-rivers")
    assert_everything_read(other_model)
