"""The core must import without Qt: the engine process and headless server depend on it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import gpt4all_desktop.core as core


def test_core_imports_without_loading_qt() -> None:
    modules = [f"gpt4all_desktop.core.{m.name}" for m in pkgutil.walk_packages(core.__path__) if not m.ispkg]
    modules += [f"gpt4all_desktop.core.{m.name}" for m in pkgutil.iter_modules(core.__path__) if m.ispkg]
    assert "gpt4all_desktop.core.engine_process" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt')))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt modules imported by the core: {out.stdout}"
