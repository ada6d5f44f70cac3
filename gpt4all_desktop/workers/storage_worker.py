"""Runs chat history storage calls on their own thread.

SQLite work can block (a big search, a slow disk, a lock held by another process), so the GUI
thread never calls :class:`~gpt4all_desktop.core.storage.ChatStore` itself. A
:class:`StorageWorker` lives on a QThread and owns the store (sqlite3 connections belong to the
thread that opened them). :class:`StorageClient` is its GUI-thread front: every call gets a
request id, calls run one at a time in the order they were made (so a streaming answer's
``update_answer`` never overtakes its ``begin_answer``), and the result or error comes back to a
callback on the GUI thread. Dropping a request id with :meth:`StorageClient.forget` discards a
superseded result (an old search, for example).

Usage::

    client = StorageClient()                     # opens AppPaths.default().database_path
    client.ready.connect(on_ready)               # OpenReport-like StoreOpened
    client.openFailed.connect(show_error)        # human message
    client.call(lambda store: store.list_chats(), on_result=model.set_chats)
    ...
    client.shutdown()                            # before the app quits
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gpt4all_desktop.core.storage import ChatStore, KnownStorageError, OpenReport

log = logging.getLogger(__name__)

StoreCall = Callable[[ChatStore], Any]


@dataclass(frozen=True)
class StoreOpened:
    """What the UI may want to tell the user after opening."""

    path: Path
    report: OpenReport
    recovered_answers: int


class StorageWorker(QObject):
    """Owns the :class:`ChatStore` on the storage thread; one request at a time.

    Failures travel to the client as signals (tracebacks as text) and are logged there, on the
    GUI thread: a log call from a thread Python did not start registers a placeholder
    ``threading`` object that outlives the thread.
    """

    opened = Signal(object)  # StoreOpened
    openFailed = Signal(str)  # message for the user
    finished = Signal(int, object)  # request id, result
    failed = Signal(int, str, bool)  # request id, message, known (False: a bug, see the log)
    closed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._store: ChatStore | None = None
        self._open_error = "The chat history is not open yet."

    @Slot(object)
    def open(self, path: Path | None) -> None:
        try:
            self._store = ChatStore.open(path)
        except KnownStorageError as exc:
            self._open_error = str(exc)
            self.openFailed.emit(str(exc))
            return
        except Exception as exc:  # a bug: report it, keep the app alive
            self._open_error = f"The chat history could not be opened because of an unexpected error: {exc!r}"
            self.openFailed.emit(self._open_error + "\n" + traceback.format_exc())
            return
        self.opened.emit(StoreOpened(self._store.path, self._store.report, self._store.recovered_answers))

    @Slot(int, object)
    def run(self, request_id: int, call: StoreCall) -> None:
        if self._store is None:
            self.failed.emit(request_id, self._open_error, True)
            return
        try:
            result = call(self._store)
        except KnownStorageError as exc:
            self.failed.emit(request_id, str(exc), True)
            return
        except Exception as exc:
            self.failed.emit(request_id, f"Unexpected error in the chat history: {exc!r}\n{traceback.format_exc()}", False)
            return
        self.finished.emit(request_id, result)

    @Slot()
    def close(self) -> None:
        if self._store is not None:
            try:
                self._store.close()
            except Exception:
                log.exception("Closing the chat history failed")
            self._store = None
        self.closed.emit()


class StorageClient(QObject):
    """GUI-thread handle on the storage thread. Create one per app and pass it to widgets."""

    ready = Signal(object)  # StoreOpened
    openFailed = Signal(str)
    errorOccurred = Signal(str)  # failures of calls made without an on_error callback
    bugOccurred = Signal(str)  # unexpected exceptions (already logged with a traceback)

    _openRequested = Signal(object)
    _runRequested = Signal(int, object)
    _closeRequested = Signal()

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("storage")
        self.worker = StorageWorker()
        self.worker.moveToThread(self._thread)
        self._openRequested.connect(self.worker.open)
        self._runRequested.connect(self.worker.run)
        self._closeRequested.connect(self.worker.close)
        self.worker.opened.connect(self._on_opened)
        self.worker.openFailed.connect(self._on_open_failed)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[str], None] | None]] = {}
        self._next_id = 0
        self._closed = False
        self.opened_info: StoreOpened | None = None
        self._thread.start()
        self._openRequested.emit(path)

    @property
    def pending(self) -> int:
        """Requests whose results have not arrived yet (tests wait for 0)."""
        return len(self._callbacks)

    def call(
        self,
        call: StoreCall,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        """Queue ``call(store)`` on the storage thread; returns the request id.

        ``call`` must only use its argument and values it captured by copy (it runs on another
        thread). ``on_result``/``on_error`` run on the GUI thread.
        """
        if self._closed:
            # Late timers and queued slots can still fire while the app quits; there is
            # nothing left to save them to, and raising inside a Qt slot would only crash.
            log.warning("storage call after shutdown ignored")
            return 0
        self._next_id += 1
        self._callbacks[self._next_id] = (on_result, on_error)
        self._runRequested.emit(self._next_id, call)
        return self._next_id

    def forget(self, request_id: int) -> None:
        """Drop the callbacks of a superseded request; its result will be ignored."""
        self._callbacks.pop(request_id, None)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Finish queued calls, close the database and stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._closeRequested.emit()
        self._thread.quit()
        if not self._thread.wait(timeout_ms):
            log.error("Storage thread did not stop within %d ms", timeout_ms)
        self._callbacks.clear()

    @Slot(object)
    def _on_opened(self, info: StoreOpened) -> None:
        self.opened_info = info
        self.ready.emit(info)

    @Slot(str)
    def _on_open_failed(self, message: str) -> None:
        log.error("Chat history could not be opened: %s", message)
        self.openFailed.emit(message.split("\n", 1)[0])

    @Slot(int, object)
    def _on_finished(self, request_id: int, result: Any) -> None:
        on_result, _ = self._callbacks.pop(request_id, (None, None))
        if on_result is not None:
            on_result(result)

    @Slot(int, str, bool)
    def _on_failed(self, request_id: int, message: str, known: bool) -> None:
        waiting = request_id in self._callbacks
        _, on_error = self._callbacks.pop(request_id, (None, None))
        if known:
            log.warning("Storage request %d failed: %s", request_id, message)
        else:
            log.error("Storage request %d failed: %s", request_id, message)
            self.bugOccurred.emit(message)
            message = message.split("\n", 1)[0]
        if not waiting:  # superseded: the caller no longer cares
            return
        if on_error is not None:
            on_error(message)
        else:
            self.errorOccurred.emit(message)
