"""Installer pieces that can be checked without building the app: the AppImage runtime cutter,
the self-test judge, the Linux desktop entry and AppRun, and the Windows NSIS script."""

from __future__ import annotations

import configparser
import json
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.packaging.helpers import REPO, load

runtime_mod = load("scripts/fetch_appimage_runtime.py")
selftest = load("installers/check_self_test.py")
cfg = load("installers/pyinstaller_config.py")
LINUX = REPO / "installers" / "linux"


def fake_appimage(shoff: int = 100, shentsize: int = 64, shnum: int = 2, magic: bytes = b"AI\x02") -> bytes:
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    header[8:11] = magic
    struct.pack_into("<Q", header, 0x28, shoff)
    struct.pack_into("<HH", header, 0x3A, shentsize, shnum)
    end = shoff + shentsize * shnum
    return bytes(header) + bytes(end - 64) + b"hsqs" + bytes(32)


# ---------------------------------------------------------------- AppImage runtime
def test_squashfs_offset_is_the_end_of_the_section_headers() -> None:
    assert runtime_mod.squashfs_offset(fake_appimage(100, 64, 2)) == 228
    assert runtime_mod.squashfs_offset(fake_appimage(4000, 64, 31)) == 4000 + 64 * 31


@pytest.mark.parametrize(("data", "words"), [
    (b"MZ" + bytes(300), "ELF"),
    (fake_appimage(magic=b"AI\x01"), "type-2"),
    (fake_appimage()[:-36] + b"xxxx" + bytes(32), "No squashfs"),
])
def test_squashfs_offset_rejects_what_is_not_a_type2_appimage(data: bytes, words: str) -> None:
    with pytest.raises(runtime_mod.RuntimeFetchError, match=words):
        runtime_mod.squashfs_offset(data)


def test_a_wheel_that_does_not_match_the_pinned_checksum_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / runtime_mod.WHEEL_NAME
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(runtime_mod.MEMBER, fake_appimage())
    with pytest.raises(runtime_mod.RuntimeFetchError, match="pinned SHA-256"):
        runtime_mod.cut_runtime(wheel)
    out = tmp_path / "runtime"
    assert runtime_mod.main([str(out), "--wheel", str(wheel)]) == 1
    assert not out.exists() and not out.with_name("runtime.part").exists()


def test_an_existing_file_is_reused_only_when_it_is_the_pinned_runtime(tmp_path: Path) -> None:
    wrong = tmp_path / "runtime"
    wrong.write_bytes(bytes(runtime_mod.RUNTIME_SIZE))
    assert not runtime_mod.is_valid_runtime(wrong)
    assert not runtime_mod.is_valid_runtime(tmp_path / "missing")


# ---------------------------------------------------------------- self-test judge
GOOD = {"ok": True, "tokens": 18, "backend": "CPU", "fallback_reason": "no GPU"}


def test_report_is_found_after_log_noise() -> None:
    output = "Detected locale \"C\"\nllama_model_loader: {not json}\n" + json.dumps(GOOD) + "\n"
    assert selftest.check_report(selftest.parse_report(output)) == GOOD


@pytest.mark.parametrize(("report", "words"), [
    ({**GOOD, "ok": False, "error": "model missing"}, "model missing"),
    ({**GOOD, "tokens": 0}, "tokens is 0"),
    ({**GOOD, "backend": ""}, "backend"),
    ({k: v for k, v in GOOD.items() if k != "tokens"}, "tokens is None"),
])
def test_failed_reports_say_what_is_wrong(report: dict, words: str) -> None:
    with pytest.raises(selftest.SelfTestFailed, match=words):
        selftest.check_report(report)


def test_expected_backend_is_enforced() -> None:
    assert selftest.check_report({**GOOD, "backend": "Metal"}, "metal")
    with pytest.raises(selftest.SelfTestFailed, match="expected 'Metal'"):
        selftest.check_report(GOOD, "Metal")


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.txt"
    good.write_text(json.dumps(GOOD))
    bad.write_text("Segmentation fault\n")
    assert selftest.main([str(good)]) == 0
    assert "18 tokens on CPU" in capsys.readouterr().out
    assert selftest.main([str(bad)]) == 1
    assert "no JSON self-test report" in capsys.readouterr().err


# ---------------------------------------------------------------- Linux desktop integration
def test_desktop_entry_matches_the_app_id_and_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(LINUX / "gpt4all-desktop.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == cfg.APP_NAME
    assert section["Icon"] == cfg.APP_ID
    assert section["StartupWMClass"] == cfg.APP_ID  # the app sets this desktop file name at start-up
    assert section["Exec"].split()[0] == cfg.GUI_EXE
    assert section["Categories"].endswith(";")
    assert (REPO / "resources" / "icons" / f"{cfg.APP_ID}-256.png").is_file()
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(LINUX / "gpt4all-desktop.desktop")], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_apprun_passes_arguments_to_the_frozen_app(tmp_path: Path) -> None:
    appdir = tmp_path / "AppDir"
    app = appdir / "usr" / "lib" / "gpt4all-desktop" / "gpt4all-desktop"
    app.parent.mkdir(parents=True)
    app.write_text('#!/bin/sh\nprintf "%s|" "$APPDIR" "$@"\n')
    app.chmod(0o755)
    shutil.copy2(LINUX / "AppRun", appdir / "AppRun")
    result = subprocess.run([str(appdir / "AppRun"), "--self-test", "two words"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"}, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{appdir}|--self-test|two words|"


def test_shell_scripts_parse() -> None:
    for script in (LINUX / "AppRun", LINUX / "make_appimage.sh", REPO / "scripts" / "build_appimage.sh",
                   REPO / "installers" / "macos" / "make_dmg.sh", REPO / "installers" / "macos" / "notarize.sh"):
        shell = "sh" if script.name == "AppRun" else "bash"
        result = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script.name}: {result.stderr}"
        assert script.stat().st_mode & 0o111, f"{script.name} is not executable"


def test_make_appimage_explains_wrong_usage(tmp_path: Path) -> None:
    result = subprocess.run(["bash", str(LINUX / "make_appimage.sh")], capture_output=True, text=True)
    assert result.returncode == 2 and "usage" in result.stderr
    result = subprocess.run(["bash", str(LINUX / "make_appimage.sh"), str(tmp_path), str(tmp_path / "rt"),
                             str(tmp_path / "out.AppImage")], capture_output=True, text=True)
    assert result.returncode == 1 and "no gpt4all-desktop executable" in result.stderr


# ---------------------------------------------------------------- Windows installer
def test_nsis_script_compiles_to_an_installer(tmp_path: Path) -> None:
    makensis = shutil.which("makensis")
    if not makensis:
        pytest.skip("makensis is missing (Debian package: nsis)")
    onedir = tmp_path / "onedir"
    (onedir / "_internal").mkdir(parents=True)
    (onedir / "gpt4all-desktop.exe").write_bytes(b"MZ stand-in")
    (onedir / "gpt4all-desktop-cli.exe").write_bytes(b"MZ stand-in")
    (onedir / "_internal" / "python311.dll").write_bytes(b"stand-in")
    out = tmp_path / "GPT4All_Desktop-0.1.0-installer.exe"
    result = subprocess.run([makensis, "-V2", "-DVERSION=0.1.0", f"-DSOURCE_DIR={onedir}",
                             f"-DOUTFILE={out}", str(REPO / "installers" / "windows" / "installer.nsi")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ" and b"Nullsoft" in data


def test_nsis_script_refuses_to_build_without_a_version(tmp_path: Path) -> None:
    makensis = shutil.which("makensis")
    if not makensis:
        pytest.skip("makensis is missing (Debian package: nsis)")
    result = subprocess.run([makensis, "-V2", f"-DSOURCE_DIR={tmp_path}", str(REPO / "installers" / "windows" / "installer.nsi")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "-DVERSION" in result.stdout + result.stderr
