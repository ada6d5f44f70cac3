"""The remote engines the user configured, and where their API keys live.

Engines (id, name, base URL, trusted certificate, the models last listed) are kept in
``remote_engines.json`` in the config folder, so the model picker can show remote models at
start-up without waiting on the network. API keys are never in that file, the chat database,
exports or logs: they go to the platform's secret store through ``keyring`` (macOS Keychain,
Windows Credential Locker, the Secret Service on Linux desktops). Where no secret store works
(a headless Linux box, a locked keyring) or the profile is redirected with
``GPT4ALL_DESKTOP_HOME`` (tests and portable installs keep everything inside their folder), keys
go to ``remote_engine_keys.json`` in the config folder, readable by the user only (mode 0600).

A chat with a remote model stores only ``remote:<engine id>/<model id>``; the key is looked up
when the engine is built.
"""

from __future__ import annotations

import json
import logging
import os
import secrets as _random
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from gpt4all_desktop.core.paths import HOME_ENV, AppPaths
from gpt4all_desktop.core.remote_engine import (
    RemoteEndpoint,
    RemoteEngine,
    RemoteFailure,
    RemoteModel,
    normalize_base_url,
    remote_model_path,
    ssl_context,
)

log = logging.getLogger(__name__)

ENGINES_FILE = "remote_engines.json"
KEYS_FILE = "remote_engine_keys.json"
KEYRING_SERVICE = "gpt4all-desktop remote engine"
FORMAT_VERSION = 1
DEFAULT_LABEL_FORMAT = "{model} — remote ({host})"


# ------------------------------------------------------------------ secrets
class SecretStore(Protocol):
    """Where API keys are kept, by engine id."""

    kind: str  # shown in the dialog: "keyring" or "file"

    def get(self, engine_id: str) -> str: ...

    def set(self, engine_id: str, secret: str) -> None: ...

    def delete(self, engine_id: str) -> None: ...


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to a file only the user can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class FileSecretStore:
    """Keys in a JSON file with mode 0600 in the config folder (when no secret store works)."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("API key file %s is unreadable (%s); treating it as empty", self.path, type(exc).__name__)
            return {}
        keys = data.get("keys") if isinstance(data, dict) else None
        return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}

    def get(self, engine_id: str) -> str:
        return self._read().get(engine_id, "")

    def set(self, engine_id: str, secret: str) -> None:
        keys = self._read()
        keys[engine_id] = secret
        _write_private(self.path, json.dumps({"version": FORMAT_VERSION, "keys": keys}, indent=1))

    def delete(self, engine_id: str) -> None:
        keys = self._read()
        if keys.pop(engine_id, None) is not None:
            _write_private(self.path, json.dumps({"version": FORMAT_VERSION, "keys": keys}, indent=1))


class KeyringSecretStore:
    """The platform's secret store, falling back to the private file when it refuses."""

    kind = "keyring"

    def __init__(self, backend: Any, fallback: FileSecretStore) -> None:
        self._backend = backend
        self._fallback = fallback

    def get(self, engine_id: str) -> str:
        try:
            value = self._backend.get_password(KEYRING_SERVICE, engine_id)
        except Exception as exc:  # noqa: BLE001 - a locked or broken keyring must not stop the app
            log.warning("secret store read failed (%s); using the key file", type(exc).__name__)
            value = None
        return value or self._fallback.get(engine_id)

    def set(self, engine_id: str, secret: str) -> None:
        try:
            self._backend.set_password(KEYRING_SERVICE, engine_id, secret)
        except Exception as exc:  # noqa: BLE001
            log.warning("secret store write failed (%s); keeping the key in the private key file",
                        type(exc).__name__)
            self._fallback.set(engine_id, secret)
            return
        self._fallback.delete(engine_id)

    def delete(self, engine_id: str) -> None:
        try:
            self._backend.delete_password(KEYRING_SERVICE, engine_id)
        except Exception:  # noqa: BLE001 - nothing stored there, or the store is unavailable
            pass
        self._fallback.delete(engine_id)


def default_secret_store(config_dir: Path) -> SecretStore:
    """The platform's secret store when one works, else the private key file."""
    fallback = FileSecretStore(Path(config_dir) / KEYS_FILE)
    if os.environ.get(HOME_ENV):
        return fallback  # a redirected profile keeps everything inside its folder
    try:
        import keyring  # noqa: PLC0415 - optional: the file store works without it
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - missing package or a broken backend configuration
        log.info("no secret store available (%s); API keys go to %s", type(exc).__name__, fallback.path)
        return fallback
    if getattr(backend, "priority", 0) <= 0 or type(backend).__module__.startswith(("keyring.backends.fail",
                                                                                      "keyring.backends.null")):
        log.info("no usable secret store; API keys go to %s", fallback.path)
        return fallback
    return KeyringSecretStore(backend, fallback)


# ------------------------------------------------------------------ engines
@dataclass(frozen=True)
class RemoteEngineConfig:
    """One configured remote engine (no key: that lives in the secret store)."""

    id: str
    name: str
    base_url: str
    trusted_cert: str = ""
    models: tuple[RemoteModel, ...] = ()  # as last listed, so the picker needs no network at start-up

    @property
    def host(self) -> str:
        return RemoteEndpoint(self.base_url).host

    @property
    def label(self) -> str:
        return self.name or self.host


def model_choices(engines: list[RemoteEngineConfig],
                  label_format: str = DEFAULT_LABEL_FORMAT) -> list[tuple[str, str]]:
    """``(label, model_path)`` for every remote model, for the model picker.

    ``label_format`` may use ``{model}``, ``{host}`` and ``{engine}`` (pass a translated one)."""
    choices: list[tuple[str, str]] = []
    for engine in engines:
        for model in engine.models:
            label = label_format.format(model=model.display_name, host=engine.host, engine=engine.label)
            choices.append((label, remote_model_path(engine.id, model.id)))
    return choices


def _check_cert(path: str) -> str:
    path = (path or "").strip()
    if path:
        try:
            ssl_context(path)
        except RemoteFailure as exc:
            raise ValueError(str(exc)) from None
    return path


class RemoteRegistry:
    """Reads and writes the configured engines; builds :class:`RemoteEngine` objects with their keys.

    File access is small and synchronous; :meth:`list_models` uses the network and belongs off
    the GUI thread (see ``workers.remote_models_worker``)."""

    def __init__(self, config_dir: Path | None = None, secrets: SecretStore | None = None) -> None:
        self.config_dir = Path(config_dir) if config_dir is not None else AppPaths.default().config_dir
        self.path = self.config_dir / ENGINES_FILE
        self.secrets = secrets if secrets is not None else default_secret_store(self.config_dir)

    # ------------------------------------------------------------ file
    def engines(self) -> list[RemoteEngineConfig]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            kept = self.path.with_suffix(".unreadable.json")
            log.error("remote engines file %s is unreadable (%s); kept aside as %s", self.path, exc, kept.name)
            try:
                os.replace(self.path, kept)
            except OSError:
                pass
            return []
        entries = data.get("engines") if isinstance(data, dict) else None
        result: list[RemoteEngineConfig] = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not entry.get("id") or not entry.get("base_url"):
                continue
            models = tuple(RemoteModel(str(m["id"]), int(m.get("context_length") or 0), str(m.get("owned_by") or ""))
                           for m in entry.get("models") or [] if isinstance(m, dict) and m.get("id"))
            result.append(RemoteEngineConfig(str(entry["id"]), str(entry.get("name") or ""), str(entry["base_url"]),
                                             str(entry.get("trusted_cert") or ""), models))
        return result

    def _save(self, engines: list[RemoteEngineConfig]) -> None:
        data = {"version": FORMAT_VERSION, "engines": [
            {"id": e.id, "name": e.name, "base_url": e.base_url, "trusted_cert": e.trusted_cert,
             "models": [{"id": m.id, "context_length": m.context_length, "owned_by": m.owned_by} for m in e.models]}
            for e in engines]}
        _write_private(self.path, json.dumps(data, indent=1, ensure_ascii=False))

    def get(self, engine_id: str) -> RemoteEngineConfig | None:
        return next((e for e in self.engines() if e.id == engine_id), None)

    # ---------------------------------------------------------- editing
    def add(self, name: str, base_url: str, api_key: str = "", trusted_cert: str = "") -> RemoteEngineConfig:
        """Add an engine. Raises ``ValueError`` with a user-facing message for a bad URL or certificate."""
        url = normalize_base_url(base_url)
        cert = _check_cert(trusted_cert)
        engines = self.engines()
        taken = {e.id for e in engines}
        engine_id = _random.token_hex(4)
        while engine_id in taken:
            engine_id = _random.token_hex(4)
        config = RemoteEngineConfig(engine_id, name.strip(), url, cert)
        self._save(engines + [config])
        if api_key.strip():
            self.secrets.set(engine_id, api_key.strip())
        log.info("remote engine %s added (%s)", engine_id, config.host)
        return config

    def update(self, engine_id: str, *, name: str | None = None, base_url: str | None = None,
               trusted_cert: str | None = None, api_key: str | None = None) -> RemoteEngineConfig:
        """Change an engine; ``None`` keeps a field, ``api_key=""`` removes the key.

        A changed address forgets the models listed from the old one."""
        engines = self.engines()
        index = next((i for i, e in enumerate(engines) if e.id == engine_id), None)
        if index is None:
            raise ValueError("This remote engine was removed in the meantime.")
        config = engines[index]
        if name is not None:
            config = replace(config, name=name.strip())
        if base_url is not None:
            url = normalize_base_url(base_url)
            if url != config.base_url:
                config = replace(config, base_url=url, models=())
        if trusted_cert is not None:
            config = replace(config, trusted_cert=_check_cert(trusted_cert))
        engines[index] = config
        self._save(engines)
        if api_key is not None:
            if api_key.strip():
                self.secrets.set(engine_id, api_key.strip())
            else:
                self.secrets.delete(engine_id)
        return config

    def remove(self, engine_id: str) -> None:
        self._save([e for e in self.engines() if e.id != engine_id])
        self.secrets.delete(engine_id)
        log.info("remote engine %s removed", engine_id)

    def remember_models(self, engine_id: str, models: list[RemoteModel]) -> None:
        """Keep the latest model list for the picker (ignored if the engine is gone)."""
        engines = self.engines()
        changed = [replace(e, models=tuple(models)) if e.id == engine_id else e for e in engines]
        if changed != engines:
            self._save(changed)

    # --------------------------------------------------------- reaching
    def api_key(self, engine_id: str) -> str:
        return self.secrets.get(engine_id)

    def has_api_key(self, engine_id: str) -> bool:
        return bool(self.secrets.get(engine_id))

    def endpoint(self, engine_id: str) -> RemoteEndpoint:
        config = self.get(engine_id)
        if config is None:
            raise ValueError("This remote engine is not configured any more.")
        return RemoteEndpoint(config.base_url, self.secrets.get(engine_id), config.trusted_cert)

    def build_engine(self, engine_id: str) -> RemoteEngine:
        """A ready :class:`RemoteEngine`, for ``InferenceWorker.register_remote(engine_id, ...)``."""
        config = self.get(engine_id)
        if config is None:
            raise ValueError("This remote engine is not configured any more.")
        return RemoteEngine(engine_id, RemoteEndpoint(config.base_url, self.secrets.get(engine_id),
                                                      config.trusted_cert), config.label)

    def list_models(self, engine_id: str) -> list[RemoteModel]:
        """Ask the server for its models and remember them. Network: call off the GUI thread."""
        models = self.build_engine(engine_id).list_models()
        self.remember_models(engine_id, models)
        return models

    def model_choices(self, label_format: str = DEFAULT_LABEL_FORMAT) -> list[tuple[str, str]]:
        """The picker's remote entries from the remembered lists (no network)."""
        return model_choices(self.engines(), label_format)
