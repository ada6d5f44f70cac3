"""The curated model catalog shipped with the app.

New users should not have to know what "Q4_K_M" means or which of ten thousand GGUF repos
to trust. The catalog (``resources/catalog.json``) is a short, versioned list of instruct
models that run well on ordinary machines in 4-bit, with a plain-language description, the
languages each handles well (and whether it answers Korean well), and the numbers the fit
estimate needs. It works offline: nothing here touches the network.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.fit import KvShape

log = logging.getLogger(__name__)

CATALOG_ENV = "GPT4ALL_DESKTOP_CATALOG"
SUPPORTED_SCHEMA = 1
_REQUIRED = ("id", "name", "repo_id", "filename", "size_bytes", "parameters", "quantization",
             "context_length", "license", "description", "languages")


class CatalogError(ValueError):
    """The catalog file is missing or malformed; ``str()`` says which entry and why."""


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    repo_id: str
    filename: str
    size_bytes: int
    parameters: str
    quantization: str
    context_length: int
    license: str
    description: str
    languages: tuple[str, ...]
    good_at_korean: bool
    kv: KvShape | None

    @property
    def parameter_count(self) -> int:
        """``"1.5B"`` -> 1_500_000_000, for the fit estimate's fallback."""
        label = self.parameters.strip().upper()
        scale = {"B": 1e9, "M": 1e6}.get(label[-1:], 1.0)
        try:
            return int(float(label.rstrip("BM")) * scale)
        except ValueError:
            return 0


@dataclass(frozen=True)
class Catalog:
    version: str
    entries: tuple[CatalogEntry, ...]

    def by_id(self, entry_id: str) -> CatalogEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def korean(self) -> tuple[CatalogEntry, ...]:
        return tuple(e for e in self.entries if e.good_at_korean)


def default_catalog_path() -> Path:
    """The shipped catalog: an override for tests, then a frozen app's bundle, then the source tree."""
    override = os.environ.get(CATALOG_ENV)
    if override:
        return Path(override)
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller
    if bundle:
        candidates.append(Path(bundle) / "resources" / "catalog.json")
    package = Path(__file__).resolve().parent.parent
    candidates += [package / "resources" / "catalog.json", package.parent / "resources" / "catalog.json"]
    return next((c for c in candidates if c.is_file()), candidates[-1])


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Read and validate the catalog. Raises :class:`CatalogError` with the reason."""
    path = Path(path) if path is not None else default_catalog_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"The model catalog is missing ({path}).") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"The model catalog could not be read ({path}): {exc}") from exc
    return parse_catalog(raw)


def parse_catalog(raw: Any) -> Catalog:
    if not isinstance(raw, dict) or not isinstance(raw.get("models"), list):
        raise CatalogError("The model catalog has no list of models.")
    schema = raw.get("schema_version")
    if schema != SUPPORTED_SCHEMA:
        raise CatalogError(f"The model catalog uses schema {schema!r}; this app reads schema {SUPPORTED_SCHEMA}.")
    entries: list[CatalogEntry] = []
    seen: set[str] = set()
    for index, item in enumerate(raw["models"]):
        entry = _parse_entry(index, item)
        if entry.id in seen:
            raise CatalogError(f"The model catalog lists {entry.id!r} twice.")
        seen.add(entry.id)
        entries.append(entry)
    return Catalog(version=str(raw.get("catalog_version", "")), entries=tuple(entries))


def _parse_entry(index: int, item: Any) -> CatalogEntry:
    if not isinstance(item, dict):
        raise CatalogError(f"Catalog entry {index} is not an object.")
    missing = [key for key in _REQUIRED if key not in item]
    label = item.get("id", f"#{index}")
    if missing:
        raise CatalogError(f"Catalog entry {label} lacks {', '.join(missing)}.")
    if not str(item["filename"]).lower().endswith(".gguf") or "/" not in str(item["repo_id"]):
        raise CatalogError(f"Catalog entry {label} must name a Hugging Face repo and a .gguf file.")
    kv = item.get("kv")
    try:
        shape = KvShape(int(kv["layers"]), int(kv["kv_heads"]), int(kv["head_dim"])) if kv else None
        return CatalogEntry(
            id=str(item["id"]),
            name=str(item["name"]),
            repo_id=str(item["repo_id"]),
            filename=str(item["filename"]),
            size_bytes=int(item["size_bytes"]),
            parameters=str(item["parameters"]),
            quantization=str(item["quantization"]),
            context_length=int(item["context_length"]),
            license=str(item["license"]),
            description=str(item["description"]),
            languages=tuple(str(lang) for lang in item["languages"]),
            good_at_korean=bool(item.get("good_at_korean", False)),
            kv=shape,
        )
    except (TypeError, ValueError, KeyError) as exc:
        raise CatalogError(f"Catalog entry {label} has a bad value: {exc}") from exc
