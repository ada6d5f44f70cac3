"""GGUF header facts, read from real and deliberately broken files."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import gguf
import numpy as np
import pytest

from gpt4all_desktop.core.gguf_info import (
    FILE_TYPE_NAMES,
    GGML_TYPE_SIZES,
    GgufError,
    read_gguf_info,
    quantization_from_filename,
)
from tests.hf_server import starter_model_path


def write_gguf(path: Path, *, chat_template: str | None = None, file_type: int | None = 15) -> Path:
    writer = gguf.GGUFWriter(str(path), "qwen2")
    writer.add_name("Tiny Test")
    writer.add_context_length(4096)
    writer.add_block_count(2)
    writer.add_embedding_length(64)
    writer.add_head_count(4)
    writer.add_head_count_kv(2)
    if file_type is not None:
        writer.add_file_type(file_type)
    if chat_template is not None:
        writer.add_chat_template(chat_template)
    writer.add_tensor("token_embd.weight", np.ones((16, 64), dtype=np.float32))
    writer.add_tensor("output.weight", np.ones((8, 64), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_reads_the_starter_model_header() -> None:
    info = read_gguf_info(starter_model_path())
    assert info.architecture == "llama"
    assert info.size_label == "135M"
    assert info.parameters_label == "135M"
    assert info.quantization == "Q4_1"
    assert info.context_length == 8192
    assert info.has_chat_template and "message" in (info.chat_template or "")
    assert info.block_count == 30 and info.head_count_kv == 3 and info.embedding_length == 576
    assert 130_000_000 < info.parameter_count < 140_000_000
    assert info.file_size == starter_model_path().stat().st_size


def test_reads_a_written_file_without_template(tmp_path: Path) -> None:
    info = read_gguf_info(write_gguf(tmp_path / "tiny.gguf"))
    assert (info.architecture, info.name, info.quantization) == ("qwen2", "Tiny Test", "Q4_K_M")
    assert info.context_length == 4096
    assert info.head_count == 4 and info.head_count_kv == 2
    assert info.parameter_count == 16 * 64 + 8 * 64
    assert info.has_chat_template is False
    assert info.parameters_label == "1536"


def test_file_type_missing_falls_back_to_the_name(tmp_path: Path) -> None:
    info = read_gguf_info(write_gguf(tmp_path / "tiny-IQ4_XS.gguf", file_type=None, chat_template="{{ x }}"))
    assert info.quantization == "IQ4_XS"
    assert info.has_chat_template


def test_truncated_model_data_is_reported_as_incomplete(tmp_path: Path) -> None:
    cut = tmp_path / "cut.gguf"
    with open(starter_model_path(), "rb") as src:
        cut.write_bytes(src.read(4 * 1024 * 1024))
    with pytest.raises(GgufError, match="incomplete.*MB of model data are missing"):
        read_gguf_info(cut)


def test_header_cut_short_is_reported_as_truncated(tmp_path: Path) -> None:
    cut = tmp_path / "header.gguf"
    with open(starter_model_path(), "rb") as src:
        cut.write_bytes(src.read(500_000))
    with pytest.raises(GgufError, match="header.gguf ends in the middle of its header"):
        read_gguf_info(cut)


def test_random_bytes_are_not_a_model(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(GgufError, match="not a GGUF model file"):
        read_gguf_info(junk)


def test_random_bytes_after_a_valid_signature_are_rejected(tmp_path: Path) -> None:
    junk = tmp_path / "sig.gguf"
    junk.write_bytes(b"GGUF" + struct.pack("<I", 3) + os.urandom(4096))
    with pytest.raises(GgufError):
        read_gguf_info(junk)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "too small"), (b"GGUF" + struct.pack("<I", 1) + bytes(40), "version 1"),
     (b"GGUF" + struct.pack("<I", 9) + bytes(40), "version 9")],
)
def test_small_or_old_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(content)
    with pytest.raises(GgufError, match=message):
        read_gguf_info(path)


def test_missing_file_and_folder_give_messages(tmp_path: Path) -> None:
    with pytest.raises(GgufError, match="does not exist"):
        read_gguf_info(tmp_path / "gone.gguf")
    (tmp_path / "dir.gguf").mkdir()
    with pytest.raises(GgufError, match="folder"):
        read_gguf_info(tmp_path / "dir.gguf")


def test_type_tables_match_the_gguf_reference() -> None:
    reference = {int(t): size for t, size in gguf.GGML_QUANT_SIZES.items()}
    for ggml_type, size in GGML_TYPE_SIZES.items():
        assert reference[ggml_type] == size
    names = {int(t): t.name.removeprefix("MOSTLY_").replace("ALL_", "") for t in gguf.LlamaFileType}
    for file_type, name in FILE_TYPE_NAMES.items():
        assert names[file_type] == name


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Qwen2.5-7B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("qwen2.5-1.5b-instruct-q4_k_m.gguf", "Q4_K_M"),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
        ("Phi-3.5-mini-instruct-IQ4_XS.gguf", "IQ4_XS"),
        ("model-Q8_0-00001-of-00002.gguf", "Q8_0"),
        ("gemma-2-2b-it-f16.gguf", "F16"),
        ("Llama-3.2-1B-Instruct-Q6_K_L.gguf", "Q6_K_L"),
        ("mystery.gguf", None),
    ],
)
def test_quantization_from_filename(name: str, quant: str | None) -> None:
    assert quantization_from_filename(name) == quant
