"""The settings file: round trip, upgrades, repair of bad files, layered resolution."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_schema import SCHEMA, SettingValueError
from gpt4all_desktop.core.settings_store import SCHEMA_VERSION, SettingsStore, resolve


@pytest.fixture
def path() -> Path:
    return AppPaths.default().settings_path


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.bak-*"))


def test_missing_file_means_defaults_and_no_messages(path: Path) -> None:
    store = SettingsStore.open()
    assert store.path == path
    assert store.values() == SCHEMA.defaults()
    assert store.messages == []
    assert not path.exists()


def test_every_setting_round_trips_through_the_file(path: Path) -> None:
    chosen = {
        "theme": "dark", "font_size": 14, "language": "ko", "default_model": "qwen.gguf",
        "models_folder": "/data/모델", "threads": 6, "device": "cpu", "reload_last_chat": False,
        "huggingface_token": "hf_secret", "context_length": 8192, "gpu_layers": 12,
        "chat_template": "{{ messages[0]['content'] }}", "system_prompt": "Answer briefly.\n한국어로.",
        "temperature": 0.3, "top_k": 20, "top_p": 0.8, "min_p": 0.1, "repeat_penalty": 1.25,
        "repeat_last_n": 128, "max_tokens": 512, "seed": 42,
        "server_enabled": True, "server_port": 5000, "server_api_key": "sk-local", "server_allow_network": True,
        "server_show_requests": False,
    }
    assert set(chosen) == set(SCHEMA.names())
    store = SettingsStore.open()
    assert store.update(chosen) == {k: v for k, v in chosen.items() if SCHEMA[k].default != v}
    store.set_model_override("qwen.gguf", "temperature", 0.1)
    assert store.save() is None

    again = SettingsStore.open(path)
    assert again.messages == []
    assert again.values() == chosen
    assert again.model_overrides("qwen.gguf") == {"temperature": 0.1}
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert "모델" in path.read_text(encoding="utf-8")  # readable, not \\u escapes
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0  # the token is not readable by others


def test_only_chosen_values_are_stored_and_reset_forgets_them(path: Path) -> None:
    store = SettingsStore.open()
    store.set("temperature", 1.2)
    store.set("theme", "light")
    assert store.reset("temperature") == SCHEMA["temperature"].default
    assert store.is_default("temperature") and not store.is_default("theme")
    store.save()
    assert json.loads(path.read_text(encoding="utf-8"))["application"] == {"theme": "light"}


def test_invalid_values_are_rejected_and_nothing_is_lost() -> None:
    store = SettingsStore.open()
    store.set("top_p", 0.5)
    with pytest.raises(SettingValueError, match="Top-P must be between 0 and 1"):
        store.set("top_p", 3)
    with pytest.raises(SettingValueError, match="Temperature must be a number"):
        store.update({"theme": "dark", "temperature": "warm"})
    assert store.get("top_p") == 0.5
    assert store.get("theme") == "system"  # update is all or nothing
    with pytest.raises(SettingValueError, match="no setting called 'colour'"):
        store.set("colour", "red")
    with pytest.raises(SettingValueError, match="cannot be set per model"):
        store.set_model_override("m.gguf", "theme", "dark")


def test_version_1_file_is_upgraded_with_renamed_keys(path: Path) -> None:
    path.parent.mkdir(parents=True)
    old = {
        "schema_version": 1,
        "theme": "dark",
        "fontSize": 13,
        "modelPath": "/old/models",
        "n_threads": 4,
        "n_gpu_layers": 20,
        "temp": 0.4,
        "hf_token": "hf_old",
        "model_settings": {"llama.gguf": {"temp": 0.2, "n_gpu_layers": 8}},
    }
    path.write_text(json.dumps(old), encoding="utf-8")

    store = SettingsStore.open(path)
    assert store.messages == []
    assert store.get("font_size") == 13
    assert store.get("models_folder") == "/old/models"
    assert store.get("threads") == 4 and store.get("gpu_layers") == 20
    assert store.get("temperature") == 0.4 and store.get("huggingface_token") == "hf_old"
    assert store.model_overrides("llama.gguf") == {"temperature": 0.2, "gpu_layers": 8}
    # Upgraded in place, the old file kept beside it.
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION and data["application"]["font_size"] == 13
    assert [json.loads(p.read_text(encoding="utf-8")) for p in backups(path)] == [old]


def test_file_without_a_version_is_read_as_version_1(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"temp": 1.5}), encoding="utf-8")
    assert SettingsStore.open(path).get("temperature") == 1.5


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{ this is not json", "could not be read"),
        (b"\xff\xfe\x00garbage", "could not be read"),
        (b"[1, 2, 3]", "does not contain settings"),
        (b'{"schema_version": 99, "application": {}}', "newer version"),
        (b'{"schema_version": "two"}', "unknown format"),
    ],
)
def test_corrupt_file_is_backed_up_and_defaults_used(path: Path, content: bytes, reason: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    store = SettingsStore.open(path)

    assert store.values() == SCHEMA.defaults()
    assert len(store.messages) == 1 and reason in store.messages[0]
    assert "Default settings are used" in store.messages[0]
    assert store.backup_path is not None and store.backup_path.read_bytes() == content
    assert str(store.backup_path) in store.messages[0]
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION


def test_single_invalid_values_are_dropped_with_a_message_and_others_kept(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path.parent.mkdir(parents=True)
    bad = {
        "schema_version": 2,
        "application": {"theme": "dark", "temperature": 9, "colour": "red", "huggingface_token": 123},
        "models": {"m.gguf": {"theme": "light", "top_k": 5}},
    }
    path.write_text(json.dumps(bad), encoding="utf-8")
    with caplog.at_level(logging.DEBUG):
        store = SettingsStore.open(path)
    assert store.get("theme") == "dark"
    assert store.get("temperature") == SCHEMA["temperature"].default
    assert store.model_overrides("m.gguf") == {"top_k": 5}
    [message] = store.messages
    assert "Temperature must be between 0 and 2, not 9." in message
    assert "Unknown setting 'colour'." in message
    assert "Theme cannot be set per model." in message
    assert "123" not in message and "123" not in caplog.text
    assert json.loads(backups(path)[0].read_text(encoding="utf-8")) == bad


def test_unwritable_location_gives_a_message_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = SettingsStore(blocker / "settings.json")
    store.set("theme", "dark")
    message = store.save()
    assert message is not None and message.startswith("Settings could not be saved")


def test_resolution_chat_beats_model_beats_application() -> None:
    app = {**SCHEMA.defaults(), "temperature": 0.9, "context_length": 2048, "theme": "dark"}
    resolved = resolve(
        app,
        model_overrides={"temperature": 0.5, "context_length": 8192, "theme": "light"},
        chat_overrides={"temperature": 0.1, "gpu_layers": 3, "top_k": "many"},
    )
    assert resolved["temperature"] == 0.1  # chat wins
    assert resolved["context_length"] == 8192  # model wins over application
    assert resolved["theme"] == "dark"  # application-only: a model override is ignored
    assert resolved["gpu_layers"] == SCHEMA["gpu_layers"].default  # not settable per chat
    assert resolved["top_k"] == SCHEMA["top_k"].default  # invalid override ignored
    assert resolve({}) == SCHEMA.defaults()


def test_store_resolves_a_chat_with_its_model() -> None:
    store = SettingsStore.open()
    store.set("temperature", 0.9)
    store.set_model_override("m.gguf", "temperature", 0.5)
    store.set_model_override("m.gguf", "max_tokens", 99)
    assert store.resolved()["temperature"] == 0.9
    assert store.resolved("m.gguf")["temperature"] == 0.5
    assert store.resolved("m.gguf", {"temperature": 0.2})["temperature"] == 0.2
    store.reset_model_override("m.gguf", "temperature")
    assert store.resolved("m.gguf")["temperature"] == 0.9
    assert store.resolved("m.gguf")["max_tokens"] == 99
    assert "hf" not in repr(store)
