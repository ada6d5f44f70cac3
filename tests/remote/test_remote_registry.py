"""The saved list of remote engines and where their API keys go."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.remote_engine import RemoteAuthError, RemoteModel
from gpt4all_desktop.core.remote_registry import (
    ENGINES_FILE,
    KEYRING_SERVICE,
    KEYS_FILE,
    FileSecretStore,
    KeyringSecretStore,
    RemoteRegistry,
    default_secret_store,
    model_choices,
)
from tests.remote.fake_openai import FakeOpenAI, json_reply

KEY = "sk-live-0123456789abcdef"


@pytest.fixture
def registry() -> RemoteRegistry:
    return RemoteRegistry()


def test_profile_redirect_keeps_keys_in_the_profile(registry: RemoteRegistry) -> None:
    assert isinstance(registry.secrets, FileSecretStore)
    assert registry.path.parent == AppPaths.default().config_dir
    assert registry.secrets.path == AppPaths.default().config_dir / KEYS_FILE


def test_add_update_remove_round_trip(registry: RemoteRegistry) -> None:
    a = registry.add("Workstation", "http://10.0.0.5:8080", api_key=KEY)
    b = registry.add("", "https://api.example.com/v1")
    assert a.id != b.id and "/" not in a.id
    assert [e.base_url for e in RemoteRegistry().engines()] == ["http://10.0.0.5:8080/v1", "https://api.example.com/v1"]
    assert b.label == "api.example.com" and a.label == "Workstation"
    assert registry.api_key(a.id) == KEY and not registry.has_api_key(b.id)

    renamed = registry.update(a.id, name="GPU box", api_key=None)
    assert renamed.name == "GPU box" and registry.api_key(a.id) == KEY, "None keeps the key"
    registry.update(a.id, api_key="")
    assert not registry.has_api_key(a.id), "an empty key removes it"

    registry.remove(a.id)
    assert [e.id for e in registry.engines()] == [b.id]
    with pytest.raises(ValueError, match="removed"):
        registry.update(a.id, name="x")


def test_the_key_is_never_in_the_engines_file_and_its_own_file_is_private(registry: RemoteRegistry) -> None:
    config = registry.add("Box", "http://10.0.0.5:8080", api_key=KEY)
    assert KEY not in registry.path.read_text(encoding="utf-8")
    assert json.loads(registry.secrets.path.read_text())["keys"] == {config.id: KEY}
    assert KEY not in repr(registry.endpoint(config.id)) and KEY not in repr(registry.build_engine(config.id))
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(registry.secrets.path).st_mode) == 0o600
    registry.remove(config.id)
    assert KEY not in registry.secrets.path.read_text()


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(registry: RemoteRegistry, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        registry.add("x", "ftp://box")
    bogus = tmp_path / "cert.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(ValueError, match="cannot be used"):
        registry.add("x", "https://box", trusted_cert=str(bogus))
    assert registry.engines() == []


def test_a_changed_address_forgets_the_old_models(registry: RemoteRegistry) -> None:
    config = registry.add("Box", "http://box:8080")
    registry.remember_models(config.id, [RemoteModel("m1", 4096)])
    assert registry.get(config.id).models == (RemoteModel("m1", 4096),)
    registry.update(config.id, base_url="http://box:8080/v1")  # same address, normalised
    assert registry.get(config.id).models
    registry.update(config.id, base_url="http://other:8080")
    assert registry.get(config.id).models == ()


def test_model_choices_for_the_picker(registry: RemoteRegistry) -> None:
    box = registry.add("Box", "http://box:8080")
    cloud = registry.add("Cloud", "https://api.example.com/v1")
    registry.remember_models(box.id, [RemoteModel("/models/llama-70b.Q4_K_M.gguf"), RemoteModel("qwen")])
    registry.remember_models(cloud.id, [RemoteModel("org/big-model")])
    assert registry.model_choices() == [
        ("llama-70b.Q4_K_M — remote (box:8080)", f"remote:{box.id}//models/llama-70b.Q4_K_M.gguf"),
        ("qwen — remote (box:8080)", f"remote:{box.id}/qwen"),
        ("org/big-model — remote (api.example.com)", f"remote:{cloud.id}/org/big-model"),
    ]
    assert model_choices(registry.engines(), "{engine}: {model}")[0][0] == "Box: llama-70b.Q4_K_M"


def test_list_models_remembers_them_and_uses_the_stored_key(registry: RemoteRegistry) -> None:
    with FakeOpenAI() as fake:
        config = registry.add("Fake", fake.base_url, api_key=KEY)
        models = registry.list_models(config.id)
        assert fake.requests[-1][2]["Authorization"] == f"Bearer {KEY}"
    assert [m.id for m in models] == ["fake-7b", "org/fake-70b"]
    assert [m.id for m in RemoteRegistry().get(config.id).models] == ["fake-7b", "org/fake-70b"]


def test_the_key_never_reaches_the_log(registry: RemoteRegistry, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeOpenAI() as fake:
        fake.routes["/v1/models"] = json_reply({"error": {"message": "bad key"}}, 401)
        config = registry.add("Fake", fake.base_url, api_key=KEY)
        with pytest.raises(RemoteAuthError) as err:
            registry.list_models(config.id)
    assert KEY not in str(err.value) and KEY not in caplog.text
    assert caplog.records, "the registry does log its actions, just never the key"


def test_an_unreadable_engines_file_is_kept_aside(registry: RemoteRegistry) -> None:
    registry.path.parent.mkdir(parents=True, exist_ok=True)
    registry.path.write_text("{ half written", encoding="utf-8")
    assert registry.engines() == []
    kept = registry.path.with_suffix(".unreadable.json")
    assert kept.read_text(encoding="utf-8") == "{ half written"
    registry.add("Fresh", "http://box")
    assert [e.name for e in registry.engines()] == ["Fresh"]


class FakeKeyring:
    """Stands in for a platform keyring backend; can be told to refuse."""

    priority = 5

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        if self.refuse:
            raise RuntimeError("locked")
        return self.items.get((service, user))

    def set_password(self, service: str, user: str, secret: str) -> None:
        if self.refuse:
            raise RuntimeError("locked")
        self.items[(service, user)] = secret

    def delete_password(self, service: str, user: str) -> None:
        if self.refuse:
            raise RuntimeError("locked")
        self.items.pop((service, user))


def test_keyring_store_keeps_keys_out_of_files(tmp_path: Path) -> None:
    backend = FakeKeyring()
    registry = RemoteRegistry(tmp_path, KeyringSecretStore(backend, FileSecretStore(tmp_path / KEYS_FILE)))
    config = registry.add("Box", "http://box", api_key=KEY)
    assert backend.items == {(KEYRING_SERVICE, config.id): KEY}
    assert not (tmp_path / KEYS_FILE).exists()
    assert all(KEY not in p.read_text() for p in tmp_path.iterdir() if p.is_file())
    assert registry.build_engine(config.id).endpoint.api_key == KEY
    registry.remove(config.id)
    assert backend.items == {}


def test_a_refusing_keyring_falls_back_to_the_private_file(tmp_path: Path) -> None:
    backend = FakeKeyring(refuse=True)
    registry = RemoteRegistry(tmp_path, KeyringSecretStore(backend, FileSecretStore(tmp_path / KEYS_FILE)))
    config = registry.add("Box", "http://box", api_key=KEY)
    assert registry.api_key(config.id) == KEY
    assert KEY in (tmp_path / KEYS_FILE).read_text()
    assert KEY not in (tmp_path / ENGINES_FILE).read_text()


def test_without_a_profile_redirect_a_usable_keyring_is_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = pytest.importorskip("keyring")
    monkeypatch.delenv("GPT4ALL_DESKTOP_HOME")
    monkeypatch.setattr(keyring, "get_keyring", lambda: FakeKeyring())
    assert isinstance(default_secret_store(tmp_path), KeyringSecretStore)
    from keyring.backends import fail  # noqa: PLC0415

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert isinstance(default_secret_store(tmp_path), FileSecretStore)
