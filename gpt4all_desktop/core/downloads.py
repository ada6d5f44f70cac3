"""Model downloads people can trust: resumable, verified, and never half-installed.

huggingface_hub's own ``hf_hub_download`` resumes only within one call, leaves orphaned
``.incomplete`` files after a restart, does not retry a reset or a 5xx mid-file, and does not
check the SHA-256 of what it wrote. So we use huggingface_hub for the Hub's API (see
:mod:`hub`) and own the transfer here:

* a partial file plus HTTP ``Range`` resumes across pauses, retries and app restarts;
* dropped connections, stalls (read timeout), 429 (honouring ``Retry-After``) and 5xx retry
  by themselves with exponential backoff, and resume where they stopped;
* the SHA-256 published by the Hub is checked before the file is moved atomically into the
  models folder; a mismatch deletes the file and says so;
* free disk space is checked before starting and while writing; a full disk pauses the
  download with a clear message instead of leaving a corrupt model;
* 401/403 stop with instructions for adding a Hugging Face token (which is never logged);
* TLS certificates are always verified.

The manager runs each transfer on its own thread, at most ``max_concurrent`` at once, and
reports :class:`DownloadSnapshot` objects to listeners (called on those threads; the Qt bridge
in ``workers/download_worker.py`` turns them into signals).
"""

from __future__ import annotations

import email.utils
import errno
import hashlib
import logging
import ssl
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import httpx2

from gpt4all_desktop import __version__
from gpt4all_desktop.core.downloads_io import (
    default_validator,
    disk_free,
    file_size,
    move_atomically,
    truncate,
    unique_destination,
)
from gpt4all_desktop.core.downloads_state import (
    DownloadJob,
    DownloadSnapshot,
    DownloadState,
    PersistedDownload,
    Problem,
    download_id,
)
from gpt4all_desktop.core.fit import format_bytes
from gpt4all_desktop.core.hub import RemoteFile, auth_help
from gpt4all_desktop.core.paths import AppPaths

__all__ = ["DownloadManager", "DownloadSnapshot", "DownloadState", "Problem", "download_id"]

log = logging.getLogger(__name__)

Listener = Callable[[DownloadSnapshot], None]
FreeSpace = Callable[[Path], int]
_CHUNK = 256 * 1024
_PROGRESS_INTERVAL = 0.2
_MAX_RETRY_AFTER = 300.0


class _Stop(Exception):
    """Internal: the transfer ends in ``state`` with ``message`` (and maybe removes its files)."""

    def __init__(self, state: DownloadState, message: str, problem: Problem = Problem.NONE, *, discard: bool = False):
        super().__init__(message)
        self.state = state
        self.message = message
        self.problem = problem
        self.discard = discard


class _Retryable(Exception):
    def __init__(self, message: str, problem: Problem, delay: float | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.delay = delay


class DownloadManager:
    """Queue, run, pause, resume and cancel model downloads. Thread-safe; Qt-free."""

    def __init__(
        self,
        paths: AppPaths | None = None,
        *,
        token_provider: Callable[[], str | None] | None = None,
        max_concurrent: int = 2,
        max_retries: int = 6,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        stall_timeout: float = 30.0,
        connect_timeout: float = 15.0,
        reserve_bytes: int = 64 * 1024 * 1024,
        free_space: FreeSpace = disk_free,
        validator: Callable[[Path], object] | None = None,
        on_installed: Callable[[Path, RemoteFile], None] | None = None,
    ) -> None:
        self._paths = paths or AppPaths.default()
        self._downloads_dir = self._paths.downloads_dir
        self._models_dir = self._paths.models_dir
        self._downloads_dir.mkdir(parents=True, exist_ok=True)
        self._models_dir.mkdir(parents=True, exist_ok=True)
        self._token_provider = token_provider or (lambda: None)
        self.max_concurrent = max(1, max_concurrent)
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._timeout = httpx2.Timeout(connect=connect_timeout, read=stall_timeout, write=30.0, pool=30.0)
        self._reserve = reserve_bytes
        self._free_space = free_space
        self._validator = validator if validator is not None else default_validator
        self._on_installed = on_installed
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._threads: set[threading.Thread] = set()
        self._jobs: dict[str, DownloadJob] = {}
        self._order: list[str] = []
        self._listeners: list[Listener] = []
        self._closed = False
        self._restore()

    # -- listeners -----------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _emit(self, job: DownloadJob) -> None:
        snapshot = job.snapshot()
        with self._lock:
            listeners = list(self._listeners)
            self._changed.notify_all()
        for listener in listeners:
            try:
                listener(snapshot)
            except Exception:  # a broken listener must not kill a download
                log.exception("Download listener failed")

    # -- queries -------------------------------------------------------------------------------
    def snapshots(self) -> list[DownloadSnapshot]:
        with self._lock:
            return [self._jobs[i].snapshot() for i in self._order]

    def get(self, job_id: str) -> DownloadSnapshot | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.snapshot() if job else None

    def wait(self, job_id: str, timeout: float | None = None) -> DownloadSnapshot | None:
        """Block until the job is no longer queued or running (for scripts and tests; never call
        on the GUI thread). Returns the final snapshot, or the current one on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            self._changed.wait_for(lambda: not job.state.active, timeout)
            thread = job.thread
        if thread is not None:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return self.get(job_id)

    # -- commands ------------------------------------------------------------------------------
    def add(self, remote: RemoteFile, *, start: bool = True) -> DownloadSnapshot:
        """Queue ``remote``. A partial download of the same repo file is resumed if it is the same
        content (same SHA-256 and size); otherwise it is discarded and started afresh."""
        if not remote.filename.lower().endswith(".gguf"):
            raise ValueError(f"{remote.filename} is not a GGUF model file.")
        record = PersistedDownload.from_remote(remote)
        with self._lock:
            if self._closed:
                raise RuntimeError("The download manager is shut down.")
            job = self._jobs.get(record.id)
            if job is not None and job.state.active:
                return job.snapshot()
            if job is not None and (job.record.sha256, job.record.size) != (record.sha256, record.size):
                log.info("The file %s changed on the Hub; starting its download afresh", remote.filename)
                self._discard_files(job)
                job = None
            if job is None or job.state.finished:
                job = self._new_job(record)
            else:
                job.record = replace(record, state=job.record.state)
            job.state = DownloadState.QUEUED if start else DownloadState.PAUSED
            job.message, job.problem = "", Problem.NONE
            self._persist(job)
            snapshot = job.snapshot()
        self._emit(job)
        self._pump()
        return snapshot

    def pause(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.state.active:
                return
            if job.thread is not None and job.thread.is_alive():
                job.pause.set()
                job.wake.set()
                return
            job.state, job.message, job.problem = DownloadState.PAUSED, "Paused.", Problem.NONE
            self._persist(job)
        self._emit(job)

    def resume(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state not in (DownloadState.PAUSED, DownloadState.FAILED):
                return
            if not job.snapshot().can_resume:
                return
            job.state, job.message, job.problem = DownloadState.QUEUED, "", Problem.NONE
            self._persist(job)
        self._emit(job)
        self._pump()

    def cancel(self, job_id: str) -> None:
        """Stop and delete the partial file."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state in (DownloadState.COMPLETED, DownloadState.CANCELLED):
                return
            thread = job.thread if job.thread is not None and job.thread.is_alive() else None
            if thread is not None and job.state.active:
                job.cancel.set()
                job.wake.set()
                return
        if thread is not None:  # it has just paused or failed and is on its way out
            thread.join(5)
        with self._lock:
            self._discard_files(job)
            job.state, job.message, job.problem, job.bytes_done = DownloadState.CANCELLED, "Cancelled.", Problem.NONE, 0
        self._emit(job)

    def forget(self, job_id: str) -> None:
        """Remove a finished download from the list (its files are already gone or installed)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state.finished:
                if job.state is DownloadState.FAILED:
                    self._discard_files(job)
                del self._jobs[job_id]
                self._order.remove(job_id)

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Pause everything (it resumes after a restart) and wait for the transfer threads."""
        with self._lock:
            self._closed = True
            threads = [t for t in self._threads if t.is_alive()]
            for job in self._jobs.values():
                if job.thread is not None and job.thread.is_alive():
                    job.pause.set()
                    job.wake.set()
                elif job.state is DownloadState.QUEUED:
                    job.state, job.message = DownloadState.PAUSED, "Paused."
                    self._persist(job)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)

    # -- internals -----------------------------------------------------------------------------
    def _new_job(self, record: PersistedDownload) -> DownloadJob:
        job = DownloadJob(record, self._downloads_dir / f"{record.id}.part", self._downloads_dir / f"{record.id}.json")
        job.bytes_done = file_size(job.part_path)
        if record.id not in self._jobs:
            self._order.append(record.id)
        self._jobs[record.id] = job
        return job

    def _restore(self) -> None:
        """Pick up partial downloads left by a previous run, paused, with their progress."""
        for state_path in sorted(self._downloads_dir.glob("*.json")):
            record = PersistedDownload.load(state_path)
            if record is None or record.id != state_path.stem:
                continue
            job = self._new_job(record)
            stored = DownloadState(record.state) if record.state in DownloadState._value2member_map_ else DownloadState.PAUSED
            if stored is DownloadState.FAILED:
                job.state, job.message, job.problem = stored, record.message, Problem(record.problem or "")
            elif stored is DownloadState.PAUSED and record.message:
                job.state, job.message, job.problem = stored, record.message, Problem(record.problem or "")
            else:
                job.state = DownloadState.PAUSED
                job.message = "Interrupted when the app closed. Resume to continue where it stopped."
                job.problem = Problem.INTERRUPTED
            log.info("Found a partial download of %s (%s of %s)", record.filename,
                     format_bytes(job.bytes_done), format_bytes(record.size))
        known = {f"{job_id}.part" for job_id in self._jobs}
        for orphan in self._downloads_dir.glob("*.part"):
            if orphan.name not in known:  # nothing says what it is: it can never be resumed
                log.info("Removing orphaned partial download %s", orphan.name)
                orphan.unlink(missing_ok=True)

    def _persist(self, job: DownloadJob) -> None:
        job.record.state = job.state.value
        job.record.message = job.message
        job.record.problem = job.problem.value
        try:
            job.record.save(job.state_path)
        except OSError as exc:
            log.warning("Could not save the state of download %s: %s", job.record.filename, exc)

    def _discard_files(self, job: DownloadJob) -> None:
        for path in (job.part_path, job.state_path):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("Could not delete %s: %s", path, exc)
        job.bytes_done = 0

    def _pump(self) -> None:
        """Start queued jobs while fewer than ``max_concurrent`` are running."""
        with self._lock:
            if self._closed:
                return
            self._threads = {t for t in self._threads if t.is_alive()}
            running = sum(1 for j in self._jobs.values() if j.thread is not None)
            for job_id in self._order:
                if running >= self.max_concurrent:
                    break
                job = self._jobs[job_id]
                if job.state is not DownloadState.QUEUED or job.thread is not None:
                    continue
                job.pause.clear()
                job.cancel.clear()
                job.wake.clear()
                job.thread = threading.Thread(target=self._run, args=(job,), name=f"download-{job_id}", daemon=True)
                self._threads.add(job.thread)
                job.thread.start()
                running += 1

    def _run(self, job: DownloadJob) -> None:
        try:
            self._transfer(job)
        except _Stop as stop:
            self._finish(job, stop)
        except Exception as exc:
            log.exception("Download of %s failed unexpectedly", job.record.filename)
            self._finish(job, _Stop(DownloadState.PAUSED, f"Unexpected error: {exc}. Resume to try again.", Problem.INTERNAL))
        finally:
            with self._lock:
                job.speed, job.eta = 0.0, None
                job.thread = None  # frees the slot for the next queued download
                self._changed.notify_all()
            self._pump()

    def _finish(self, job: DownloadJob, stop: _Stop) -> None:
        with self._lock:
            if stop.discard:
                self._discard_files(job)
            job.state, job.message, job.problem = stop.state, stop.message, stop.problem
            job.speed, job.eta = 0.0, None
            if not stop.discard and stop.state in (DownloadState.PAUSED, DownloadState.FAILED):
                self._persist(job)  # keeps the partial file resumable after a restart
        log.info("Download of %s: %s (%s)", job.record.filename, stop.state.value, stop.message)
        self._emit(job)

    def _set(self, job: DownloadJob, state: DownloadState, message: str = "", problem: Problem = Problem.NONE) -> None:
        with self._lock:
            job.state, job.message, job.problem = state, message, problem
        self._emit(job)

    def _check_control(self, job: DownloadJob) -> None:
        if job.cancel.is_set():
            raise _Stop(DownloadState.CANCELLED, "Cancelled.", discard=True)
        if job.pause.is_set():
            raise _Stop(DownloadState.PAUSED, "Paused.")

    # -- the transfer --------------------------------------------------------------------------
    def _transfer(self, job: DownloadJob) -> None:
        record = job.record
        job.part_path.touch(exist_ok=True)
        offset = file_size(job.part_path)
        if offset > record.size:
            truncate(job.part_path, 0)
            offset = 0
        job.bytes_done = offset
        job.hasher = self._hash_prefix(job, offset)
        self._check_space(job, record.size - offset)
        if not _same_device(self._downloads_dir, self._models_dir):  # the final move will be a copy
            self._check_space(job, record.size, folder=self._models_dir)
        self._set(job, DownloadState.DOWNLOADING, "Connecting…")

        attempt = 0
        with httpx2.Client(timeout=self._timeout, follow_redirects=True, verify=True) as client:
            while job.bytes_done < record.size:
                self._check_control(job)
                before = job.bytes_done
                try:
                    self._request(client, job)
                    if job.bytes_done < record.size:
                        self._check_control(job)
                        raise _Retryable("The connection closed before the file was complete.", Problem.NETWORK)
                except (_Retryable, httpx2.TransportError) as exc:
                    self._check_control(job)
                    if _is_certificate_error(exc):  # retrying cannot fix it; never fall back to no TLS
                        raise _Stop(DownloadState.PAUSED, "The server's security certificate could not be verified, "
                                    "so the download was stopped to protect you (a network that intercepts "
                                    "secure connections can cause this). Resume on a trusted network.",
                                    Problem.NETWORK) from exc
                    attempt = 1 if job.bytes_done > before else attempt + 1  # progress resets the backoff
                    problem, message, delay = self._describe_retry(exc, attempt)
                    if attempt > self._max_retries:
                        raise _Stop(DownloadState.PAUSED, f"{message} Gave up after {self._max_retries} retries; "
                                    "press Resume to try again (nothing downloaded so far is lost).", problem) from exc
                    self._set(job, DownloadState.RETRYING,
                              f"{message} Retrying in {delay:.0f} s (attempt {attempt} of {self._max_retries}).", problem)
                    log.info("Download of %s: %s; retry %d in %.1f s", record.filename, type(exc).__name__, attempt, delay)
                    job.wake.wait(delay)
                    job.wake.clear()
        self._check_control(job)
        self._install(job)

    def _describe_retry(self, exc: Exception, attempt: int) -> tuple[Problem, str, float]:
        backoff = min(self._backoff_cap, self._backoff_base * (2 ** (attempt - 1)))
        if isinstance(exc, _Retryable):
            return exc.problem, str(exc), exc.delay if exc.delay is not None else backoff
        if isinstance(exc, httpx2.TimeoutException):
            return Problem.NETWORK, "The connection stalled.", backoff
        if isinstance(exc, httpx2.ConnectError):
            return Problem.NETWORK, "Could not connect to Hugging Face.", backoff
        return Problem.NETWORK, "The connection was lost.", backoff

    def _hash_prefix(self, job: DownloadJob, offset: int) -> "hashlib._Hash":
        """Hash what is already on disk, so the final check covers the whole file after a restart."""
        hasher = hashlib.sha256()
        if offset:
            self._set(job, DownloadState.VERIFYING, "Checking the part downloaded earlier…")
            with open(job.part_path, "rb") as handle:
                remaining = offset
                while remaining:
                    self._check_control(job)
                    block = handle.read(min(8 * 1024 * 1024, remaining))
                    if not block:
                        break
                    hasher.update(block)
                    remaining -= len(block)
        return hasher

    def _headers(self, offset: int) -> dict[str, str]:
        headers = {"Accept-Encoding": "identity", "User-Agent": f"gpt4all-desktop/{__version__}"}
        token = self._token_provider()
        if token:
            headers["Authorization"] = f"Bearer {token}"  # httpx drops it on redirects to other hosts
        if offset:
            headers["Range"] = f"bytes={offset}-"
        return headers

    def _request(self, client: httpx2.Client, job: DownloadJob) -> None:
        """One GET from ``job.bytes_done`` on. Progress lives on the job, so an exception mid-file
        (reset, stall) loses nothing: the next attempt continues from the last byte written."""
        record = job.record
        with client.stream("GET", record.url, headers=self._headers(job.bytes_done)) as response:
            self._check_status(job, response)
            self._set(job, DownloadState.DOWNLOADING)
            window_start, window_bytes, last_emit = time.monotonic(), 0, 0.0
            with open(job.part_path, "r+b") as handle:
                handle.seek(job.bytes_done)
                handle.truncate()
                for chunk in response.iter_bytes(_CHUNK):
                    if job.cancel.is_set() or job.pause.is_set():
                        break
                    chunk = chunk[: record.size - job.bytes_done]
                    if not chunk:
                        break
                    self._check_space(job, len(chunk), handle=handle)
                    self._write(job, handle, chunk)
                    window_bytes += len(chunk)
                    now = time.monotonic()
                    if now - last_emit >= _PROGRESS_INTERVAL:
                        rate = window_bytes / max(now - window_start, 1e-6)
                        with self._lock:
                            job.speed = rate if job.speed == 0 else 0.7 * job.speed + 0.3 * rate
                            job.eta = (record.size - job.bytes_done) / job.speed if job.speed > 0 else None
                            job.message = ""
                        window_start, window_bytes, last_emit = now, 0, now
                        self._emit(job)

    def _write(self, job: DownloadJob, handle: "object", chunk: bytes) -> None:
        try:
            handle.write(chunk)  # type: ignore[attr-defined]
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                handle.truncate(job.bytes_done)  # type: ignore[attr-defined]
                raise _Stop(DownloadState.PAUSED,
                            _disk_full_message(job.record.filename, 0, job.record.size - job.bytes_done),
                            Problem.DISK_FULL) from exc
            raise
        job.hasher.update(chunk)
        job.bytes_done += len(chunk)

    def _check_status(self, job: DownloadJob, response: httpx2.Response) -> None:
        record, status, offset = job.record, response.status_code, job.bytes_done
        if status in (401, 403):
            raise _Stop(DownloadState.FAILED, auth_help(record.repo_id), Problem.AUTH)
        if status in (404, 410):
            raise _Stop(DownloadState.FAILED, f"{record.filename} is no longer available on Hugging Face "
                        f"(HTTP {status}); the partial download was removed.", Problem.NOT_FOUND, discard=True)
        if status == 429:
            delay = _retry_after(response.headers.get("Retry-After"))
            raise _Retryable("Hugging Face is limiting downloads right now.", Problem.SERVER, delay)
        if status == 408 or status >= 500:
            raise _Retryable(f"Hugging Face is having trouble (HTTP {status}).", Problem.SERVER)
        if status == 416:  # our offset is past the end: the partial file cannot be trusted
            truncate(job.part_path, 0)
            job.bytes_done, job.hasher = 0, hashlib.sha256()
            raise _Retryable("The server did not accept the resume position.", Problem.SERVER)
        if status >= 400:
            raise _Stop(DownloadState.FAILED, f"Hugging Face refused the download (HTTP {status}).", Problem.SERVER)
        if status == 200 and offset:
            log.info("Server ignored the Range request for %s; starting over", record.filename)
            job.bytes_done, job.hasher = 0, hashlib.sha256()
        elif status == 206 and not _range_starts_at(response.headers.get("Content-Range"), offset):
            raise _Retryable("The server answered with the wrong part of the file.", Problem.SERVER)

    def _check_space(self, job: DownloadJob, needed: int, *, handle: object = None, folder: Path | None = None) -> None:
        try:
            free = self._free_space(folder or self._downloads_dir)
        except OSError as exc:
            log.warning("Could not check free disk space: %s", exc)
            return
        if free - needed < self._reserve:
            if handle is not None:
                handle.flush()  # type: ignore[attr-defined]
            remaining = job.record.size - job.bytes_done
            raise _Stop(DownloadState.PAUSED, _disk_full_message(job.record.filename, free, remaining + self._reserve),
                        Problem.DISK_FULL)

    def _install(self, job: DownloadJob) -> None:
        record = job.record
        self._set(job, DownloadState.VERIFYING, "Verifying the file…")
        size = file_size(job.part_path)
        if size != record.size:
            raise _Stop(DownloadState.FAILED, f"{record.filename} has the wrong size ({size} instead of {record.size} "
                        "bytes); it was deleted. Download it again.", Problem.CHECKSUM, discard=True)
        digest = job.hasher.hexdigest()
        if record.sha256 and digest != record.sha256.lower():
            log.warning("SHA-256 mismatch for %s: expected %s, got %s", record.filename, record.sha256, digest)
            raise _Stop(DownloadState.FAILED, f"{record.filename} did not match the SHA-256 checksum published on "
                        "Hugging Face, so it was damaged on the way and has been deleted. Download it again.",
                        Problem.CHECKSUM, discard=True)
        try:
            self._validator(job.part_path)
        except ValueError as exc:
            raise _Stop(DownloadState.FAILED, f"{record.filename} is not a usable model: {exc} It was deleted.",
                        Problem.INVALID, discard=True) from exc
        dest = unique_destination(self._models_dir, Path(record.filename).name)
        try:
            move_atomically(job.part_path, dest)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise _Stop(DownloadState.PAUSED, _disk_full_message(record.filename, 0, record.size), Problem.DISK_FULL) from exc
            raise
        job.state_path.unlink(missing_ok=True)
        with self._lock:
            job.dest_path = dest
            job.bytes_done = record.size
        if self._on_installed is not None:
            try:
                self._on_installed(dest, record.remote())
            except Exception:
                log.exception("Recording the source of %s failed", dest.name)
        raise _Stop(DownloadState.COMPLETED, f"Installed as {dest.name}.")


def _range_starts_at(content_range: str | None, offset: int) -> bool:
    if not content_range or not content_range.startswith("bytes "):
        return False
    first = content_range[6:].split("-", 1)[0]
    return first.isdigit() and int(first) == offset


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date), capped at five minutes."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, when.timestamp() - time.time()), _MAX_RETRY_AFTER)


def _disk_full_message(filename: str, free: int, needed: int) -> str:
    have = f"only {format_bytes(free)} is free and " if free else ""
    return (f"The disk is full, so the download of {filename} was paused: {have}about {format_bytes(needed)} "
            "more is needed. Free up some space, then press Resume; it continues where it stopped.")


def _same_device(first: Path, second: Path) -> bool:
    try:
        return first.stat().st_dev == second.stat().st_dev
    except OSError:
        return True


def _is_certificate_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
