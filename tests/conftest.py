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
