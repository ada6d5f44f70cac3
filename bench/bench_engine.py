"""Time to first token for follow-ups, after switching chats, and after restarting the engine.

Drives the engine process through :class:`EngineClient`, exactly as the inference worker does,
with the window's request shape (the chat's id as ``conversation_id``). Ratios:

* ``followup_ttft_ratio``: a chat opens with ~1,500 tokens (a pasted document and a question);
  its first turn reads them all. The next turn's time to first token over the first turn's.
* ``restore_ttft_ratio``: the same chat continued after another chat took the context, and
  after the engine process was restarted (its saved KV state is read from disk), over a cold
  read of the same history (a chat with nothing saved). The worse of the two is the value.

Between turns the bench pauses for a second, as a person reading the answer would; the engine
saves the chat's state in that time.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.common import CONTEXT_LENGTH, Figure, log, model_path

os.environ.setdefault("GPT4ALL_DESKTOP_HOME", tempfile.mkdtemp(prefix="gpt4all-bench-"))

from gpt4all_desktop.core.engine_process import EngineClient  # noqa: E402
from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, LoadRequest, SamplingParams  # noqa: E402

ANSWER = SamplingParams(temperature=0.0, max_tokens=24, seed=5)
READING_PAUSE_S = 1.0

TOPICS = ("harbour", "orchard", "railway", "library", "glacier", "market", "observatory", "vineyard")


def document(words: int, seed: int) -> str:
    """Plain prose of roughly ``words`` words (about 1.3 tokens each), different per seed."""
    parts = []
    for i in range(words // 12):
        topic = TOPICS[(i * 7 + seed) % len(TOPICS)]
        parts.append(f"Section {i + 1}: the {topic} near town {seed} changed in year {1900 + i * 3 + seed}.")
    return " ".join(parts)


def ask(client: EngineClient, messages: tuple[ChatMessage, ...], cid: str) -> tuple[str, GenerationStats]:
    pieces: list[str] = []
    stats = client.generate(GenerateRequest(messages, ANSWER, conversation_id=cid), pieces.append)
    time.sleep(READING_PAUSE_S)
    return "".join(pieces), stats


def start(log_dir: Path) -> EngineClient:
    client = EngineClient(log_dir / "engine.log")
    client.load(LoadRequest(str(model_path()), context_length=CONTEXT_LENGTH))
    return client


def run() -> list[Figure]:
    log_dir = Path(tempfile.mkdtemp(prefix="gpt4all-bench-engine-"))
    client = start(log_dir)
    try:
        chat = (ChatMessage("user", document(880, 1) + "\n\nSummarise the history of the harbour in one line."),)
        answer, first = ask(client, chat, "chat-a")
        chat += (ChatMessage("assistant", answer), ChatMessage("user", "And the railway?"))
        answer, follow = ask(client, chat, "chat-a")
        log(f"  first turn: {first.prompt_tokens} tokens, TTFT {first.time_to_first_token * 1000:.0f} ms; "
            f"follow-up: {follow.prompt_tokens_evaluated} evaluated, TTFT {follow.time_to_first_token * 1000:.0f} ms")

        # Another chat takes the context; then back to the first one.
        ask(client, (ChatMessage("user", document(200, 2) + "\n\nWhat happened to the orchard?"),), "chat-b")
        chat += (ChatMessage("assistant", answer), ChatMessage("user", "And the library?"))
        answer, switched = ask(client, chat, "chat-a")

        # The same history in a chat with nothing saved: the cold re-read the feature avoids.
        ask(client, (ChatMessage("user", document(200, 3) + "\n\nWhat happened to the market?"),), "chat-c")
        _, cold = ask(client, chat, "chat-never-saved")

        # A restarted engine (the app was closed and opened again).
        client.stop()
        client = start(log_dir)
        chat += (ChatMessage("assistant", answer), ChatMessage("user", "And the glacier?"))
        _, restarted = ask(client, chat, "chat-a")
        log(f"  cold: {cold.prompt_tokens_evaluated} evaluated, TTFT {cold.time_to_first_token * 1000:.0f} ms; "
            f"switched back: {switched.prompt_tokens_evaluated} evaluated, TTFT {switched.time_to_first_token * 1000:.0f} ms; "
            f"restarted: {restarted.prompt_tokens_evaluated} evaluated, TTFT {restarted.time_to_first_token * 1000:.0f} ms")
    finally:
        client.stop()

    def facts(s: GenerationStats) -> dict[str, float]:
        return {"prompt_tokens": s.prompt_tokens, "evaluated": s.prompt_tokens_evaluated,
                "ttft_ms": s.time_to_first_token * 1000}

    switch_ratio = switched.time_to_first_token / cold.time_to_first_token
    restart_ratio = restarted.time_to_first_token / cold.time_to_first_token
    return [
        Figure("followup_ttft_ratio", follow.time_to_first_token / first.time_to_first_token, 0.05, "max",
               baseline=first.time_to_first_token * 1000, unit="ratio",
               details={"first_turn": facts(first), "follow_up": facts(follow), "reading_pause_s": READING_PAUSE_S}),
        Figure("restore_ttft_ratio", max(switch_ratio, restart_ratio), 0.10, "max",
               baseline=cold.time_to_first_token * 1000, unit="ratio",
               details={"switch_ratio": switch_ratio, "restart_ratio": restart_ratio, "cold": facts(cold),
                        "switched_back": facts(switched), "after_restart": facts(restarted)}),
    ]


if __name__ == "__main__":
    import json
    import multiprocessing

    multiprocessing.freeze_support()
    for f in run():
        print(f.name, json.dumps(f.as_json(), default=str))
