"""The inference worker: the only way the window reaches the model.

A :class:`InferenceWorker` is a QObject moved to its own QThread; it owns an
:class:`~gpt4all_desktop.core.engine_process.EngineClient`, so the model runs in a supervised
child process and the GUI thread never waits on it. The window talks to it through
:class:`InferenceController`, which lives on the GUI thread, hands out request ids, queues
requests as signals and drops results of superseded requests.

Tokens reach the GUI in batches (every ~40 ms), so a fast model costs the view one repaint
per batch rather than per token.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gpt4all_desktop.core.engine_api import ChatEngine, is_remote, remote_engine_id
from gpt4all_desktop.core.engine_process import DEFAULT_IDLE_TIMEOUT, EngineClient, EngineCrashed, EngineFailure, EngineHung
from gpt4all_desktop.core.messages import GenerateRequest, GenerationStats, LoadRequest, ModelInfo

log = logging.getLogger(__name__)

BATCH_SECONDS = 0.04


class TokenSink(Protocol):
    """Where a non-GUI client (the local API server) receives one answer. Called on the worker thread."""

    def on_token(self, text: str) -> None: ...

    def on_done(self, stats: GenerationStats, model: ModelInfo | None) -> None: ...

    def on_error(self, message: str) -> None: ...


class InferenceWorker(QObject):
    """Runs engine requests one at a time on its thread and reports through signals."""

    loadProgress = Signal(int, float)  # request id, fraction 0..1
    loadFinished = Signal(int, object)  # request id, ModelInfo
    promptProgress = Signal(int, float)  # request id, fraction of the prompt processed
    tokens = Signal(int, str)  # request id, a batch of text
    generationFinished = Signal(int, object)  # request id, GenerationStats
    failed = Signal(int, str)  # request id, message for the user
    engineRestarted = Signal(str)  # why (the crash or hang message)
    stopped = Signal()

    def __init__(self, engine_log: Path, idle_timeout: float = DEFAULT_IDLE_TIMEOUT) -> None:
        super().__init__()
        self._client = EngineClient(engine_log, idle_timeout=idle_timeout)
        self._remote: dict[str, ChatEngine] = {}
        self._active: ChatEngine = self._client
        self._lock = threading.Lock()

    # Thread-safe: called directly from the GUI thread while a request runs here.
    def cancel(self, request_id: int) -> None:
        self._client.cancel(request_id)
        for engine in list(self._remote.values()):
            engine.cancel(request_id)

    @property
    def client(self) -> EngineClient:
        """The local llama.cpp engine process."""
        return self._client

    @property
    def active(self) -> ChatEngine:
        """The engine of the loaded model (local or remote)."""
        return self._active

    def register_remote(self, engine_id: str, engine: ChatEngine) -> None:
        """Make ``remote:<engine_id>/<model>`` paths load through ``engine``. Thread-safe enough:
        called before such a load is queued."""
        with self._lock:
            self._remote[engine_id] = engine

    def unregister_remote(self, engine_id: str) -> None:
        with self._lock:
            self._remote.pop(engine_id, None)

    def _engine_for(self, model_path: str) -> ChatEngine:
        if not is_remote(model_path):
            return self._client
        engine_id = remote_engine_id(model_path)
        with self._lock:
            engine = self._remote.get(engine_id)
        if engine is None:
            raise EngineFailure(f"The remote engine {engine_id!r} is not configured any more.")
        return engine

    @Slot()
    def warm_up(self) -> None:
        """Start the engine process early so the first load does not pay for it."""
        try:
            self._client.start()
        except EngineFailure as exc:
            log.error("engine failed to start: %s", exc)
            self.failed.emit(0, str(exc))

    @Slot(int, object)
    def load(self, request_id: int, request: LoadRequest) -> None:
        try:
            engine = self._engine_for(request.model_path)
            if engine is not self._active and self._active.model is not None and self._active is not self._client:
                self._active.model = None
            if engine is not self._client and self._client.model is not None:
                # A remote model answers now: give the local model's memory back.
                self._client.request("unload", "unloaded", timeout=60)
                self._client.model = None
            self._active = engine
            info = engine.load(request, lambda f: self.loadProgress.emit(request_id, f), request_id=request_id)
        except EngineFailure as exc:
            self._report(request_id, exc)
            return
        self.loadFinished.emit(request_id, info)

    @Slot(int, object)
    def generate(self, request_id: int, request: GenerateRequest) -> None:
        buffer: list[str] = []
        last_emit = time.monotonic()

        def on_token(text: str) -> None:
            nonlocal last_emit
            buffer.append(text)
            now = time.monotonic()
            if now - last_emit >= BATCH_SECONDS:
                self.tokens.emit(request_id, "".join(buffer))
                buffer.clear()
                last_emit = now

        def on_progress(phase: str, fraction: float) -> None:
            if phase == "prompt":
                self.promptProgress.emit(request_id, fraction)

        try:
            stats = self._active.generate(request, on_token, request_id=request_id, on_progress=on_progress)
        except EngineFailure as exc:
            if buffer:
                self.tokens.emit(request_id, "".join(buffer))
            self._report(request_id, exc)
            return
        if buffer:
            self.tokens.emit(request_id, "".join(buffer))
        self.generationFinished.emit(request_id, stats)

    @Slot(int, object, object)
    def generate_to_sink(self, request_id: int, request: GenerateRequest, sink: TokenSink) -> None:
        """Answer for a non-GUI client. Queued behind the window's requests on this same thread,
        so the app never loads a second copy of the model."""
        try:
            stats = self._active.generate(request, sink.on_token, request_id=request_id)
        except EngineFailure as exc:
            sink.on_error(str(exc))
            if isinstance(exc, (EngineCrashed, EngineHung)):
                self._report(request_id, exc)
            return
        except Exception as exc:  # noqa: BLE001 - a client's failure must not kill the worker
            log.exception("server request failed")
            sink.on_error(f"The engine failed: {exc}")
            return
        sink.on_done(stats, self._active.model)

    @Slot()
    def shutdown(self) -> None:
        """Stop the engines, then end this thread's event loop (so nothing queued is skipped)."""
        self._client.stop()
        for engine in list(self._remote.values()):
            try:
                engine.stop()
            except Exception as exc:  # noqa: BLE001
                log.warning("remote engine stop failed: %s", exc)
        self.stopped.emit()
        QThread.currentThread().quit()

    def _report(self, request_id: int, exc: EngineFailure) -> None:
        self.failed.emit(request_id, str(exc))
        if isinstance(exc, (EngineCrashed, EngineHung)):
            try:
                self._client.start()
            except EngineFailure as again:
                log.error("engine restart failed: %s", again)
                self.failed.emit(request_id, str(again))
                return
            self.engineRestarted.emit(str(exc))


class InferenceController(QObject):
    """GUI-thread front of the worker: request ids, stale-result filtering, clean shutdown.

    Widgets connect to the controller's signals, which carry only results of the current
    request; a superseded request's late tokens never reach the view.
    """

    loadProgress = Signal(float)
    modelLoaded = Signal(object)  # ModelInfo
    loadFailed = Signal(str)
    promptProgress = Signal(float)
    tokens = Signal(str)
    finished = Signal(object)  # GenerationStats
    generationFailed = Signal(str)
    engineRestarted = Signal(str)
    busyChanged = Signal(bool)

    _loadRequested = Signal(int, object)
    _generateRequested = Signal(int, object)
    _sinkRequested = Signal(int, object, object)
    _shutdownRequested = Signal()
    _warmUpRequested = Signal()

    def __init__(self, engine_log: Path, idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("inference")
        self.worker = InferenceWorker(engine_log, idle_timeout)
        self.worker.moveToThread(self._thread)
        self._loadRequested.connect(self.worker.load)
        self._generateRequested.connect(self.worker.generate)
        self._sinkRequested.connect(self.worker.generate_to_sink)
        self._shutdownRequested.connect(self.worker.shutdown)
        self._warmUpRequested.connect(self.worker.warm_up)
        self.worker.loadProgress.connect(self._on_load_progress)
        self.worker.loadFinished.connect(self._on_loaded)
        self.worker.promptProgress.connect(self._on_prompt_progress)
        self.worker.tokens.connect(self._on_tokens)
        self.worker.generationFinished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.engineRestarted.connect(self.engineRestarted)
        self._thread.start()
        self._id_lock = threading.Lock()
        self._next_id = 0
        self._load_id = 0
        self._gen_id = 0
        self.model: ModelInfo | None = None
        self.loading = False
        self._closed = False

    def _new_id(self) -> int:
        with self._id_lock:
            self._next_id += 1
            return self._next_id

    @property
    def generating(self) -> bool:
        return self._gen_id != 0

    def warm_up(self) -> None:
        self._warmUpRequested.emit()

    def load(self, request: LoadRequest) -> int:
        self.stop()
        self._load_id = self._new_id()
        self.loading = True
        self.model = None
        self._loadRequested.emit(self._load_id, request)
        return self._load_id

    def generate(self, request: GenerateRequest) -> int:
        """Start an answer; a running one is superseded (stopped, its results dropped)."""
        self.stop()
        self._gen_id = self._new_id()
        self._generateRequested.emit(self._gen_id, request)
        self.busyChanged.emit(True)
        return self._gen_id

    def submit_to_sink(self, request: GenerateRequest, sink: TokenSink) -> int:
        """Queue an answer for a non-GUI client (thread-safe: emitting a queued signal is).

        Returns the request id, which ``cancel`` takes to stop it."""
        rid = self._new_id()
        self._sinkRequested.emit(rid, request, sink)
        return rid

    def cancel(self, request_id: int) -> None:
        """Stop one request by id (thread-safe)."""
        self.worker.cancel(request_id)

    def stop(self) -> None:
        """Stop the current answer at the next token; its final stats still arrive."""
        if self._gen_id:
            self.worker.cancel(self._gen_id)

    def shutdown(self, timeout_ms: int = 8000) -> None:
        if self._closed:
            return
        self._closed = True
        if self._gen_id:
            self.worker.cancel(self._gen_id)
        # The worker quits its own thread after the shutdown slot ran: quitting from here could
        # end the loop before that queued slot, leaving the engine process running.
        self._shutdownRequested.emit()
        if not self._thread.wait(timeout_ms):
            log.error("inference thread did not stop in time; ending the engine")
            self.worker.client.kill()
            self._thread.quit()
            self._thread.wait(2000)

    @Slot(int, float)
    def _on_load_progress(self, rid: int, fraction: float) -> None:
        if rid == self._load_id:
            self.loadProgress.emit(fraction)

    @Slot(int, object)
    def _on_loaded(self, rid: int, info: ModelInfo) -> None:
        if rid == self._load_id:
            self.loading = False
            self.model = info
            self.modelLoaded.emit(info)

    @Slot(int, float)
    def _on_prompt_progress(self, rid: int, fraction: float) -> None:
        if rid == self._gen_id:
            self.promptProgress.emit(fraction)

    @Slot(int, str)
    def _on_tokens(self, rid: int, text: str) -> None:
        if rid == self._gen_id:
            self.tokens.emit(text)

    @Slot(int, object)
    def _on_finished(self, rid: int, stats: GenerationStats) -> None:
        if rid == self._gen_id:
            self._gen_id = 0
            self.busyChanged.emit(False)
            self.finished.emit(stats)

    @Slot(int, str)
    def _on_failed(self, rid: int, message: str) -> None:
        if rid == self._load_id and self.loading:
            self.loading = False
            self.model = None
            self.loadFailed.emit(message)
        elif rid == self._gen_id:
            self._gen_id = 0
            self.busyChanged.emit(False)
            self.generationFailed.emit(message)
        elif rid == 0:
            self.loadFailed.emit(message)
        if "crashed" in message or "stopped responding" in message:
            self.model = None
