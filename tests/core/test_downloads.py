"""Downloads against the Hub look-alike: real GGUF bytes, real HTTP, injected faults.

Every fault test checks the end state: a clear message, and never a bad file in the models
folder or in the list of usable models.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gpt4all_desktop.core.downloads import DownloadManager, DownloadSnapshot, DownloadState, Problem
from gpt4all_desktop.core.downloads_state import download_id
from gpt4all_desktop.core.downloads import _retry_after
from gpt4all_desktop.core.hub import HubClient, RemoteFile
from gpt4all_desktop.core.installed_models import InstalledModels
from gpt4all_desktop.core.paths import AppPaths
from tests.hf_server import FakeHub, Fault, starter_model_bytes

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def model_bytes() -> bytes:
    return starter_model_bytes()


@pytest.fixture
def hub(model_bytes: bytes) -> Iterator[FakeHub]:
    fake = FakeHub()
    fake.add_file(SMOL, FILE, model_bytes)
    fake.add_file("mirror/Smol-GGUF", FILE, model_bytes)
    with fake:
        yield fake


@pytest.fixture
def paths(isolated_profile: Path) -> AppPaths:
    return AppPaths.default().ensure()


@pytest.fixture
def make_manager(paths: AppPaths) -> Iterator[Callable[..., DownloadManager]]:
    managers: list[DownloadManager] = []

    def make(**options: object) -> DownloadManager:
        settings: dict[str, object] = {"backoff_base": 0.02, "stall_timeout": 0.5, "max_retries": 4}
        settings.update(options)
        manager = DownloadManager(paths, **settings)  # type: ignore[arg-type]
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        assert manager.shutdown(timeout=10)


def resolve(hub: FakeHub, repo: str = SMOL, token: str | None = None) -> RemoteFile:
    return HubClient(endpoint=hub.endpoint, token_provider=lambda: token).resolve(repo, FILE)


def when(manager: DownloadManager, predicate: Callable[[DownloadSnapshot], bool]) -> threading.Event:
    event = threading.Event()
    manager.add_listener(lambda snap: event.set() if predicate(snap) else None)
    return event


def assert_nothing_installed(paths: AppPaths) -> None:
    assert list(paths.models_dir.iterdir()) == []
    assert InstalledModels(paths).usable() == []


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_download_installs_a_verified_model(hub: FakeHub, paths: AppPaths, make_manager, model_bytes: bytes) -> None:
    installed = InstalledModels(paths)
    events: list[DownloadSnapshot] = []
    manager = make_manager(on_installed=installed.record_download)
    manager.add_listener(events.append)
    job = manager.add(resolve(hub))
    done = manager.wait(job.id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    dest = paths.models_dir / FILE
    assert done.dest_path == str(dest)
    assert sha256(dest) == hashlib.sha256(model_bytes).hexdigest()
    assert list(paths.downloads_dir.iterdir()) == []  # no partial file or state left behind
    [model] = installed.usable()
    assert model.path == dest and model.info is not None and model.info.quantization == "Q4_1"
    assert model.source == {"kind": "huggingface", "repo_id": SMOL, "filename": FILE,
                            "commit": resolve(hub).commit, "sha256": hashlib.sha256(model_bytes).hexdigest()}
    states = [e.state for e in events]
    assert states[0] is DownloadState.QUEUED and states[-1] is DownloadState.COMPLETED
    assert DownloadState.VERIFYING in states
    # the transfer went through the CDN redirect, which must not receive the Authorization header
    cdn = [r for r in hub.file_requests("/lfs-cdn/")]
    assert cdn and not any(r["has_auth"] for r in cdn)


def test_dropped_connection_resumes_with_range(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("drop", after=30 * MB))
    manager = make_manager()
    job = manager.add(resolve(hub))
    done = manager.wait(job.id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    ranges = [r["range"] for r in hub.file_requests("/lfs-cdn/")]
    assert ranges[0] is None and ranges[1] is not None
    resumed_at = int(ranges[1].removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_at <= 30 * MB
    assert InstalledModels(paths).usable()[0].path.name == FILE


def test_stall_times_out_and_resumes(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("stall", after=10 * MB, seconds=5))
    messages: list[str] = []
    manager = make_manager(stall_timeout=0.3)
    manager.add_listener(lambda s: messages.append(s.message) if s.state is DownloadState.RETRYING else None)
    job = manager.add(resolve(hub))
    done = manager.wait(job.id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    assert any("stalled" in m for m in messages)
    assert hub.file_requests("/lfs-cdn/")[1]["range"] is not None


def test_wrong_bytes_fail_the_checksum_and_are_deleted(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("corrupt", after=50 * MB))
    manager = make_manager()
    job = manager.add(resolve(hub))
    done = manager.wait(job.id, timeout=60)
    assert done is not None
    assert (done.state, done.problem) == (DownloadState.FAILED, Problem.CHECKSUM)
    assert "SHA-256" in done.message and "deleted" in done.message
    assert not done.can_resume
    assert_nothing_installed(paths)
    assert list(paths.downloads_dir.iterdir()) == []


def test_not_found_during_transfer_fails_cleanly(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("status", status=404, path="/lfs-cdn/"))
    manager = make_manager()
    done = manager.wait(manager.add(resolve(hub)).id, timeout=30)
    assert done is not None
    assert (done.state, done.problem) == (DownloadState.FAILED, Problem.NOT_FOUND)
    assert "no longer available" in done.message
    assert_nothing_installed(paths)
    assert list(paths.downloads_dir.iterdir()) == []


def test_unauthorized_explains_how_to_add_a_token(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("status", status=401, path="/resolve/"))
    manager = make_manager()
    done = manager.wait(manager.add(resolve(hub)).id, timeout=30)
    assert done is not None
    assert (done.state, done.problem) == (DownloadState.FAILED, Problem.AUTH)
    assert "token" in done.message and "huggingface.co/settings/tokens" in done.message
    assert done.can_resume  # after adding a token
    assert_nothing_installed(paths)


def test_gated_download_sends_the_token(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.repos[SMOL].gated = True
    manager = make_manager(token_provider=lambda: hub.token)
    done = manager.wait(manager.add(resolve(hub, token=hub.token)).id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    assert all(r["authorized"] for r in hub.file_requests("/resolve/"))


def test_429_waits_for_retry_after_then_continues(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("status", status=429, retry_after="0", path="/lfs-cdn/", times=2))
    messages: list[str] = []
    manager = make_manager()
    manager.add_listener(lambda s: messages.append(s.message) if s.state is DownloadState.RETRYING else None)
    done = manager.wait(manager.add(resolve(hub)).id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    assert len(hub.file_requests("/lfs-cdn/")) == 3
    assert any("limiting" in m for m in messages)


def test_retry_after_header_parsing() -> None:
    assert _retry_after("7") == 7.0
    assert _retry_after("100000") == 300.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_transient_server_errors_are_retried(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("status", status=503, path="/lfs-cdn/", times=2))
    hub.add_fault(Fault("status", status=502, path="/resolve/", times=1))
    manager = make_manager()
    done = manager.wait(manager.add(resolve(hub)).id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done


def test_persistent_server_errors_pause_and_keep_progress(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("drop", after=20 * MB))
    hub.add_fault(Fault("status", status=500, path="/lfs-cdn/", times=3))
    manager = make_manager(max_retries=2)
    job = manager.add(resolve(hub))
    paused = manager.wait(job.id, timeout=60)
    assert paused is not None
    assert (paused.state, paused.problem) == (DownloadState.PAUSED, Problem.SERVER)
    assert "HTTP 500" in paused.message and "Resume" in paused.message
    assert 0 < paused.bytes_done <= 20 * MB
    assert_nothing_installed(paths)
    manager.resume(job.id)  # the fault budget is spent: the server works again
    done = manager.wait(job.id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    assert hub.file_requests("/lfs-cdn/")[-1]["range"] == f"bytes={paused.bytes_done}-"


def test_full_disk_pauses_with_a_message_and_resumes(hub: FakeHub, paths: AppPaths, make_manager,
                                                     model_bytes: bytes) -> None:
    free = {"bytes": 10**12}
    manager = make_manager(free_space=lambda _path: free["bytes"], reserve_bytes=4 * MB)
    manager.add_listener(lambda s: free.update(bytes=2 * MB) if s.bytes_done > 20 * MB else None)
    job = manager.add(resolve(hub))
    paused = manager.wait(job.id, timeout=60)
    assert paused is not None
    assert (paused.state, paused.problem) == (DownloadState.PAUSED, Problem.DISK_FULL)
    assert "disk is full" in paused.message and "Resume" in paused.message
    assert_nothing_installed(paths)
    part = paths.downloads_dir / f"{job.id}.part"
    assert part.stat().st_size == paused.bytes_done
    assert part.read_bytes() == model_bytes[: paused.bytes_done]  # what was written is intact

    manager.resume(job.id)  # still full: pauses again before any request
    requests_before = len(hub.file_requests())
    still = manager.wait(job.id, timeout=30)
    assert still is not None and still.problem is Problem.DISK_FULL
    assert len(hub.file_requests()) == requests_before

    free["bytes"] = 10**12
    manager.remove_listener(manager._listeners[0])
    manager.resume(job.id)
    done = manager.wait(job.id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    assert hub.file_requests("/lfs-cdn/")[-1]["range"] == f"bytes={paused.bytes_done}-"
    assert sha256(paths.models_dir / FILE) == hashlib.sha256(model_bytes).hexdigest()


def test_resume_after_restarting_the_manager(hub: FakeHub, paths: AppPaths, make_manager, model_bytes: bytes) -> None:
    hub.add_fault(Fault("drop", after=40 * MB))
    first = make_manager(max_retries=0)
    job = first.add(resolve(hub))
    stopped = first.wait(job.id, timeout=60)
    assert stopped is not None and stopped.state is DownloadState.PAUSED and stopped.problem is Problem.NETWORK
    assert first.shutdown()
    partial = stopped.bytes_done
    assert 0 < partial <= 40 * MB

    second = make_manager()  # a new process would do exactly this
    [restored] = second.snapshots()
    assert (restored.id, restored.state, restored.bytes_done) == (job.id, DownloadState.PAUSED, partial)
    assert restored.total_bytes == len(model_bytes) and restored.can_resume
    second.resume(job.id)
    done = second.wait(job.id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    assert hub.file_requests("/lfs-cdn/")[-1]["range"] == f"bytes={partial}-"
    assert sha256(paths.models_dir / FILE) == hashlib.sha256(model_bytes).hexdigest()
    assert list(paths.downloads_dir.iterdir()) == []


def test_killed_process_leaves_a_resumable_download(hub: FakeHub, paths: AppPaths, make_manager,
                                                    model_bytes: bytes) -> None:
    """State says "downloading" (the app died mid-transfer); the partial file holds 12 MB."""
    remote = resolve(hub)
    job_id = download_id(SMOL, FILE)
    paths.downloads_dir.mkdir(parents=True, exist_ok=True)
    (paths.downloads_dir / f"{job_id}.part").write_bytes(model_bytes[: 12 * MB])
    state = {"version": 1, "id": job_id, "repo_id": SMOL, "filename": FILE, "revision": remote.revision,
             "url": remote.url, "size": remote.size, "sha256": remote.sha256, "commit": remote.commit,
             "state": "downloading", "message": "", "problem": ""}
    (paths.downloads_dir / f"{job_id}.json").write_text(json.dumps(state), encoding="utf-8")
    (paths.downloads_dir / "0000orphan.part").write_bytes(b"junk")  # no state: cannot be resumed

    manager = make_manager()
    [restored] = manager.snapshots()
    assert restored.state is DownloadState.PAUSED and restored.problem is Problem.INTERRUPTED
    assert "Interrupted" in restored.message and restored.bytes_done == 12 * MB
    assert not (paths.downloads_dir / "0000orphan.part").exists()
    manager.resume(job_id)
    done = manager.wait(job_id, timeout=60)
    assert done is not None and done.state is DownloadState.COMPLETED, done
    assert hub.file_requests("/lfs-cdn/")[0]["range"] == f"bytes={12 * MB}-"


def test_corrupt_partial_from_a_previous_run_is_caught_by_the_checksum(hub: FakeHub, paths: AppPaths,
                                                                       make_manager, model_bytes: bytes) -> None:
    manager = make_manager()
    job = manager.add(resolve(hub), start=False)
    damaged = bytearray(model_bytes[: 8 * MB])
    damaged[1000] ^= 0xFF
    (paths.downloads_dir / f"{job.id}.part").write_bytes(bytes(damaged))
    manager.resume(job.id)
    done = manager.wait(job.id, timeout=60)
    assert done is not None and done.problem is Problem.CHECKSUM
    assert_nothing_installed(paths)


def test_pause_resume_and_cancel(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("slow", seconds=0.005, times=2))
    manager = make_manager()
    job = manager.add(resolve(hub))
    started = when(manager, lambda s: s.bytes_done > 2 * MB)
    assert started.wait(30)
    manager.pause(job.id)
    paused = manager.wait(job.id, timeout=30)
    assert paused is not None and paused.state is DownloadState.PAUSED and paused.bytes_done > 2 * MB
    assert (paths.downloads_dir / f"{job.id}.part").stat().st_size == paused.bytes_done

    resumed = when(manager, lambda s: s.state is DownloadState.DOWNLOADING and s.bytes_done > paused.bytes_done + MB)
    manager.resume(job.id)
    assert resumed.wait(30)
    assert hub.file_requests("/lfs-cdn/")[-1]["range"] == f"bytes={paused.bytes_done}-"
    manager.cancel(job.id)
    cancelled = manager.wait(job.id, timeout=30)
    assert cancelled is not None and cancelled.state is DownloadState.CANCELLED
    assert list(paths.downloads_dir.iterdir()) == []
    assert_nothing_installed(paths)


def test_concurrency_limit_queues_the_rest(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    hub.add_fault(Fault("slow", seconds=0.002, path=SMOL))
    manager = make_manager(max_concurrent=1)
    first = manager.add(resolve(hub))
    started = when(manager, lambda s: s.id == first.id and s.bytes_done > MB)
    assert started.wait(30)
    second = manager.add(resolve(hub, "mirror/Smol-GGUF"))
    assert manager.get(second.id).state is DownloadState.QUEUED  # type: ignore[union-attr]
    manager.pause(first.id)
    manager.wait(first.id, timeout=30)
    done = manager.wait(second.id, timeout=60)  # the free slot goes to the queued one
    assert done is not None and done.state is DownloadState.COMPLETED
    assert (paths.models_dir / FILE).exists()
    manager.resume(first.id)
    again = manager.wait(first.id, timeout=60)
    assert again is not None and again.state is DownloadState.COMPLETED
    assert (paths.models_dir / "SmolLM2-135M-Instruct.Q4_1 (2).gguf").exists()  # never overwritten


def test_file_changed_on_the_hub_restarts_from_scratch(hub: FakeHub, paths: AppPaths, make_manager) -> None:
    manager = make_manager()
    remote = resolve(hub)
    job = manager.add(remote, start=False)
    (paths.downloads_dir / f"{job.id}.part").write_bytes(b"old content")
    changed = RemoteFile(remote.repo_id, remote.filename, remote.revision, remote.url, remote.size,
                         "0" * 64, remote.commit)
    manager.add(changed, start=False)
    assert not (paths.downloads_dir / f"{job.id}.part").exists()


def test_non_gguf_names_are_refused(hub: FakeHub, make_manager) -> None:
    remote = RemoteFile(SMOL, "README.md", "main", hub.endpoint + "/x", 10, None, None)
    with pytest.raises(ValueError, match="not a GGUF"):
        make_manager().add(remote)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_untrusted_certificate_stops_the_download(tmp_path: Path, paths: AppPaths, make_manager) -> None:
    """TLS verification stays on: a self-signed server gets no request and no file is kept."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    fake = FakeHub()
    fake.add_file(SMOL, FILE, b"GGUF" + bytes(1000))
    with fake.start(tls=(cert, key)):
        url = f"{fake.endpoint}/{SMOL}/resolve/main/{FILE}"
        remote = RemoteFile(SMOL, FILE, "main", url, 1004, fake.repos[SMOL].files[FILE].sha256, None)
        manager = make_manager()
        done = manager.wait(manager.add(remote).id, timeout=30)
        assert done is not None and done.state is DownloadState.PAUSED, done
        assert "certificate" in done.message
        assert fake.requests == []  # the handshake failed before any HTTP request
    assert_nothing_installed(paths)
