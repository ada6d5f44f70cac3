"""Figures measured in the real window: decode throughput, GUI responsiveness, opening long chats.

One process holds the real :class:`MainWindow` with its :class:`InferenceController` (worker thread
and engine process, the path every answer takes: engine → pipe → worker → signals → view), its
chat history database (chats are opened through the sidebar's signal, loaded by the storage
thread and shown by the chat view) and, for
the decode baseline, a plain ``llama_cpp.Llama`` built with the engine's own parameters, fed the very
same prompt tokens and greedy settings. Raw and app runs alternate so machine drift hits both.
"""

from __future__ import annotations

import os
import random
from dataclasses import replace
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from bench.common import GREEDY, Figure, log, median, model_path, percentile

os.environ.setdefault("GPT4ALL_DESKTOP_HOME", tempfile.mkdtemp(prefix="gpt4all-bench-"))

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from gpt4all_desktop.core.messages import ChatMessage, GenerationStats, LoadRequest  # noqa: E402
from gpt4all_desktop.core.paths import AppPaths  # noqa: E402
from gpt4all_desktop.core.storage import ChatStore  # noqa: E402
from gpt4all_desktop.core.storage.models import now_ms  # noqa: E402
from gpt4all_desktop.ui.main_window import MainWindow  # noqa: E402
from gpt4all_desktop.workers.inference_worker import InferenceController  # noqa: E402
from gpt4all_desktop.workers.storage_worker import StorageClient  # noqa: E402

WINDOW_CONTEXT = 1024  # keeps the 2,000-message chat's prompt (trimmed to fit) quick to read
GAP_SAMPLING = replace(GREEDY, max_tokens=80)
PROMPT = "Write a long, detailed story about a lighthouse keeper who finds a message in a bottle."
ROUNDS = 3


def wait(signal: Any, timeout_s: float, what: str) -> tuple[Any, ...]:
    """Run the event loop until ``signal`` fires; returns its arguments."""
    loop = QEventLoop()
    got: list[tuple[Any, ...]] = []

    def done(*args: Any) -> None:
        got.append(args)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(done)
    if not got:
        raise RuntimeError(f"timed out waiting for {what}")
    return got[0]


def wait_ms(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class WindowBench:
    """The real window and engine, plus a raw llama-cpp-python baseline in the same process."""

    def __init__(self) -> None:
        self.app = QApplication.instance() or QApplication(["bench"])
        self.paths = AppPaths.default().ensure()
        self.chats = fill_chats(self.paths.database_path, {"short": 20, "long": 2000, "long2": 2000})
        self.controller = InferenceController(self.paths.log_dir / "engine.log")
        self.storage = StorageClient(self.paths.database_path)
        self.window = MainWindow(self.controller, self.storage, self.paths.models_dir,
                                 self.paths.config_dir / "window.ini", sampling=GREEDY,
                                 load_request=LoadRequest("", context_length=WINDOW_CONTEXT))
        self.window.resize(1100, 720)
        self.window.show()
        self.window.load_model(str(model_path()))
        info = wait(self.controller.modelLoaded, 300, "the model to load")[0]
        self.threads = info.threads
        self._raw: Any = None
        self._raw_engine: Any = None

    def close(self) -> None:
        self.window.close()
        self.controller.shutdown()
        self.storage.shutdown()
        if self._raw_engine is not None:
            self._raw_engine.unload()

    # ----------------------------------------------------------- baseline
    def raw(self) -> tuple[Any, list[int]]:
        """A plain ``Llama`` with the engine's parameters and the app's prompt tokens."""
        if self._raw is None:
            from gpt4all_desktop.core.llama_engine import LlamaEngine

            engine = LlamaEngine()
            engine.load(LoadRequest(str(model_path()), context_length=WINDOW_CONTEXT, threads=self.threads))
            llm = engine._llm
            del llm.eval  # drop the engine's counting wrapper: this is llama-cpp-python as shipped
            reserve = min(max(GREEDY.max_tokens, 16), WINDOW_CONTEXT // 4)
            tokens, _ = engine.format_prompt((ChatMessage("user", PROMPT),), reserve)
            self._raw_engine, self._raw = engine, (llm, tokens)
        return self._raw

    def raw_run(self) -> tuple[int, float]:
        """Generate like the engine does (same sampler, detokenized per token); returns tokens, seconds."""
        import llama_cpp

        llm, tokens = self.raw()
        vocab = llm._model.vocab
        s = GREEDY
        llm.set_seed(s.seed)
        llm.last_n_tokens_size = s.repeat_last_n
        n = 0
        started = time.perf_counter()
        for token in llm.generate(tokens, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, temp=s.temperature,
                                  repeat_penalty=s.repeat_penalty):
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                break
            n += 1
            llm.detokenize([token])
            if n >= s.max_tokens:
                break
        return n, time.perf_counter() - started

    # ------------------------------------------------------------ app runs
    def app_run(self, text: str = PROMPT, on_token: Callable[[], None] | None = None) -> tuple[GenerationStats, float, float]:
        """Send ``text`` in the current chat; returns stats, seconds to the last shown batch, to the first."""
        times: list[float] = []

        def shown(_text: str) -> None:  # connected after the window's slot: runs once the view has the text
            times.append(time.perf_counter())
            if on_token is not None:
                on_token()

        self.controller.tokens.connect(shown)
        started = time.perf_counter()
        self.window.send(text)
        stats = wait(self.window.answerFinished, 300, "the answer")[0]
        self.controller.tokens.disconnect(shown)
        if not times:
            raise RuntimeError(f"no text reached the view: {stats}")
        return stats, times[-1] - started, times[0] - started

    def new_chat(self) -> None:
        self.window.new_chat_action.trigger()
        QApplication.processEvents()

    def open_chat(self, chat_id: int) -> None:
        """Open a saved chat as a click in the sidebar does; returns once the view shows it."""
        self.window.sidebar.chatSelected.emit(chat_id)
        wait(self.window.session.chatLoaded, 60, "the chat to load")


def fill_chats(database: Path, sizes: dict[str, int]) -> dict[str, int]:
    """Saved chats of the given message counts, written in one transaction (recipes, Markdown lists)."""
    store = ChatStore.open(database)
    rng = random.Random(5)
    ids: dict[str, int] = {}
    now = now_ms()
    try:
        with store.db.transaction():
            for title, count in sizes.items():
                cursor = store.db.execute(
                    "INSERT INTO chats (title, title_is_auto, created_at, updated_at) VALUES (?, 0, ?, ?)",
                    (title, now, now))
                chat_id = int(cursor.lastrowid or 0)
                parent = None
                for m in range(count):
                    if m % 2 == 0:
                        role, content = "user", f"Question {m // 2}: what could I cook tonight with {rng.choice(('rice', 'beans', 'leeks', 'tofu'))}?"
                    else:
                        role, content = "assistant", (f"Idea {m // 2}: **lime rice** with black beans.\n\n"
                                                      "- rinse the rice\n- simmer the beans with cumin\n- finish with lime zest")
                    cursor = store.db.execute(
                        "INSERT INTO messages (chat_id, parent_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)",
                        (chat_id, parent, role, content, now + m))
                    parent = int(cursor.lastrowid or 0)
                store.db.execute("UPDATE chats SET active_leaf_id = ? WHERE id = ?", (parent, chat_id))
                ids[title] = chat_id
    finally:
        store.close()
    return ids


# ------------------------------------------------------------------ figures
def decode_ratio(b: WindowBench) -> Figure:
    b.raw_run()  # warm both paths: the prompt is then reused from the KV cache by each, equally
    b.new_chat()
    b.app_run()
    raw_rates: list[float] = []
    app_rates: list[float] = []
    counts: list[tuple[int, int]] = []
    for i in range(ROUNDS):
        n_raw, raw_s = b.raw_run()
        b.new_chat()
        stats, last_s, _first_s = b.app_run()
        raw_rates.append(n_raw / raw_s)
        app_rates.append(stats.generated_tokens / last_s)
        counts.append((n_raw, stats.generated_tokens))
        log(f"  round {i + 1}: raw {raw_rates[-1]:.1f} tok/s, shown {app_rates[-1]:.1f} tok/s ({counts[-1]})")
    raw_rate, app_rate = median(raw_rates), median(app_rates)
    return Figure("decode_ratio", app_rate / raw_rate, 0.97, "min", baseline=raw_rate, unit="ratio",
                  details={"shown_tokens_per_s": app_rate, "raw_tokens_per_s": raw_rate,
                           "raw_runs": raw_rates, "app_runs": app_rates, "tokens_raw_vs_app": counts,
                           "threads": b.threads, "max_tokens": GREEDY.max_tokens})


def gui_gaps(b: WindowBench) -> list[Figure]:
    b.open_chat(b.chats["long"])
    ticks: list[float] = []
    streaming = [False]

    def on_batch() -> None:
        streaming[0] = True

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()) if streaming[0] else None)
    # The machine's own noise floor: the same timer, the same window, nothing streaming.
    idle: list[float] = []
    idle_timer = QTimer()
    idle_timer.setTimerType(Qt.TimerType.PreciseTimer)
    idle_timer.setInterval(5)
    idle_timer.timeout.connect(lambda: idle.append(time.perf_counter()))
    idle_timer.start()
    wait_ms(1500)
    idle_timer.stop()
    idle_gaps = [(y - x) * 1000 for x, y in zip(idle, idle[1:])]
    b.window.sampling = GAP_SAMPLING
    timer.start()
    try:
        stats, _, _ = b.app_run("Give me one more idea, in detail.", on_token=on_batch)
    finally:
        timer.stop()
        b.window.sampling = GREEDY
    gaps_ms = [(b2 - a) * 1000 for a, b2 in zip(ticks, ticks[1:])]
    view = b.window.chat_view
    details = {"ticks": len(ticks), "generated_tokens": stats.generated_tokens,
               "messages_in_chat": len(view.message_widgets) + view.hidden_count,
               "message_widgets": len(view.message_widgets), "median_gap_ms": median(gaps_ms),
               "idle_p99_ms": percentile(idle_gaps, 99), "idle_max_ms": max(idle_gaps) if idle_gaps else None}
    return [Figure("gui_gap_p99_ms", percentile(gaps_ms, 99), 16.0, "max", unit="ms", details=details),
            Figure("gui_gap_max_ms", max(gaps_ms) if gaps_ms else float("nan"), 50.0, "max", unit="ms",
                   details=details)]


class FirstPaint(QObject):
    """Notes the first paint event of any widget inside ``view`` (an application-wide filter)."""

    def __init__(self, view: QWidget) -> None:
        super().__init__()
        self.view = view
        self.at = 0.0
        self.armed = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (self.armed and not self.at and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and (obj is self.view or self.view.isAncestorOf(obj))):
            self.at = time.perf_counter()
        return False


def long_chat_open_ratio(b: WindowBench, repeat: int = 7) -> Figure:
    """From the click in the sidebar to the chat view's first paint showing that chat."""
    spy = FirstPaint(b.window.chat_view)
    armed = [False]

    def loaded(*_: object) -> None:  # after the window's own slot has put the messages in the view
        if armed[0]:
            spy.at = 0.0
            spy.armed = True

    b.window.session.chatLoaded.connect(loaded)
    b.app.installEventFilter(spy)
    sizes = {20: b.chats["short"], 2000: b.chats["long2"]}
    times: dict[int, list[float]] = {20: [], 2000: []}
    for i in range(repeat + 1):
        for n, chat_id in sizes.items():
            b.new_chat()  # start from another chat each time, as a user switching would
            spy.at = 0.0
            armed[0] = True
            started = time.perf_counter()
            b.window.sidebar.chatSelected.emit(chat_id)
            deadline = time.perf_counter() + 20
            while not spy.at and time.perf_counter() < deadline:
                QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            armed[0] = spy.armed = False
            if not spy.at:
                raise RuntimeError("the chat view never painted the opened chat")
            if i:  # the first round builds caches (fonts, styles) and is not counted
                times[n].append(spy.at - started)
    b.window.session.chatLoaded.disconnect(loaded)
    b.app.removeEventFilter(spy)
    short, long = median(times[20]), median(times[2000])
    return Figure("long_chat_open_ratio", long / short, 3.0, "max", baseline=short * 1000, unit="ratio",
                  details={"open_20_ms": short * 1000, "open_2000_ms": long * 1000,
                           "runs_20_ms": [t * 1000 for t in times[20]], "runs_2000_ms": [t * 1000 for t in times[2000]]})


def run() -> list[Figure]:
    b = WindowBench()
    figures: list[Figure] = []
    try:
        for step in (decode_ratio, gui_gaps, long_chat_open_ratio):
            try:
                got = step(b)
            except Exception as exc:  # noqa: BLE001 - report the others even if one breaks
                log(f"  {step.__name__} failed: {type(exc).__name__}: {exc}")
                continue
            figures += got if isinstance(got, list) else [got]
        return figures
    finally:
        b.close()


if __name__ == "__main__":
    import json
    import multiprocessing

    multiprocessing.freeze_support()
    for f in run():
        print(f.name, json.dumps(f.as_json(), default=str))
