"""The worker's request ids: a new request supersedes a running one, whose late results are dropped."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, LoadRequest, SamplingParams
from gpt4all_desktop.workers.inference_worker import InferenceController
from tests.model_files import starter


def test_new_request_supersedes_the_running_one(qtbot: QtBot, controller: InferenceController) -> None:
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        controller.load(LoadRequest(str(starter()), context_length=1024))
    finished: list[object] = []
    texts: list[str] = []
    controller.finished.connect(finished.append)
    controller.tokens.connect(texts.append)
    long = GenerateRequest((ChatMessage("user", "Write a very long story about the ocean."),),
                           SamplingParams(temperature=0.0, max_tokens=400))
    short = GenerateRequest((ChatMessage("user", "Say yes."),), SamplingParams(temperature=0.0, max_tokens=6))
    first = controller.generate(long)
    qtbot.waitUntil(lambda: bool(texts), timeout=30_000)  # the long answer is streaming
    texts.clear()
    with qtbot.waitSignal(controller.finished, timeout=60_000) as done:
        second = controller.generate(short)
    assert second > first
    # Only the new request's result arrives; the superseded one was stopped and dropped.
    assert finished == [done.args[0]]
    assert done.args[0].generated_tokens <= 6
    qtbot.wait(200)
    assert len(finished) == 1
