"""File-system helpers for downloads: sizes, truncation, free space and the atomic install move.

Kept apart from the HTTP logic in :mod:`downloads` so each stays small and readable.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path


def disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free


def default_validator(path: Path) -> object:
    from gpt4all_desktop.core.gguf_info import read_gguf_info

    return read_gguf_info(path)


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(size)


def unique_destination(models_dir: Path, name: str) -> Path:
    """Never overwrite an installed model: add " (2)", " (3)"... before the extension."""
    dest = models_dir / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 2
    while dest.exists():
        dest = models_dir / f"{stem} ({counter}){suffix}"
        counter += 1
    return dest


def move_atomically(source: Path, dest: Path) -> None:
    """``os.replace`` when on one file system; otherwise copy to a hidden temp file beside the
    destination and rename that, so the models folder never shows a half-copied model."""
    try:
        os.replace(source, dest)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    copy_atomically(source, dest)
    source.unlink(missing_ok=True)


def copy_atomically(source: Path, dest: Path) -> None:
    """Copy to a hidden temp file beside ``dest``, then rename: never a half-copied model."""
    tmp = dest.with_name(f".{dest.name}.incoming")
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
