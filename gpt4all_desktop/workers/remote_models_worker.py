"""Lists a remote engine's models off the GUI thread ("Test connection", refreshing the picker).

:class:`RemoteModelsLister` lives on the GUI thread and owns a :class:`RemoteModelsWorker` on
its own QThread. Each request carries a token; only the newest request per engine reaches the
window, so a slow old answer never overwrites a newer one. ``shutdown`` closes any connection in
flight at once, so closing the dialog never waits for a server's timeout.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gpt4all_desktop.core.remote_engine import RemoteEndpoint, RemoteEngine, RemoteFailure

log = logging.getLogger(__name__)


class RemoteModelsWorker(QObject):
    """Runs ``GET /v1/models`` requests one at a time on its thread."""

    listed = Signal(int, str, object)  # token, engine id, list[RemoteModel]
    failed = Signal(int, str, str)  # token, engine id, message for the user

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._current: RemoteEngine | None = None
        self._closing = False

    def abort(self) -> None:
        """Thread-safe: close the request in flight and refuse queued ones."""
        with self._lock:
            self._closing = True
            engine = self._current
        if engine is not None:
            engine.stop()

    @Slot(int, str, object)
    def list_models(self, token: int, engine_id: str, endpoint: RemoteEndpoint) -> None:
        engine = RemoteEngine(engine_id or "test", endpoint)
        with self._lock:
            if self._closing:
                return
            self._current = engine
        try:
            models = engine.list_models()
        except RemoteFailure as exc:
            self.failed.emit(token, engine_id, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a bug here must reach the user, not kill the thread
            log.exception("listing remote models failed")
            self.failed.emit(token, engine_id, f"Listing the models failed: {exc}")
            return
        finally:
            with self._lock:
                self._current = None
        self.listed.emit(token, engine_id, models)


class RemoteModelsLister(QObject):
    """GUI-thread front: hands out tokens, drops superseded answers, shuts the thread down."""

    modelsListed = Signal(str, object)  # engine id, list[RemoteModel]
    listFailed = Signal(str, str)  # engine id, message
    busyChanged = Signal(bool)

    _requested = Signal(int, str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("remote-models")
        self.worker = RemoteModelsWorker()
        self.worker.moveToThread(self._thread)
        self._requested.connect(self.worker.list_models)
        self.worker.listed.connect(self._on_listed)
        self.worker.failed.connect(self._on_failed)
        self._thread.start()
        self._next = 0
        self._latest: dict[str, int] = {}
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._latest)

    def request(self, engine_id: str, endpoint: RemoteEndpoint) -> int:
        """List the models at ``endpoint``; the answer arrives as ``modelsListed`` or ``listFailed``."""
        if self._closed:
            return 0
        self._next += 1
        was_busy = self.busy
        self._latest[engine_id] = self._next
        self._requested.emit(self._next, engine_id, endpoint)
        if not was_busy:
            self.busyChanged.emit(True)
        return self._next

    def shutdown(self, timeout_ms: int = 5000) -> None:
        if self._closed:
            return
        self._closed = True
        self.worker.abort()
        self._thread.quit()
        if not self._thread.wait(timeout_ms):
            log.error("remote model listing thread did not stop in time")

    def _settle(self, token: int, engine_id: str) -> bool:
        if self._latest.get(engine_id) != token:
            return False
        del self._latest[engine_id]
        if not self._latest:
            self.busyChanged.emit(False)
        return True

    @Slot(int, str, object)
    def _on_listed(self, token: int, engine_id: str, models: object) -> None:
        if self._settle(token, engine_id):
            self.modelsListed.emit(engine_id, models)

    @Slot(int, str, str)
    def _on_failed(self, token: int, engine_id: str, message: str) -> None:
        if self._settle(token, engine_id):
            self.listFailed.emit(engine_id, message)
