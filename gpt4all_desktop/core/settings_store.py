"""The settings file: load, upgrade, validate, save, and resolve layered values.

The file is JSON that people can read and edit (``AppPaths.default().settings_path``)::

    {
      "schema_version": 2,
      "application": {"theme": "dark", "temperature": 0.5},
      "models": {"Llama-3.2-1B-Instruct-Q4_0.gguf": {"context_length": 8192}}
    }

Only values someone chose are stored; anything missing takes the schema default, so better
defaults in a later release reach everyone who never changed them. Model overrides live here;
chat overrides belong to the chat they were made in and are passed to :func:`resolve`.

Loading never raises. A file that cannot be read, is not JSON, or comes from a newer release is
copied to ``settings.json.bak-<timestamp>`` and replaced by defaults; single invalid values are
dropped (again after a backup). Each problem becomes a sentence in :attr:`SettingsStore.messages`
for the window to show.

Version history of the file, upgraded step by step by the functions in :data:`UPGRADES`:

* **1** (early releases): one flat object,
  ``{"schema_version": 1, "theme": "dark", "fontSize": 12, "modelPath": "/m", "n_threads": 4,
  "n_gpu_layers": 20, "temp": 0.7, "hf_token": "...", "model_settings": {"m.gguf": {"temp": 0.2}}}``.
  A file without ``schema_version`` is treated as version 1.
* **2**: application values under ``"application"``, per-model overrides under ``"models"``, and
  snake_case names matching the schema (``font_size``, ``models_folder``, ``threads``,
  ``gpu_layers``, ``temperature``, ``huggingface_token``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_schema import SCHEMA, Field, Scope, SettingsSchema, SettingValueError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]

#: ``from_version -> function`` turning a file of that version into the next version.
UPGRADES: dict[int, Upgrade] = {}


def upgrade_from(version: int) -> Callable[[Upgrade], Upgrade]:
    """Register the step that upgrades a file of ``version`` to ``version + 1``."""

    def register(function: Upgrade) -> Upgrade:
        UPGRADES[version] = function
        return function

    return register


_V1_RENAMES = {
    "fontSize": "font_size",
    "modelPath": "models_folder",
    "n_threads": "threads",
    "n_gpu_layers": "gpu_layers",
    "temp": "temperature",
    "hf_token": "huggingface_token",
}


@upgrade_from(1)
def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Flat camel/llama.cpp names become schema names grouped by level."""

    def rename(values: Mapping[str, Any]) -> dict[str, Any]:
        return {_V1_RENAMES.get(key, key): value for key, value in values.items()}

    flat = {key: value for key, value in data.items() if key not in ("schema_version", "model_settings")}
    models = data.get("model_settings") or {}
    if not isinstance(models, dict):
        models = {}
    return {
        "schema_version": 2,
        "application": rename(flat),
        "models": {name: rename(values) for name, values in models.items() if isinstance(values, dict)},
    }


class SettingsStore:
    """Application values and per-model overrides, backed by one JSON file.

    Not thread-safe: it lives on the GUI thread; workers get :meth:`resolved` snapshots.
    """

    def __init__(self, path: Path | None = None, schema: SettingsSchema = SCHEMA) -> None:
        self.path = Path(path) if path is not None else AppPaths.default().settings_path
        self.schema = schema
        self._app: dict[str, Any] = {}
        self._models: dict[str, dict[str, Any]] = {}
        #: Sentences about problems found while loading, for the window to show once.
        self.messages: list[str] = []
        #: Where the last unusable file was copied to, if anywhere.
        self.backup_path: Path | None = None

    def __repr__(self) -> str:  # never print values: the token is among them
        return f"SettingsStore({str(self.path)!r})"

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, schema: SettingsSchema = SCHEMA) -> "SettingsStore":
        """Create a store and :meth:`load` it; problems are in ``store.messages``."""
        store = cls(path, schema)
        store.load()
        return store

    def load(self) -> list[str]:
        """Read the file (a missing file means all defaults). Returns the messages found."""
        self._app, self._models, self.messages, self.backup_path = {}, {}, [], None
        if not self.path.exists():
            return self.messages
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            log.warning("settings file %s is unreadable: %s", self.path, error)
            self._replace_with_defaults(f"The settings file could not be read ({_short(error)}).")
            return self.messages
        if not isinstance(data, dict):
            self._replace_with_defaults("The settings file does not contain settings.")
            return self.messages
        version = data.get("schema_version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self._replace_with_defaults("The settings file has an unknown format.")
            return self.messages
        if version > SCHEMA_VERSION:
            self._replace_with_defaults("The settings file was written by a newer version of the app.")
            return self.messages
        upgraded = version < SCHEMA_VERSION
        try:
            while version < SCHEMA_VERSION:
                data = UPGRADES[version](data)
                version += 1
        except Exception:  # noqa: BLE001 - a broken old file must not stop the app
            log.exception("upgrading the settings file failed")
            self._replace_with_defaults("The settings file from an older version could not be converted.")
            return self.messages
        dropped = self._take(data)
        if dropped or upgraded:
            self._backup()
            if dropped:
                self.messages.append(
                    "Some settings were invalid and were reset to their defaults: "
                    + " ".join(dropped)
                    + self._backup_note()
                )
            self.save()
            log.info("settings file upgraded or repaired (%d values dropped)", len(dropped))
        return self.messages

    def _take(self, data: dict[str, Any]) -> list[str]:
        """Validate the version-2 ``data`` into memory; return messages for dropped values."""
        dropped: list[str] = []
        app = data.get("application", {})
        models = data.get("models", {})
        if not isinstance(app, dict):
            dropped.append("The application settings were not a list of names and values.")
            app = {}
        if not isinstance(models, dict):
            dropped.append("The model settings were not a list of models.")
            models = {}
        self._app = self._valid(app, Scope.APPLICATION, dropped)
        for model, values in models.items():
            if isinstance(values, dict):
                kept = self._valid(values, Scope.MODEL, dropped)
                if kept:
                    self._models[str(model)] = kept
        return dropped

    def _valid(self, values: Mapping[str, Any], level: Scope, dropped: list[str]) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for name, value in values.items():
            if name not in self.schema:
                dropped.append(f"Unknown setting {name!r}.")
                continue
            if not self.schema[name].scope.allows(level):
                dropped.append(f"{self.schema[name].title} cannot be set per model.")
                continue
            try:
                kept[name] = self.schema[name].validate(value)
            except SettingValueError as error:
                dropped.append(error.message)
        return kept

    def _replace_with_defaults(self, reason: str) -> None:
        self._app, self._models = {}, {}
        self._backup()
        self.messages.append(f"{reason} Default settings are used.{self._backup_note()}")
        self.save()

    def _backup(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.bak-{stamp}")
        counter = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.bak-{stamp}-{counter}")
            counter += 1
        try:
            shutil.copy2(self.path, target)
            self.backup_path = target
            log.info("backed up the settings file to %s", target)
        except OSError as error:
            log.warning("could not back up the settings file: %s", error)

    def _backup_note(self) -> str:
        return f" The previous file was kept as {self.backup_path}." if self.backup_path else ""

    # -- saving --------------------------------------------------------------------------------

    def save(self) -> str | None:
        """Write the file atomically. Returns a message if it could not be written."""
        data = {
            "schema_version": SCHEMA_VERSION,
            "application": dict(sorted(self._app.items())),
            "models": {name: dict(sorted(values.items())) for name, values in sorted(self._models.items())},
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                if os.name == "posix":
                    os.chmod(temp, 0o600)  # the file may hold an access token
                os.replace(temp, self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            log.error("could not save settings to %s: %s", self.path, error)
            return f"Settings could not be saved to {self.path} ({_short(error)})."
        return None

    # -- application values --------------------------------------------------------------------

    def get(self, name: str) -> Any:
        """The application-level value of ``name`` (its default if never set)."""
        return self._app.get(name, self.schema[name].default)

    def values(self) -> dict[str, Any]:
        """Every application-level value, defaults included."""
        return {item.name: self._app.get(item.name, item.default) for item in self.schema}

    def is_default(self, name: str) -> bool:
        return name not in self._app

    def set(self, name: str, value: Any) -> bool:
        """Validate and store one value in memory. Returns whether it changed.

        Raises :class:`SettingValueError` (a user-facing message) for an unknown name or a bad
        value, leaving the stored value untouched.
        """
        item = self._field(name)
        value = item.validate(value)
        changed = self.get(name) != value
        self._app[name] = value
        log.debug("setting %s = %r", name, "<hidden>" if item.secret else value)
        return changed

    def update(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Set several values at once, all or nothing; returns those that changed."""
        checked = {name: self._field(name).validate(value) for name, value in values.items()}
        changed = {name: value for name, value in checked.items() if self.get(name) != value}
        self._app.update(checked)
        return changed

    def reset(self, name: str) -> Any:
        """Forget the chosen value of ``name``; returns the default it falls back to."""
        self._app.pop(self._field(name).name, None)
        return self.schema[name].default

    # -- model overrides -----------------------------------------------------------------------

    def model_overrides(self, model: str) -> dict[str, Any]:
        return dict(self._models.get(model, {}))

    def set_model_override(self, model: str, name: str, value: Any) -> None:
        item = self._field(name)
        if not item.scope.allows(Scope.MODEL):
            raise SettingValueError(name, f"{item.title} cannot be set per model.")
        self._models.setdefault(model, {})[name] = item.validate(value)

    def reset_model_override(self, model: str, name: str) -> None:
        overrides = self._models.get(model, {})
        overrides.pop(name, None)
        if not overrides:
            self._models.pop(model, None)

    def resolved(self, model: str | None = None, chat_overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The effective values for a chat with ``model`` (a snapshot safe to hand to workers)."""
        overrides = self._models.get(model, {}) if model else {}
        return resolve(self.values(), overrides, chat_overrides or {}, self.schema)

    def _field(self, name: str) -> Field:
        if name not in self.schema:
            raise SettingValueError(name, f"There is no setting called {name!r}.")
        return self.schema[name]


def resolve(
    app: Mapping[str, Any],
    model_overrides: Mapping[str, Any] | None = None,
    chat_overrides: Mapping[str, Any] | None = None,
    schema: SettingsSchema = SCHEMA,
) -> dict[str, Any]:
    """Effective settings: chat overrides beat model overrides beat application values.

    Overrides of fields that may not be set at that level, unknown names and invalid values are
    ignored (and logged), so a stale override never breaks a chat.
    """
    result = {item.name: app.get(item.name, item.default) for item in schema}
    for level, overrides in ((Scope.MODEL, model_overrides or {}), (Scope.CHAT, chat_overrides or {})):
        for name, value in overrides.items():
            if name not in schema or not schema[name].scope.allows(level):
                log.debug("ignoring %s override of %r", level.value, name)
                continue
            try:
                result[name] = schema[name].validate(value)
            except SettingValueError as error:
                log.warning("ignoring invalid %s override: %s", level.value, error.message)
    return result


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."
