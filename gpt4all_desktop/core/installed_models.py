"""The models in the models folder: list, import, delete, and per-model settings.

Every ``.gguf`` in the models folder is listed with the facts from its header. A file that is
damaged or truncated stays in the list with the reason (so people know why their model "is
gone" and can delete it), but is never offered as usable. Imports are validated before they
are copied or linked in; deletion refuses while the model is loaded (the caller supplies the
predicate, since only the engine knows).

Per-model settings (system prompt, template override, sampling defaults, context length, GPU
layers) and where a model came from live in ``<config>/models/<file name>.json``, outside the
models folder so that folder holds nothing but models.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from gpt4all_desktop.core.downloads_io import copy_atomically
from gpt4all_desktop.core.gguf_info import GgufError, GgufInfo, read_gguf_info
from gpt4all_desktop.core.paths import AppPaths

if TYPE_CHECKING:  # the Hub client pulls in huggingface_hub: not needed to list installed models
    from gpt4all_desktop.core.hub import RemoteFile

log = logging.getLogger(__name__)

ImportMode = Literal["copy", "link"]
SETTINGS_VERSION = 1


class ModelFileError(Exception):
    """An import or delete could not be done; ``str()`` is a message for the user."""


class ModelInUse(ModelFileError):
    """The model is loaded in a chat; unload it first."""


@dataclass
class ModelSettings:
    """Defaults new chats with this model start from. ``None`` means "use the app default"."""

    system_prompt: str = ""
    chat_template_override: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    repeat_penalty: float | None = None
    max_tokens: int | None = None
    context_length: int | None = None
    gpu_layers: int | None = None

    def validate(self) -> None:
        """Reject values llama.cpp would choke on, with a message that names the field."""
        checks: list[tuple[str, Any, float, float]] = [
            ("temperature", self.temperature, 0.0, 5.0), ("top_p", self.top_p, 0.0, 1.0),
            ("top_k", self.top_k, 0, 10_000), ("min_p", self.min_p, 0.0, 1.0),
            ("repeat_penalty", self.repeat_penalty, 0.0, 5.0), ("max_tokens", self.max_tokens, 1, 10_000_000),
            ("context_length", self.context_length, 128, 10_000_000), ("gpu_layers", self.gpu_layers, -1, 100_000),
        ]
        for name, value, low, high in checks:
            if value is not None and not (isinstance(value, (int, float)) and low <= value <= high):
                raise ValueError(f"{name.replace('_', ' ')} must be between {low} and {high}.")


@dataclass(frozen=True)
class InstalledModel:
    path: Path
    size: int
    info: GgufInfo | None
    error: str | None
    source: dict[str, Any] | None = None
    is_link: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def usable(self) -> bool:
        return self.info is not None and self.error is None

    @property
    def display_name(self) -> str:
        if self.info and self.info.name:
            return f"{self.info.name} ({self.info.quantization or '?'})"
        return self.path.stem


class InstalledModels:
    """Model files in ``paths.models_dir``. Blocking disk work: call from a worker, not the GUI thread."""

    def __init__(self, paths: AppPaths | None = None, *, is_loaded: Callable[[Path], bool] | None = None) -> None:
        self._paths = paths or AppPaths.default()
        self._is_loaded = is_loaded or (lambda _path: False)
        self._paths.models_dir.mkdir(parents=True, exist_ok=True)

    @property
    def models_dir(self) -> Path:
        return self._paths.models_dir

    def _meta_path(self, model: Path) -> Path:
        return self._paths.config_dir / "models" / f"{Path(model).name}.json"

    # -- listing -------------------------------------------------------------------------------
    def list(self) -> list[InstalledModel]:
        models = []
        for path in sorted(self.models_dir.iterdir(), key=lambda p: p.name.lower()):
            if path.name.startswith(".") or path.suffix.lower() != ".gguf":
                continue  # hidden: in-flight copies (".name.incoming")
            models.append(self.inspect(path))
        return models

    def usable(self) -> list[InstalledModel]:
        return [m for m in self.list() if m.usable]

    def inspect(self, path: Path) -> InstalledModel:
        is_link = path.is_symlink()
        if is_link and not path.exists():
            return InstalledModel(path, 0, None, "The linked original file was moved or deleted.", self._source(path), True)
        try:
            size = path.stat().st_size
        except OSError as exc:
            return InstalledModel(path, 0, None, f"Cannot be read: {exc.strerror or exc}.", None, is_link)
        try:
            info = read_gguf_info(path)
        except GgufError as exc:
            return InstalledModel(path, size, None, str(exc), self._source(path), is_link)
        return InstalledModel(path, size, info, None, self._source(path), is_link)

    # -- import / delete -----------------------------------------------------------------------
    def import_file(self, source: Path | str, mode: ImportMode = "copy") -> InstalledModel:
        """Validate ``source`` and copy or link it into the models folder.

        A copy goes through a hidden temp file and a rename, so an interrupted copy never
        shows up as a model. A link is a symlink (a hard link where symlinks need privileges).
        """
        source = Path(source).expanduser()
        if source.suffix.lower() != ".gguf":
            raise ModelFileError(f"{source.name} is not a GGUF model (the file name should end in .gguf).")
        try:
            info = read_gguf_info(source)
        except GgufError as exc:
            raise ModelFileError(f"{source.name} cannot be imported: {exc}") from exc
        source = source.resolve()
        if source.parent == self.models_dir.resolve():
            return self.inspect(source)
        dest = _unique(self.models_dir, source.name)
        try:
            if mode == "link":
                _link(source, dest)
            else:
                self._copy(source, dest, info.file_size)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise ModelFileError(f"Not enough disk space to import {source.name}.") from exc
            raise ModelFileError(f"{source.name} could not be imported: {exc.strerror or exc}.") from exc
        self._write_meta(dest, {"source": {"kind": "import", "original": str(source), "mode": mode}})
        log.info("Imported %s (%s)", dest.name, mode)
        return self.inspect(dest)

    def _copy(self, source: Path, dest: Path, size: int) -> None:
        free = shutil.disk_usage(self.models_dir).free
        if free < size:
            raise OSError(errno.ENOSPC, "No space left on device")
        copy_atomically(source, dest)

    def delete(self, path: Path | str) -> None:
        path = Path(path)
        if path.parent.resolve() != self.models_dir.resolve():
            raise ModelFileError(f"{path.name} is not in the models folder.")
        if self._is_loaded(path):
            raise ModelInUse(f"{path.name} is loaded in a chat. Unload it (or switch models) before deleting it.")
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise ModelFileError(f"{path.name} could not be deleted: {exc.strerror or exc}.") from exc
        self._meta_path(path).unlink(missing_ok=True)
        log.info("Deleted model %s", path.name)

    # -- metadata: source and settings ---------------------------------------------------------
    def record_download(self, path: Path, remote: RemoteFile) -> None:
        """Remember where a downloaded model came from (repo, commit, SHA-256)."""
        self._write_meta(path, {"source": {"kind": "huggingface", "repo_id": remote.repo_id,
                                           "filename": remote.filename, "commit": remote.commit,
                                           "sha256": remote.sha256}})

    def settings(self, path: Path) -> ModelSettings:
        raw = self._read_meta(path).get("settings") or {}
        known = {f.name for f in fields(ModelSettings)}
        try:
            settings = ModelSettings(**{k: v for k, v in raw.items() if k in known})
            settings.validate()
            return settings
        except (TypeError, ValueError) as exc:
            log.warning("Ignoring invalid settings for %s: %s", Path(path).name, exc)
            return ModelSettings()

    def save_settings(self, path: Path, settings: ModelSettings) -> None:
        settings.validate()
        self._write_meta(path, {"settings": asdict(settings)})

    def _source(self, path: Path) -> dict[str, Any] | None:
        source = self._read_meta(path).get("source")
        return source if isinstance(source, dict) else None

    def _read_meta(self, path: Path) -> dict[str, Any]:
        meta_path = self._meta_path(path)
        try:
            data = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("Unreadable model settings %s: %s", meta_path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _write_meta(self, path: Path, update: dict[str, Any]) -> None:
        meta_path = self._meta_path(path)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        data = {**self._read_meta(path), **update, "version": SETTINGS_VERSION}
        tmp = meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, meta_path)


def _unique(folder: Path, name: str) -> Path:
    dest = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 2
    while dest.exists() or dest.is_symlink():
        dest = folder / f"{stem} ({counter}){suffix}"
        counter += 1
    return dest


def _link(source: Path, dest: Path) -> None:
    try:
        os.symlink(source, dest)
    except OSError:
        os.link(source, dest)  # Windows without symlink privilege; same volume only
