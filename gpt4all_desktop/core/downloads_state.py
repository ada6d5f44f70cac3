"""What a download is, and how it is remembered across restarts.

Each download keeps two files in the downloads folder: ``<id>.part`` (the bytes so far) and
``<id>.json`` (where they come from, the expected size and SHA-256, and the last state). The
partial file's length is the resume offset: it is only ever appended to, so whatever is on
disk after a crash is a correct prefix, and the final SHA-256 check catches anything else.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.hub import RemoteFile

log = logging.getLogger(__name__)

STATE_VERSION = 1


class DownloadState(str, enum.Enum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    RETRYING = "retrying"
    PAUSED = "paused"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        return self in (DownloadState.QUEUED, DownloadState.DOWNLOADING, DownloadState.RETRYING, DownloadState.VERIFYING)

    @property
    def finished(self) -> bool:
        return self in (DownloadState.COMPLETED, DownloadState.FAILED, DownloadState.CANCELLED)


class Problem(str, enum.Enum):
    """Why a download stopped, so the UI can offer the right action (add a token, free space...)."""

    NONE = ""
    AUTH = "auth"
    NOT_FOUND = "not_found"
    CHECKSUM = "checksum"
    INVALID = "invalid"
    DISK_FULL = "disk_full"
    NETWORK = "network"
    SERVER = "server"
    INTERRUPTED = "interrupted"
    INTERNAL = "internal"


@dataclass(frozen=True)
class DownloadSnapshot:
    """An immutable picture of one download, safe to hand to another thread."""

    id: str
    repo_id: str
    filename: str
    state: DownloadState
    bytes_done: int
    total_bytes: int
    speed_bps: float = 0.0
    eta_seconds: float | None = None
    message: str = ""
    problem: Problem = Problem.NONE
    dest_path: str | None = None

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.total_bytes if self.total_bytes else 0.0

    @property
    def can_resume(self) -> bool:
        return self.state in (DownloadState.PAUSED, DownloadState.FAILED) and self.problem not in (
            Problem.CHECKSUM, Problem.INVALID, Problem.NOT_FOUND
        )


def download_id(repo_id: str, filename: str) -> str:
    """Stable per repo and file, so a new request for the same file finds the partial download."""
    return hashlib.sha1(f"{repo_id}\n{filename}".encode()).hexdigest()[:16]


@dataclass
class PersistedDownload:
    """The JSON next to a partial file."""

    id: str
    repo_id: str
    filename: str
    revision: str
    url: str
    size: int
    sha256: str | None
    commit: str | None
    state: str = DownloadState.QUEUED.value
    message: str = ""
    problem: str = ""
    version: int = STATE_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_remote(cls, remote: RemoteFile) -> "PersistedDownload":
        return cls(
            id=download_id(remote.repo_id, remote.filename),
            repo_id=remote.repo_id,
            filename=remote.filename,
            revision=remote.revision,
            url=remote.url,
            size=remote.size,
            sha256=remote.sha256,
            commit=remote.commit,
        )

    def remote(self) -> RemoteFile:
        return RemoteFile(self.repo_id, self.filename, self.revision, self.url, self.size, self.sha256, self.commit)

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the old state or the new one, never half a file."""
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "PersistedDownload | None":
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("version") != STATE_VERSION:
                log.warning("Ignoring download state %s with unknown version %r", path.name, raw.get("version"))
                return None
            known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
            item = cls(**known)
            if not isinstance(item.size, int) or item.size < 0 or not item.url:
                raise ValueError("bad size or url")
            return item
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("Ignoring unreadable download state %s: %s", path.name, exc)
            return None


@dataclass
class DownloadJob:
    """A download's live state inside the manager (mutable; hand out :meth:`snapshot` instead)."""

    record: PersistedDownload
    part_path: Path
    state_path: Path
    state: DownloadState = DownloadState.QUEUED
    bytes_done: int = 0
    speed: float = 0.0
    eta: float | None = None
    message: str = ""
    problem: Problem = Problem.NONE
    dest_path: Path | None = None
    hasher: "hashlib._Hash" = field(default_factory=hashlib.sha256)
    pause: threading.Event = field(default_factory=threading.Event)
    cancel: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def snapshot(self) -> DownloadSnapshot:
        return DownloadSnapshot(
            id=self.record.id,
            repo_id=self.record.repo_id,
            filename=self.record.filename,
            state=self.state,
            bytes_done=self.bytes_done,
            total_bytes=self.record.size,
            speed_bps=self.speed,
            eta_seconds=self.eta,
            message=self.message,
            problem=self.problem,
            dest_path=str(self.dest_path) if self.dest_path else None,
        )
