"""The GitHub Actions workflow cannot run here, so we lint it with actionlint and check its shape."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.packaging.helpers import REPO

WORKFLOW = REPO / ".github" / "workflows" / "build.yml"


def actionlint() -> str:
    """The actionlint executable the packaging extra installs (venv first, then PATH)."""
    beside_python = Path(sys.executable).with_name("actionlint")
    found = str(beside_python) if beside_python.is_file() else shutil.which("actionlint")
    if not found:
        message = "actionlint is missing: install the packaging extra (pip install -e '.[packaging]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run_actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([actionlint(), "-no-color", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_passes_actionlint() -> None:
    result = run_actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    # Proves the lint above can fail: an undefined matrix key and an unknown runner label.
    broken = WORKFLOW.read_text(encoding="utf-8").replace("${{ matrix.cmake_args }}", "${{ matrix.cmake_flags }}")
    broken = broken.replace("os: ubuntu-22.04", "os: ubuntu-22.04-nonexistent")
    path = tmp_path / ".github" / "workflows" / "build.yml"
    path.parent.mkdir(parents=True)
    path.write_text(broken, encoding="utf-8")
    result = run_actionlint(path)
    assert result.returncode != 0
    assert "cmake_flags" in result.stdout


def test_matrix_builds_each_os_with_its_gpu_backend() -> None:
    jobs = workflow()["jobs"]
    entries = {e["os"]: e for e in jobs["package"]["strategy"]["matrix"]["include"]}
    assert set(entries) == {"macos-14", "windows-latest", "ubuntu-22.04"}
    assert "-DGGML_METAL=ON" in entries["macos-14"]["cmake_args"]
    for x86 in ("windows-latest", "ubuntu-22.04"):
        assert "-DGGML_VULKAN=ON" in entries[x86]["cmake_args"]
        assert "-DGGML_NATIVE=OFF" in entries[x86]["cmake_args"], "x86 packages must not target the runner's CPU"
    assert jobs["package"]["env"]["CMAKE_ARGS"] == "${{ matrix.cmake_args }}"


def test_every_os_self_tests_the_frozen_app_and_uploads_it() -> None:
    steps = workflow()["jobs"]["package"]["steps"]
    runs = [(s.get("if", ""), s.get("run", "")) for s in steps]
    for os_name in ("Linux", "Windows", "macOS"):
        checks = [run for cond, run in runs if os_name in cond and "--self-test --json" in run]
        assert checks, f"no self-test step for {os_name}"
        assert all("check_self_test.py" in run for run in checks)
    assert any("build.spec" in run for _, run in runs)
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(uploads) == 1
    paths = uploads[0]["with"]["path"]
    for artifact in ("*.AppImage", "*-setup.exe", "*.dmg"):
        assert artifact in paths


def test_workflow_downloads_the_appimage_runtime_from_pypi_only() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "fetch_appimage_runtime.py" in text
    assert "github.com/AppImage" not in text and "releases/download" not in text
