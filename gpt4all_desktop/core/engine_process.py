"""The engine child process and the supervisor that talks to it.

llama.cpp aborts the whole process on some malformed GGUF files (a block count of 0, a NaN
epsilon, an unknown rope type), and a hostile chat template can hang rendering for good. So
the model never runs in the window's process: :class:`EngineClient` starts
:func:`engine_main` in a child process (``multiprocessing`` spawn, which also works in the
frozen app thanks to ``freeze_support``), streams its events, and when the child dies or stops
answering, says which model did it and why that is likely, and starts a fresh one.

Wire format: tuples ``(kind, request_id, *payload)`` over a ``multiprocessing`` pipe. Token
events are tiny tuples, so crossing the process boundary costs microseconds per token.
Cancellation is a small shared array of cancelled request ids that the child checks between
tokens, so Stop lands within one token and cancelling one request never touches another
(the window's and the API server's requests share one engine).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from gpt4all_desktop.core.messages import GenerateRequest, GenerationStats, LoadRequest, ModelInfo

log = logging.getLogger(__name__)

# Silence longer than this while the engine is busy means it hangs (template loop, deadlock).
DEFAULT_IDLE_TIMEOUT = 120.0
HEARTBEAT_INTERVAL = 0.25
TOKEN_BATCH_SECONDS = 0.02


class EngineFailure(Exception):
    """A request failed; ``str()`` is a message for the user."""


class EngineCrashed(EngineFailure):
    """The engine process died (llama.cpp aborted, out of memory, killed)."""


class EngineHung(EngineFailure):
    """The engine stopped answering and was ended by the watchdog."""


# ---------------------------------------------------------------- child side
CANCEL_SLOTS = 64


def engine_main(conn: multiprocessing.connection.Connection, cancelled_ids: Any, log_path: str) -> None:
    """Entry point of the engine process: serve requests until told to stop or the pipe closes."""
    _redirect_stderr(log_path)
    os.environ.setdefault("GGML_NO_BACKTRACE", "1")  # an abort should end fast, not attach gdb
    # llama.cpp's OpenMP threads otherwise spin while waiting for each other: on a small machine
    # that also draws the window, a spinning thread takes the core its partner needs and
    # decoding collapses (measured: under 2 tokens/s instead of 25).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s engine %(name)s: %(message)s")
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the app to handle
    except (ValueError, OSError):
        pass
    from gpt4all_desktop.core.llama_engine import EngineError, LlamaEngine  # noqa: PLC0415

    current = [0]
    last_beat = [0.0]
    send_lock = threading.Lock()

    def send(*msg: Any) -> None:
        with send_lock:
            conn.send(msg)

    def heartbeat(phase: str, fraction: float) -> None:
        now = time.monotonic()
        if now - last_beat[0] >= HEARTBEAT_INTERVAL or fraction >= 1.0:
            last_beat[0] = now
            send("progress", current[0], phase, fraction)

    engine = LlamaEngine(heartbeat=heartbeat)
    send("ready", 0, os.getpid())
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break
        kind, rid = msg[0], msg[1]
        current[0] = rid
        try:
            if kind == "shutdown":
                break
            if kind == "load":
                info = engine.load(msg[2])
                send("loaded", rid, info)
            elif kind == "generate":
                req: GenerateRequest = msg[2]
                batch = TokenBatcher(lambda text, r=rid: send("token", r, text))
                try:
                    stats = engine.generate(req, lambda: rid in cancelled_ids[:], batch.add)
                finally:
                    batch.flush()
                send("done", rid, stats)
            elif kind == "unload":
                engine.unload()
                send("unloaded", rid)
            elif kind == "ping":
                send("pong", rid)
            elif kind == "crash_for_test":  # lets tests prove the supervisor survives an abort
                os.abort()
            elif kind == "hang_for_test":
                while True:
                    time.sleep(1)
            else:
                send("error", rid, f"Unknown engine request {kind!r}.")
        except EngineError as exc:
            send("error", rid, str(exc))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a dead pipe
            log.error("engine request %s failed:\n%s", kind, traceback.format_exc())
            send("error", rid, f"The engine failed: {type(exc).__name__}: {exc}")
    engine.unload()


class TokenBatcher:
    """Groups generated text into one pipe message per ~20 ms instead of one per token.

    The window shows text in batches anyway; fewer, larger messages cost both processes less.
    Stop is unaffected: the engine checks for it between tokens, not between batches.
    """

    def __init__(self, send: Any, interval: float = TOKEN_BATCH_SECONDS) -> None:
        self._send = send
        self._interval = interval
        self._parts: list[str] = []
        self._first = True
        self._last = time.monotonic()

    def add(self, text: str) -> None:
        self._parts.append(text)
        now = time.monotonic()
        if self._first or now - self._last >= self._interval:
            self._first = False  # the first token goes out at once: time to first token is real
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self._parts:
            self._send("".join(self._parts))
            self._parts.clear()
        self._last = now if now is not None else time.monotonic()


def _redirect_stderr(log_path: str) -> None:
    """Send the child's fd 2 (where llama.cpp's abort message goes) to a file we can read back."""
    try:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    except OSError:
        pass


# --------------------------------------------------------------- parent side
@dataclass
class Event:
    kind: str  # "progress", "token", "loaded", "done", "unloaded", "pong"
    request_id: int
    payload: tuple[Any, ...]


def _signal_name(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit code"
    if exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


class EngineClient:
    """Starts, supervises and restarts the engine process. Call from one thread at a time.

    ``cancel()`` is the exception: it may be called from any thread, while a request runs.
    """

    def __init__(self, log_path: Path, idle_timeout: float = DEFAULT_IDLE_TIMEOUT) -> None:
        self.log_path = Path(log_path)
        self.idle_timeout = idle_timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: Any = None
        self._conn: multiprocessing.connection.Connection | None = None
        self._cancelled = self._ctx.Array("q", CANCEL_SLOTS, lock=False)
        self._cancel_pos = 0
        self._cancel_lock = threading.Lock()
        self._next_id = 0
        self.model: ModelInfo | None = None
        self.restarts = 0

    # ---------------------------------------------------------------- life
    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        if self.alive:
            return
        parent, child = self._ctx.Pipe(duplex=True)
        self._proc = self._ctx.Process(target=engine_main, args=(child, self._cancelled, str(self.log_path)),
                                       name="gpt4all-engine", daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent
        self.model = None
        self._wait_for("ready", 0, None, phase="starting", timeout=max(60.0, self.idle_timeout))
        log.info("engine process %s started", self._proc.pid)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the engine to exit; kill it if it does not within ``timeout``."""
        if self._proc is None:
            return
        try:
            if self._conn is not None and self._proc.is_alive():
                self._conn.send(("shutdown", 0))
        except (OSError, ValueError):
            pass
        self._proc.join(timeout)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(2)
        self._close()

    def kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        self._close()

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
        self._conn = None
        self._proc = None
        self.model = None

    # ------------------------------------------------------------ requests
    def new_request_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def cancel(self, request_id: int) -> None:
        """Stop ``request_id`` at its next token (or before it starts). Thread-safe."""
        with self._cancel_lock:
            if request_id in self._cancelled[:]:
                return
            self._cancelled[self._cancel_pos % CANCEL_SLOTS] = request_id
            self._cancel_pos += 1

    def load(self, req: LoadRequest, on_progress: Callable[[float], None] | None = None,
             request_id: int | None = None) -> ModelInfo:
        rid = request_id or self.new_request_id()
        self.start()
        self.model = None
        self._send(("load", rid, req), phase="loading", model_path=req.model_path)
        event = self._wait_for("loaded", rid, lambda e: on_progress and e.kind == "progress" and on_progress(e.payload[1]),
                               phase="loading", model_path=req.model_path)
        self.model = event.payload[0]
        return self.model

    def generate(self, req: GenerateRequest, on_token: Callable[[str], None],
                 request_id: int | None = None, on_progress: Callable[[str, float], None] | None = None) -> GenerationStats:
        rid = request_id or self.new_request_id()
        if not self.alive or self.model is None:
            raise EngineFailure("No model is loaded.")
        path = self.model.path

        def handle(e: Event) -> None:
            if e.kind == "token":
                on_token(e.payload[0])
            elif e.kind == "progress" and on_progress is not None:
                on_progress(e.payload[0], e.payload[1])

        self._send(("generate", rid, req), phase="answering", model_path=path)
        return self._wait_for("done", rid, handle, phase="answering", model_path=path).payload[0]

    def request(self, kind: str, reply: str, timeout: float | None = None) -> Event:
        """A simple request/reply round trip (``ping``/``pong``, ``unload``/``unloaded``, test hooks)."""
        rid = self.new_request_id()
        self.start()
        path = self.model.path if self.model else ""
        self._send((kind, rid), phase=kind, model_path=path)
        return self._wait_for(reply, rid, None, phase=kind, model_path=path, timeout=timeout)

    def _send(self, msg: tuple[Any, ...], *, phase: str, model_path: str) -> None:
        try:
            assert self._conn is not None
            self._conn.send(msg)
        except (OSError, ValueError, AssertionError) as exc:
            raise self._failure(phase, model_path, crashed=True) from exc

    def _wait_for(self, kind: str, rid: int, handler: Callable[[Event], Any] | None, *, phase: str,
                  model_path: str = "", timeout: float | None = None) -> Event:
        idle_limit = timeout or self.idle_timeout
        last = time.monotonic()
        conn = self._conn
        assert conn is not None
        while True:
            try:
                ready = conn.poll(0.1)
            except (OSError, ValueError, EOFError):
                ready = False
                self._reap()
            if ready:
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    self._reap()
                    raise self._failure(phase, model_path, crashed=True) from None
                last = time.monotonic()
                event = Event(msg[0], msg[1], tuple(msg[2:]))
                if event.request_id != rid and event.kind not in ("ready",):
                    continue  # a superseded request's leftovers
                if event.kind == "error":
                    raise EngineFailure(event.payload[0])
                if event.kind == kind:
                    return event
                if handler is not None:
                    handler(event)
                continue
            if self._proc is None or not self._proc.is_alive():
                self._reap()
                raise self._failure(phase, model_path, crashed=True)
            if time.monotonic() - last > idle_limit:
                log.error("engine silent for %.0f s while %s; ending it", idle_limit, phase)
                self.kill()
                raise self._failure(phase, model_path, crashed=False, idle=idle_limit)

    def _reap(self) -> None:
        if self._proc is not None:
            self._proc.join(2)

    def _failure(self, phase: str, model_path: str, *, crashed: bool, idle: float = 0.0) -> EngineFailure:
        exitcode = self._proc.exitcode if self._proc is not None else None
        name = os.path.basename(model_path) if model_path else "the engine"
        details = self.stderr_tail()
        self._close()
        self.restarts += 1
        if crashed:
            why = {
                "loading": "The file's metadata is probably invalid (a layer count, an expert count, a rope type "
                           "or a normalisation value llama.cpp cannot handle) or the file is damaged.",
                "answering": "The model loaded but failed while answering; its file is probably malformed "
                             "(for example an invalid normalisation value) or memory ran out.",
            }.get(phase, "The engine process ended unexpectedly.")
            msg = f"The engine crashed while {phase} {name} ({_signal_name(exitcode)}). {why}"
            if details:
                msg += f"\nLast engine messages: {details}"
            msg += "\nThe engine was restarted; choose another model or try again."
            log.error(msg)
            return EngineCrashed(msg)
        msg = (f"The engine stopped responding for {idle:.0f} seconds while {phase} {name} and was restarted. "
               "A chat template that never finishes or a stuck model can cause this.")
        log.error(msg)
        return EngineHung(msg)

    def stderr_tail(self, lines: int = 3) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        useful = [re.sub(r"(?<![\w.])/\S*/", "", ln.strip()) for ln in text.splitlines()
                  if ln.strip() and "Traceback" not in ln]
        fatal = [ln for ln in useful if any(k in ln for k in ("GGML_ASSERT", "GGML_ABORT", "terminate called",
                                                                 "what():", "error", "Error"))]
        return " | ".join((fatal or useful)[-lines:])[:800]
