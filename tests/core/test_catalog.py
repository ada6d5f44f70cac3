"""The shipped catalog and the fit estimate built on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gpt4all_desktop.core.catalog import CatalogError, default_catalog_path, load_catalog, parse_catalog
from gpt4all_desktop.core.fit import (
    GIB,
    KvShape,
    MemoryInfo,
    Verdict,
    estimate_fit,
    kv_cache_bytes,
    recommend_quantization,
    system_memory,
)
from gpt4all_desktop.core.gguf_info import quantization_from_filename, read_gguf_info
from tests.hf_server import starter_model_path


def test_shipped_catalog_is_valid_and_curated() -> None:
    catalog = load_catalog()
    assert catalog.version
    assert len(catalog.entries) >= 10
    for entry in catalog.entries:
        assert entry.filename.endswith(".gguf") and "/" in entry.repo_id
        assert quantization_from_filename(entry.filename) == entry.quantization
        assert entry.quantization.startswith(("Q4", "IQ4"))  # 4-bit only
        assert 100_000_000 < entry.size_bytes < 6 * GIB
        assert entry.description and entry.license and entry.languages
        assert entry.kv is not None and entry.context_length >= 4096
    korean = {e.repo_id for e in catalog.korean()}
    assert "LGAI-EXAONE/EXAONE-3.5-2.4B-Instruct-GGUF" in korean
    assert "LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct-GGUF" in korean
    assert any("Qwen2.5" in r for r in korean) and any("gemma" in r.lower() for r in korean)
    assert all("ko" in e.languages for e in catalog.korean())


def test_catalog_path_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(default_catalog_path().read_text(encoding="utf-8"))
    data["models"] = data["models"][:1]
    custom = tmp_path / "catalog.json"
    custom.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("GPT4ALL_DESKTOP_CATALOG", str(custom))
    assert len(load_catalog().entries) == 1


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema_version=99), "schema 99"),
        (lambda d: d["models"][0].pop("filename"), "lacks filename"),
        (lambda d: d["models"][0].update(size_bytes="big"), "bad value"),
        (lambda d: d["models"].append(dict(d["models"][0])), "twice"),
        (lambda d: d["models"][0].update(filename="model.bin"), ".gguf"),
    ],
)
def test_malformed_catalogs_are_refused_with_a_reason(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(default_catalog_path().read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(CatalogError, match=message):
        parse_catalog(data)


def test_unreadable_catalog_file(tmp_path: Path) -> None:
    bad = tmp_path / "c.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError, match="could not be read"):
        load_catalog(bad)
    with pytest.raises(CatalogError, match="missing"):
        load_catalog(tmp_path / "none.json")


def test_kv_cache_from_the_starter_header_matches_the_formula() -> None:
    info = read_gguf_info(starter_model_path())
    shape = KvShape.from_gguf(info)
    assert shape == KvShape(n_layers=30, n_kv_heads=3, head_dim=64)
    # 2 (K and V) x 30 layers x 3 heads x 64 dims x 2 bytes = 23 040 bytes per token
    assert kv_cache_bytes(shape, 8192) == 23_040 * 8192


def test_fit_verdicts_follow_free_memory() -> None:
    weights, kv = 2 * GIB, GIB // 2
    assert estimate_fit(weights, kv, MemoryInfo(free_ram=16 * GIB, total_ram=32 * GIB)).verdict is Verdict.FITS
    tight = estimate_fit(weights, kv, MemoryInfo(free_ram=3 * GIB, total_ram=8 * GIB))
    assert tight.verdict is Verdict.TIGHT
    wont = estimate_fit(weights, kv, MemoryInfo(free_ram=2 * GIB, total_ram=4 * GIB), context_length=4096)
    assert wont.verdict is Verdict.WONT_FIT
    text = wont.explain()
    assert "2.0 GB" in text and "4,096 tokens" in text and "Free RAM" in text


def test_gpu_fit_uses_vram_then_falls_back_to_partial_offload() -> None:
    memory = MemoryInfo(free_ram=16 * GIB, total_ram=32 * GIB, free_vram=4 * GIB, total_vram=8 * GIB)
    on_gpu = estimate_fit(2 * GIB, GIB // 4, memory, use_gpu=True)
    assert (on_gpu.verdict, on_gpu.memory_kind) == (Verdict.FITS, "VRAM")
    partial = estimate_fit(6 * GIB, GIB, memory, use_gpu=True)
    assert (partial.verdict, partial.memory_kind) == (Verdict.TIGHT, "RAM + VRAM")


def test_recommends_the_best_quantization_that_fits() -> None:
    options = [("q2", "Q2_K", 3 * GIB), ("q4", "Q4_K_M", 4_600 * 1024**2), ("q6", "Q6_K", 6 * GIB),
               ("q8", "Q8_0", 8 * GIB), ("f16", "F16", 15 * GIB), ("odd", None, GIB)]
    kv = GIB // 2
    assert recommend_quantization(options, kv, MemoryInfo(free_ram=64 * GIB, total_ram=64 * GIB)) == "q6"
    assert recommend_quantization(options, kv, MemoryInfo(free_ram=7 * GIB, total_ram=16 * GIB)) == "q4"
    assert recommend_quantization(options, kv, MemoryInfo(free_ram=4 * GIB, total_ram=8 * GIB)) == "q2"
    assert recommend_quantization(options, kv, MemoryInfo(free_ram=GIB, total_ram=2 * GIB)) is None


def test_system_memory_reports_plausible_numbers() -> None:
    memory = system_memory()
    assert 0 < memory.free_ram <= memory.total_ram
