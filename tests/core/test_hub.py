"""Hub search, file listing and metadata against the Hub look-alike on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpt4all_desktop.core.hub import HubAuthRequired, HubClient, HubNotFound, HubOffline, TokenStore
from gpt4all_desktop.core.paths import AppPaths
from tests.hf_server import COMMIT, FakeHub

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    fake = FakeHub()
    fake.add_repo(SMOL, downloads=500, last_modified="2025-01-01T00:00:00.000Z",
                  gguf={"total": 134_515_008, "architecture": "llama", "context_length": 8192})
    fake.add_file(SMOL, "SmolLM2-135M-Instruct.Q4_1.gguf", b"GGUF" + bytes(2000))
    fake.add_file(SMOL, "SmolLM2-135M-Instruct.Q8_0.gguf", b"GGUF" + bytes(4000))
    fake.add_file(SMOL, "README.md", b"# readme", lfs=False)
    fake.add_repo("bartowski/Qwen2.5-7B-Instruct-GGUF", downloads=9000, last_modified="2024-09-01T00:00:00.000Z")
    fake.add_file("bartowski/Qwen2.5-7B-Instruct-GGUF", "Qwen2.5-7B-Instruct-Q8_0/Qwen2.5-7B-Instruct-Q8_0-00001-of-00002.gguf", b"a" * 50)
    fake.add_file("bartowski/Qwen2.5-7B-Instruct-GGUF", "mmproj-Qwen2.5-7B-f16.gguf", b"b" * 30)
    fake.add_repo("someone/smol-finetune-GGUF", downloads=3, last_modified="2026-06-01T00:00:00.000Z")
    fake.add_repo("someone/smol-safetensors", downloads=10_000, tags=["safetensors"])
    fake.add_repo("gated/Private-GGUF", gated=True)
    fake.add_file("gated/Private-GGUF", "private-Q4_K_M.gguf", b"c" * 10)
    with fake:
        yield fake


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_search_by_downloads_and_by_recency(hub: FakeHub) -> None:
    client = HubClient(endpoint=hub.endpoint)
    by_downloads = client.search("smol", sort="downloads")
    assert [r.repo_id for r in by_downloads] == [SMOL, "someone/smol-finetune-GGUF"]  # GGUF repos only
    assert by_downloads[0].downloads == 500 and by_downloads[0].parameter_count == 134_515_008
    assert by_downloads[0].architecture == "llama" and by_downloads[0].context_length == 8192
    recent = client.search("smol", sort="recent")
    assert [r.repo_id for r in recent] == ["someone/smol-finetune-GGUF", SMOL]
    assert len(client.search("", limit=2)) == 2
    request = next(r for r in hub.requests if r["path"] == "/api/models" and "filter" not in r)
    assert request["method"] == "GET"


def test_lists_gguf_files_with_size_sha_and_quantization(hub: FakeHub) -> None:
    files = HubClient(endpoint=hub.endpoint).list_gguf_files(SMOL)
    assert [f.path for f in files] == ["SmolLM2-135M-Instruct.Q4_1.gguf", "SmolLM2-135M-Instruct.Q8_0.gguf"]
    q4 = files[0]
    assert (q4.quantization, q4.size) == ("Q4_1", 2004)
    assert q4.sha256 == hub.repos[SMOL].files[q4.path].sha256
    assert q4.downloadable


def test_split_and_projector_files_are_marked_not_downloadable(hub: FakeHub) -> None:
    files = HubClient(endpoint=hub.endpoint).list_gguf_files("bartowski/Qwen2.5-7B-Instruct-GGUF")
    by_name = {Path(f.path).name: f for f in files}
    split = by_name["Qwen2.5-7B-Instruct-Q8_0-00001-of-00002.gguf"]
    assert split.split_part == (1, 2) and not split.downloadable
    assert by_name["mmproj-Qwen2.5-7B-f16.gguf"].is_projector
    assert not by_name["mmproj-Qwen2.5-7B-f16.gguf"].downloadable


def test_resolve_gives_sha256_size_and_a_url_pinned_to_the_commit(hub: FakeHub) -> None:
    remote = HubClient(endpoint=hub.endpoint).resolve(SMOL, "SmolLM2-135M-Instruct.Q4_1.gguf")
    entry = hub.repos[SMOL].files["SmolLM2-135M-Instruct.Q4_1.gguf"]
    assert remote.sha256 == entry.sha256 and remote.size == 2004
    assert remote.commit == COMMIT and f"/resolve/{COMMIT}/" in remote.url
    assert remote.url.startswith(hub.endpoint)


def test_gated_repo_needs_a_token(hub: FakeHub) -> None:
    with pytest.raises(HubAuthRequired, match="settings/tokens"):
        HubClient(endpoint=hub.endpoint).resolve("gated/Private-GGUF", "private-Q4_K_M.gguf")
    with pytest.raises(HubAuthRequired):
        HubClient(endpoint=hub.endpoint, token_provider=lambda: "hf_wrong").resolve("gated/Private-GGUF", "private-Q4_K_M.gguf")
    good = HubClient(endpoint=hub.endpoint, token_provider=lambda: hub.token)
    assert good.resolve("gated/Private-GGUF", "private-Q4_K_M.gguf").size == 10
    assert hub.requests[-1]["authorized"]


def test_missing_repo_and_file(hub: FakeHub) -> None:
    client = HubClient(endpoint=hub.endpoint)
    with pytest.raises(HubNotFound, match="was not found"):
        client.resolve(SMOL, "nope-Q4_K_M.gguf")
    with pytest.raises(HubNotFound, match="private repo"):
        client.list_gguf_files("nobody/nothing-GGUF")


def test_unreachable_hub_is_reported_offline_quickly() -> None:
    client = HubClient(endpoint=f"http://127.0.0.1:{closed_port()}", probe_timeout=2)
    assert client.check_online() is False
    with pytest.raises(HubOffline, match="offline"):
        client.search("qwen")
    with pytest.raises(HubOffline):
        client.resolve(SMOL, "x.gguf")


def test_offline_mode_env_is_respected(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    client = HubClient(endpoint=hub.endpoint)
    with pytest.raises(HubOffline):
        client.search("smol")
    assert not any(r["path"] == "/api/models" for r in hub.requests)


def test_hf_endpoint_is_read_at_call_time(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint + "/")
    client = HubClient()
    assert client.endpoint == hub.endpoint
    assert client.search("smol")[0].repo_id == SMOL


def test_token_store_keeps_the_token_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    caplog.set_level(logging.DEBUG)
    store = TokenStore(AppPaths.under(tmp_path), use_keyring=False)
    assert store.get() is None
    store.set("  hf_secret_value  ")
    assert store.get() == "hf_secret_value" and store.has_own_token()
    token_file = tmp_path / "config" / "hf_token"
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert "hf_secret_value" not in repr(store)
    assert "hf_secret_value" not in caplog.text
    store.clear()
    assert store.get() is None and not token_file.exists()
    monkeypatch.setenv("HF_TOKEN", "hf_from_env")
    assert store.get() == "hf_from_env" and not store.has_own_token()


def test_server_answers_huggingface_hub_model_info_with_file_metadata(hub: FakeHub) -> None:
    """The look-alike speaks the real client's protocol, not only our wrapper's."""
    from huggingface_hub import HfApi

    info = HfApi(endpoint=hub.endpoint, token=False).model_info(SMOL, files_metadata=True)
    siblings = {s.rfilename: s for s in info.siblings or []}
    q4 = siblings["SmolLM2-135M-Instruct.Q4_1.gguf"]
    assert q4.size == 2004 and q4.lfs is not None
    assert q4.lfs.sha256 == hub.repos[SMOL].files["SmolLM2-135M-Instruct.Q4_1.gguf"].sha256
    assert siblings["README.md"].lfs is None and info.sha == COMMIT
    pinned = HfApi(endpoint=hub.endpoint, token=False).model_info(SMOL, revision=COMMIT)
    assert pinned.id == SMOL
