"""The saved KV state file format on its own: every kind of damage is caught, mismatches are ignored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gpt4all_desktop.core.kv_cache import KvFingerprint, KvStateCache, common_prefix

TOKENS = list(range(1000, 1200))
STATE = os.urandom(64 * 1024)


@pytest.fixture
def fingerprint(tmp_path: Path) -> KvFingerprint:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF" + bytes(100))
    return KvFingerprint.for_model(str(model), context_length=2048, gpu_layers=0, backend="CPU", llama_version="0.3")


@pytest.fixture
def cache(tmp_path: Path) -> KvStateCache:
    return KvStateCache(tmp_path / "kv", max_bytes=10 * 1024 * 1024)


def test_round_trip(cache: KvStateCache, fingerprint: KvFingerprint) -> None:
    path = cache.save("chat-1", fingerprint, TOKENS, STATE)
    assert path is not None and path.parent == cache.folder
    entry = cache.peek("chat-1", fingerprint)
    assert entry is not None and list(entry.tokens) == TOKENS
    assert bytes(cache.read_state(entry) or b"") == STATE
    assert not list(cache.folder.glob(".*.tmp"))  # written under a temporary name, then renamed


@pytest.mark.parametrize("where", ["magic", "header", "tokens", "state", "truncated", "padded", "empty"])
def test_damage_is_detected_and_the_file_removed(cache: KvStateCache, fingerprint: KvFingerprint, where: str) -> None:
    path = cache.save("chat-1", fingerprint, TOKENS, STATE)
    assert path is not None
    data = bytearray(path.read_bytes())
    header_end = data.index(b"}") + 1
    if where == "magic":
        data[0] ^= 0xFF
    elif where == "header":
        data[header_end - 5] ^= 0x01
    elif where == "tokens":
        data[header_end + 9] ^= 0x01
    elif where == "state":
        data[-100] ^= 0x01
    elif where == "truncated":
        del data[-10:]
    elif where == "padded":
        data += b"\0" * 10
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    entry = cache.peek("chat-1", fingerprint)
    if entry is not None:  # damage in the state bytes shows only when they are read
        assert cache.read_state(entry) is None
    assert not path.exists()


def test_another_model_or_setting_is_ignored_but_kept(cache: KvStateCache, fingerprint: KvFingerprint) -> None:
    cache.save("chat-1", fingerprint, TOKENS, STATE)
    from dataclasses import replace

    for other in (replace(fingerprint, context_length=4096), replace(fingerprint, model_size=1),
                  replace(fingerprint, model_mtime_ns=fingerprint.model_mtime_ns + 1),
                  replace(fingerprint, gpu_layers=-1), replace(fingerprint, llama_version="0.4")):
        assert cache.peek("chat-1", other) is None
    assert cache.peek("chat-2", fingerprint) is None
    assert cache.peek("chat-1", fingerprint) is not None  # still there for the model it belongs to


def test_cap_evicts_least_recently_used(tmp_path: Path, fingerprint: KvFingerprint) -> None:
    cache = KvStateCache(tmp_path / "kv", max_bytes=int(len(STATE) * 2.5))
    a = cache.save("a", fingerprint, TOKENS, STATE)
    b = cache.save("b", fingerprint, TOKENS, STATE)
    assert a and b
    os.utime(a, ns=(1_000_000_000, 1_000_000_000))
    os.utime(b, ns=(2_000_000_000, 2_000_000_000))
    entry = cache.peek("a", fingerprint)
    assert entry is not None and cache.read_state(entry) is not None  # reading "a" makes "b" the oldest
    c = cache.save("c", fingerprint, TOKENS, STATE)
    assert c and a.exists() and c.exists() and not b.exists()
    assert cache.total_bytes() <= cache.max_bytes


def test_state_larger_than_the_cap_is_not_saved(tmp_path: Path, fingerprint: KvFingerprint) -> None:
    cache = KvStateCache(tmp_path / "kv", max_bytes=1000)
    assert cache.save("a", fingerprint, TOKENS, STATE) is None
    assert cache.peek("a", fingerprint) is None


def test_common_prefix() -> None:
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([1, 2], [1, 2, 3]) == 2
    assert common_prefix([], [1]) == 0
    assert common_prefix([9], [1]) == 0
