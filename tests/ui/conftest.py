"""GUI fixtures: a real inference controller (engine process + worker QThread) that is always shut down."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient


@pytest.fixture
def controller(tmp_path: Path) -> Iterator[InferenceController]:
    c = InferenceController(tmp_path / "engine.log", idle_timeout=60)
    yield c
    c.shutdown()
    assert c._thread.isFinished(), "the inference thread must stop"
    assert not c.worker.client.alive, "the engine process must stop"


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.default().ensure()


@pytest.fixture
def storage(paths: AppPaths, qtbot: object) -> Iterator[StorageClient]:
    """The real chat database of the test profile, on its storage thread."""
    client = StorageClient(paths.database_path)
    # The app's connection creates the database first; tests that also write through a second
    # connection (as a second copy of the app would) start after it.
    failed: list[str] = []
    client.openFailed.connect(failed.append)
    qtbot.waitUntil(lambda: client.opened_info is not None or bool(failed), timeout=10_000)  # type: ignore[attr-defined]
    yield client
    client.shutdown()
