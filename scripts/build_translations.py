#!/usr/bin/env python3
"""Extract translatable texts into resources/i18n/*.ts and compile them to .qm.

    python scripts/build_translations.py           # update .ts files, then compile .qm
    python scripts/build_translations.py --check   # also fail if a Korean text is untranslated

Uses the ``lupdate`` and ``lrelease`` that ship inside the PySide6 wheel, so no Qt SDK is
needed. Sources are every ``gpt4all_desktop/ui/**/*.py`` plus the titles, descriptions and
labels of the settings schema (the core is Qt-free, so they are written to a temporary file of
``QCoreApplication.translate("SettingsSchema", ...)`` calls for lupdate to read).

lupdate merges: translations already in a .ts file are kept across runs, new texts are added as
unfinished, and texts that disappeared from the code are kept as obsolete (so their translation
returns if the text does). Locations are not recorded, keeping diffs small.

Translators edit the .ts files (Qt Linguist or any text editor) and re-run this script.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gpt4all_desktop.core.settings_schema import TRANSLATION_CONTEXT, translatable_texts  # noqa: E402

LANGUAGES = ("en", "ko")
CATALOG = "gpt4all_desktop"


def qt_tool(name: str) -> Path:
    """The PySide6 copy of a Qt Linguist tool (``lupdate`` / ``lrelease``)."""
    import PySide6

    folder = Path(PySide6.__file__).parent
    for candidate in (folder / name, folder / f"{name}.exe", folder / "Qt" / "libexec" / name):
        if candidate.exists():
            return candidate
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found:
        return Path(found)
    raise SystemExit(f"{name} not found in {folder}: install PySide6 (Essentials) into this environment")


def sources(root: Path = ROOT) -> list[Path]:
    return sorted((root / "gpt4all_desktop" / "ui").rglob("*.py"))


def write_schema_strings(folder: Path) -> Path:
    """A throwaway Python file that lupdate reads the schema texts from."""
    lines = ["from PySide6.QtCore import QCoreApplication", ""]
    for text in translatable_texts():
        lines.append(f"QCoreApplication.translate({json.dumps(TRANSLATION_CONTEXT)}, {json.dumps(text, ensure_ascii=False)})")
    path = folder / "settings_schema_texts.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def unfinished(ts_file: Path) -> list[str]:
    """Source texts in ``ts_file`` still waiting for a translation."""
    tree = ET.parse(ts_file)
    missing = []
    for message in tree.iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") == "unfinished":
            missing.append(message.findtext("source") or "")
    return missing


def build(i18n_dir: Path, check: bool = False) -> int:
    i18n_dir.mkdir(parents=True, exist_ok=True)
    lupdate, lrelease = qt_tool("lupdate"), qt_tool("lrelease")
    with tempfile.TemporaryDirectory() as temp:
        inputs = [str(path) for path in sources()] + [str(write_schema_strings(Path(temp)))]
        for language in LANGUAGES:
            ts_file = i18n_dir / f"{CATALOG}_{language}.ts"
            extra = ["-pluralonly"] if language == "en" else []  # English only needs plural forms
            subprocess.run(
                [str(lupdate), "-silent", "-locations", "none", *extra, "-source-language", "en",
                 "-target-language", language, *inputs, "-ts", str(ts_file)],
                check=True,
            )
    status = 0
    for language in LANGUAGES:
        ts_file = i18n_dir / f"{CATALOG}_{language}.ts"
        qm_file = ts_file.with_suffix(".qm")
        subprocess.run([str(lrelease), "-silent", str(ts_file), "-qm", str(qm_file)], check=True)
        missing = unfinished(ts_file)
        print(f"{qm_file.name}: {len(missing)} untranslated")
        if check and language != "en" and missing:
            for text in missing:
                print(f"  untranslated ({language}): {text!r}", file=sys.stderr)
            status = 1
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--check", action="store_true", help="fail when a translation is missing")
    parser.add_argument("--i18n-dir", type=Path, default=ROOT / "resources" / "i18n", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return build(args.i18n_dir, args.check)


if __name__ == "__main__":
    sys.exit(main())
