"""Shared fixtures: every test gets its own profile folder, never the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data, config, cache and log folders into the test's temp dir."""
    home = tmp_path / "profile"
    monkeypatch.setenv("GPT4ALL_DESKTOP_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> object:
    """Fail any test that leaves a Python thread running (QThreads are checked by their owners)."""
    import threading

    before = set(threading.enumerate())
    yield
    deadline = __import__("time").monotonic() + 5
    while True:
        extra = [t for t in threading.enumerate()
                 if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)]
        if not extra or __import__("time").monotonic() > deadline:
            break
        __import__("time").sleep(0.05)
    assert not extra, f"threads left running: {extra}"
