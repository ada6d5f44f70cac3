"""Qt bridge for the model manager: downloads and Hub/disk tasks off the GUI thread.

:class:`DownloadController` (GUI thread) owns a :class:`DownloadWorker` moved to its own
QThread. The worker resolves files on the Hub (a blocking HTTP request) and drives the core
:class:`~gpt4all_desktop.core.downloads.DownloadManager`, whose transfer threads report
snapshots; the worker re-emits them as signals, which Qt queues to the GUI thread. The
controller outlives the model manager dialog, so downloads continue with the dialog closed
and the main window can show a compact indicator from :meth:`DownloadController.overall`.

:class:`TaskRunner` runs short blocking jobs (Hub search, file listing, reading GGUF headers,
copying an import) on a second QThread and hands results back by request id, dropping results
of requests that a newer one superseded.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gpt4all_desktop.core.downloads import DownloadManager, DownloadSnapshot, DownloadState
from gpt4all_desktop.core.gguf_info import GgufError
from gpt4all_desktop.core.hub import HubClient, HubError, TokenStore
from gpt4all_desktop.core.installed_models import InstalledModels, ModelFileError
from gpt4all_desktop.core.paths import AppPaths

log = logging.getLogger(__name__)

_USER_ERRORS = (HubError, ModelFileError, GgufError, ValueError, OSError)


class DownloadWorker(QObject):
    """Lives on the download thread. Inputs are plain strings; outputs are snapshots."""

    progress = Signal(object)  # DownloadSnapshot: every state change, ~5 times a second while running
    finished = Signal(object)  # DownloadSnapshot of a completed download (dest_path is set)
    failed = Signal(object)  # DownloadSnapshot of a failed download (message says why)
    paused = Signal(object)  # DownloadSnapshot: paused by the user, a full disk, or the network
    resolveFailed = Signal(str, str, str)  # repo id, file name, message (offline, token needed, not found)
    stopped = Signal()

    def __init__(self, paths: AppPaths, hub: HubClient, token_store: TokenStore,
                 manager_options: dict[str, Any]) -> None:
        super().__init__()
        self._paths = paths
        self._hub = hub
        self._tokens = token_store
        self._options = manager_options
        self._manager: DownloadManager | None = None

    @Slot()
    def start(self) -> None:
        """Create the manager here (it scans partial downloads on disk) and report what it found."""
        installed = InstalledModels(self._paths)
        self._manager = DownloadManager(self._paths, token_provider=self._tokens.get,
                                        on_installed=installed.record_download, **self._options)
        self._manager.add_listener(self._relay)
        for snapshot in self._manager.snapshots():
            self.progress.emit(snapshot)

    def _relay(self, snapshot: DownloadSnapshot) -> None:
        """Called on transfer threads; signals are queued to the receivers' threads."""
        self.progress.emit(snapshot)
        if snapshot.state is DownloadState.COMPLETED:
            self.finished.emit(snapshot)
        elif snapshot.state is DownloadState.FAILED:
            self.failed.emit(snapshot)
        elif snapshot.state is DownloadState.PAUSED:
            self.paused.emit(snapshot)

    @Slot(str, str, str)
    def enqueue(self, repo_id: str, filename: str, revision: str) -> None:
        if self._manager is None:
            return
        try:
            remote = self._hub.resolve(repo_id, filename, revision)
            self._manager.add(remote)
        except _USER_ERRORS as exc:
            self.resolveFailed.emit(repo_id, filename, str(exc))
        except Exception as exc:  # never let a slot exception vanish
            log.exception("Starting the download of %s/%s failed", repo_id, filename)
            self.resolveFailed.emit(repo_id, filename, f"Unexpected error: {exc}")

    @Slot(str)
    def pause(self, job_id: str) -> None:
        if self._manager is not None:
            self._manager.pause(job_id)

    @Slot(str)
    def resume(self, job_id: str) -> None:
        if self._manager is not None:
            self._manager.resume(job_id)

    @Slot(str)
    def cancel(self, job_id: str) -> None:
        if self._manager is not None:
            self._manager.cancel(job_id)

    @Slot(str)
    def forget(self, job_id: str) -> None:
        if self._manager is not None:
            self._manager.forget(job_id)

    @Slot()
    def shutdown(self) -> None:
        """Pause every transfer (they resume after a restart), then end this thread."""
        if self._manager is not None:
            self._manager.remove_listener(self._relay)
            if not self._manager.shutdown(timeout=8):
                log.warning("Some download threads did not stop in time")
        self.stopped.emit()
        thread = self.thread()
        if thread is not None:
            thread.quit()


class DownloadController(QObject):
    """GUI-thread front of the download worker; keeps the latest snapshot of every download."""

    progress = Signal(object)  # DownloadSnapshot
    finished = Signal(object)  # DownloadSnapshot (completed)
    failed = Signal(object)  # DownloadSnapshot (failed)
    paused = Signal(object)  # DownloadSnapshot (paused)
    resolveFailed = Signal(str, str, str)  # repo id, file name, message
    modelInstalled = Signal(str)  # path of the new model file

    _start = Signal()
    _enqueue = Signal(str, str, str)
    _pause = Signal(str)
    _resume = Signal(str)
    _cancel = Signal(str)
    _forget = Signal(str)
    _shutdown = Signal()

    def __init__(self, paths: AppPaths | None = None, *, hub: HubClient | None = None,
                 token_store: TokenStore | None = None, manager_options: dict[str, Any] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths or AppPaths.default()
        self.token_store = token_store or TokenStore(self.paths)
        self.hub = hub or HubClient(token_provider=self.token_store.get)
        self._snapshots: dict[str, DownloadSnapshot] = {}
        self._thread = QThread()
        self._thread.setObjectName("downloads")
        self.worker = DownloadWorker(self.paths, self.hub, self.token_store, dict(manager_options or {}))
        self.worker.moveToThread(self._thread)
        for signal, slot in ((self._start, self.worker.start), (self._enqueue, self.worker.enqueue),
                             (self._pause, self.worker.pause), (self._resume, self.worker.resume),
                             (self._cancel, self.worker.cancel), (self._forget, self.worker.forget),
                             (self._shutdown, self.worker.shutdown)):
            signal.connect(slot)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self.failed)
        self.worker.paused.connect(self.paused)
        self.worker.resolveFailed.connect(self.resolveFailed)
        self._closed = False
        self._thread.start()
        self._start.emit()

    # -- commands (non-blocking) ---------------------------------------------------------------
    def download(self, repo_id: str, filename: str, revision: str = "main") -> None:
        self._enqueue.emit(repo_id, filename, revision)

    def pause(self, job_id: str) -> None:
        self._pause.emit(job_id)

    def resume(self, job_id: str) -> None:
        self._resume.emit(job_id)

    def cancel(self, job_id: str) -> None:
        self._cancel.emit(job_id)

    def forget(self, job_id: str) -> None:
        self._snapshots.pop(job_id, None)
        self._forget.emit(job_id)

    # -- state for views -----------------------------------------------------------------------
    def snapshots(self) -> list[DownloadSnapshot]:
        return list(self._snapshots.values())

    def overall(self) -> tuple[int, int, int]:
        """(bytes done, bytes total, number running) over active downloads, for a compact indicator."""
        active = [s for s in self._snapshots.values() if s.state.active]
        return sum(s.bytes_done for s in active), sum(s.total_bytes for s in active), len(active)

    @Slot(object)
    def _on_progress(self, snapshot: DownloadSnapshot) -> None:
        self._snapshots[snapshot.id] = snapshot
        self.progress.emit(snapshot)

    @Slot(object)
    def _on_finished(self, snapshot: DownloadSnapshot) -> None:
        self._snapshots[snapshot.id] = snapshot
        self.finished.emit(snapshot)
        if snapshot.dest_path:
            self.modelInstalled.emit(snapshot.dest_path)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Pause all downloads and stop the thread. Call when the app quits."""
        if self._closed:
            return True
        self._closed = True
        self._shutdown.emit()
        if not self._thread.wait(timeout_ms):
            log.error("The download thread did not stop in time")
            self._thread.quit()
            return self._thread.wait(2000)
        return True


class _TaskWorker(QObject):
    done = Signal(int, object)  # request id, result
    failed = Signal(int, str)  # request id, message for the user

    @Slot(int, object)
    def run(self, request_id: int, job: Callable[[], Any]) -> None:
        try:
            result = job()
        except _USER_ERRORS as exc:
            self.failed.emit(request_id, str(exc))
        except Exception as exc:
            log.exception("Model manager task failed")
            self.failed.emit(request_id, f"Unexpected error: {exc}")
        else:
            self.done.emit(request_id, result)

    @Slot()
    def stop(self) -> None:
        thread = self.thread()
        if thread is not None:
            thread.quit()


class TaskRunner(QObject):
    """Run blocking callables one at a time off the GUI thread.

    ``submit(channel, job, on_done, on_failed)``: a newer submission on the same channel (say,
    "search") supersedes an older one, whose result is then dropped instead of overwriting the
    newer answer on screen. Callbacks run on the GUI thread.
    """

    _run = Signal(int, object)
    _stop = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("model-tasks")
        self._worker = _TaskWorker()
        self._worker.moveToThread(self._thread)
        self._run.connect(self._worker.run)
        self._stop.connect(self._worker.stop)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._next_id = 0
        self._latest: dict[str, int] = {}
        self._pending: dict[int, tuple[str, Callable[[Any], None], Callable[[str], None] | None]] = {}
        self._closed = False
        self._thread.start()

    def submit(self, channel: str, job: Callable[[], Any], on_done: Callable[[Any], None],
               on_failed: Callable[[str], None] | None = None) -> int:
        if self._closed:
            return 0
        self._next_id += 1
        self._latest[channel] = self._next_id
        self._pending[self._next_id] = (channel, on_done, on_failed)
        self._run.emit(self._next_id, job)
        return self._next_id

    def busy(self, channel: str) -> bool:
        return any(c == channel for c, _, _ in self._pending.values())

    @Slot(int, object)
    def _on_done(self, request_id: int, result: object) -> None:
        entry = self._pending.pop(request_id, None)
        if entry is not None and self._latest.get(entry[0]) == request_id:
            entry[1](result)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        entry = self._pending.pop(request_id, None)
        if entry is not None and self._latest.get(entry[0]) == request_id and entry[2] is not None:
            entry[2](message)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        if self._closed:
            return True
        self._closed = True
        self._stop.emit()  # queued after any running task
        return self._thread.wait(timeout_ms)

