"""Facts about a GGUF model file, read from its header without loading the weights.

The model manager lists every installed model with its architecture, size, quantization and
context length, and refuses imports that are not valid GGUF files. Loading a model through
llama.cpp just to learn these facts would take seconds and gigabytes; the header holds them
all in its first megabytes. This is a small pure-Python reader of the GGUF container
(versions 2 and 3) so the core needs no numpy and never maps the whole file.

Truncated or random files raise :class:`GgufError` with a message a person can act on.
"""

from __future__ import annotations

import io
import logging
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# Guards against random bytes that happen to start with "GGUF": no real model has more.
_MAX_TENSORS = 1_000_000
_MAX_KV = 100_000
_MAX_STRING = 64 * 1024 * 1024
_MAX_ARRAY = 50_000_000
_MAX_DIMS = 8

# GGUF metadata value types.
_UINT8, _INT8, _UINT16, _INT16, _UINT32, _INT32, _FLOAT32, _BOOL, _STRING, _ARRAY = range(10)
_UINT64, _INT64, _FLOAT64 = 10, 11, 12
_SCALARS: dict[int, struct.Struct] = {
    _UINT8: struct.Struct("<B"),
    _INT8: struct.Struct("<b"),
    _UINT16: struct.Struct("<H"),
    _INT16: struct.Struct("<h"),
    _UINT32: struct.Struct("<I"),
    _INT32: struct.Struct("<i"),
    _FLOAT32: struct.Struct("<f"),
    _BOOL: struct.Struct("<?"),
    _UINT64: struct.Struct("<Q"),
    _INT64: struct.Struct("<q"),
    _FLOAT64: struct.Struct("<d"),
}
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")

# llama.cpp's ``general.file_type`` (LLAMA_FTYPE_*): what users call the quantization.
FILE_TYPE_NAMES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE",
}

# ggml tensor types: (elements per block, bytes per block). Used to find where the last
# tensor ends, which tells a complete file from a truncated one.
GGML_TYPE_SIZES: dict[int, tuple[int, int]] = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),
    9: (32, 40), 10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210),
    15: (256, 292), 16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18),
    21: (256, 110), 22: (256, 82), 23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4),
    27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2), 34: (256, 54), 35: (256, 66),
    39: (32, 17),
}

_QUANT_IN_NAME = re.compile(
    r"(?<![A-Za-z0-9])(I?Q\d_K_[SMLX]{1,2}|I?Q\d_K|IQ\d_[A-Z]{1,3}|Q\d_\d|TQ\d_\d|MXFP4(?:_MOE)?"
    r"|BF16|F16|F32|FP16)(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def quantization_from_filename(filename: str) -> str | None:
    """The quantization named in a GGUF file name (``Qwen2.5-3B-Instruct-Q4_K_M.gguf`` -> ``Q4_K_M``).

    Hugging Face repos name quantizations consistently in file names; the hub listing has no
    other field for it, and reading the header would mean downloading the file first.
    """
    matches = _QUANT_IN_NAME.findall(Path(filename).name)
    if not matches:
        return None
    quant = matches[-1].upper()
    return "F16" if quant == "FP16" else quant


class GgufError(ValueError):
    """The file is not a usable GGUF model; ``str()`` is a message for the user."""


@dataclass(frozen=True)
class GgufInfo:
    """What the header says about a model. Missing keys are ``None`` rather than guesses."""

    path: Path
    file_size: int
    version: int
    architecture: str | None
    name: str | None
    size_label: str | None
    parameter_count: int
    file_type: int | None
    quantization: str | None
    context_length: int | None
    chat_template: str | None
    block_count: int | None
    embedding_length: int | None
    head_count: int | None
    head_count_kv: int | None
    key_length: int | None
    value_length: int | None
    tensor_count: int
    license: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template)

    @property
    def parameters_label(self) -> str:
        """``135M`` / ``1.5B``: the size label if the file has one, else from the tensor count."""
        if self.size_label:
            return self.size_label
        return format_parameter_count(self.parameter_count)


def format_parameter_count(count: int) -> str:
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f}B".replace(".0B", "B")
    if count >= 1_000_000:
        return f"{count / 1e6:.0f}M"
    return str(count)


class _Truncated(GgufError):
    """End of file inside the header; :func:`read_gguf_info` adds the file name."""


class _Reader:
    """Sequential little-endian reads that turn end-of-file into a :class:`GgufError`."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.offset = 0

    def read(self, size: int) -> bytes:
        data = self._stream.read(size)
        if len(data) != size:
            raise _Truncated()
        self.offset += size
        return data

    def skip(self, size: int) -> None:
        self._stream.seek(size, io.SEEK_CUR)
        self.offset += size

    def u32(self) -> int:
        return _U32.unpack(self.read(4))[0]

    def u64(self) -> int:
        return _U64.unpack(self.read(8))[0]

    def string(self) -> str:
        length = self.u64()
        if length > _MAX_STRING:
            raise GgufError("The file's header is damaged (a text field claims to be larger than 64 MB).")
        return self.read(length).decode("utf-8", errors="replace")

    def value(self, value_type: int, keep: bool) -> Any:
        scalar = _SCALARS.get(value_type)
        if scalar is not None:
            return scalar.unpack(self.read(scalar.size))[0]
        if value_type == _STRING:
            return self.string()
        if value_type == _ARRAY:
            item_type = self.u32()
            count = self.u64()
            if count > _MAX_ARRAY:
                raise GgufError("The file's header is damaged (an array claims too many entries).")
            item_scalar = _SCALARS.get(item_type)
            if not keep and item_scalar is not None:
                self.skip(item_scalar.size * count)  # e.g. token scores: no need to decode
                return None
            items = [self.value(item_type, keep) for _ in range(count)]
            return items if keep else None
        raise GgufError(f"The file's header is damaged (unknown value type {value_type}).")


def _keep_value(key: str) -> bool:
    """Tokenizer vocabularies are huge and irrelevant here; everything else is kept."""
    return not key.startswith("tokenizer.ggml.") or key == "tokenizer.ggml.model"


def read_gguf_info(path: Path | str) -> GgufInfo:
    """Read the header of ``path``. Raises :class:`GgufError` for anything that is not a whole GGUF."""
    path = Path(path)
    try:
        file_size = path.stat().st_size
        with open(path, "rb", buffering=1 << 20) as stream:
            return _parse(path, file_size, _Reader(stream))
    except _Truncated as exc:
        raise GgufError(
            f"{path.name} ends in the middle of its header: it is truncated or incomplete."
        ) from exc
    except GgufError:
        raise
    except IsADirectoryError as exc:
        raise GgufError(f"{path.name} is a folder, not a model file.") from exc
    except FileNotFoundError as exc:
        raise GgufError(f"{path.name} does not exist (it may have been moved or deleted).") from exc
    except PermissionError as exc:
        raise GgufError(f"{path.name} cannot be read: permission denied.") from exc
    except OSError as exc:
        raise GgufError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc


def _parse(path: Path, file_size: int, reader: _Reader) -> GgufInfo:
    if file_size < 24:
        raise GgufError(f"{path.name} is too small to be a GGUF model ({file_size} bytes).")
    if reader.read(4) != GGUF_MAGIC:
        raise GgufError(f"{path.name} is not a GGUF model file (it does not start with the GGUF signature).")
    version = reader.u32()
    if version == 1:
        raise GgufError(f"{path.name} uses GGUF version 1, which is too old; download a newer conversion.")
    if version not in (2, 3):
        raise GgufError(f"{path.name} uses GGUF version {version}, which this app does not understand.")
    tensor_count = reader.u64()
    kv_count = reader.u64()
    if tensor_count > _MAX_TENSORS or kv_count > _MAX_KV:
        raise GgufError(f"{path.name} has a damaged GGUF header (impossible entry counts).")

    metadata: dict[str, Any] = {}
    for _ in range(kv_count):
        key = reader.string()
        value_type = reader.u32()
        keep = _keep_value(key)
        value = reader.value(value_type, keep)
        if keep:
            metadata[key] = value

    parameter_count = 0
    data_end = 0  # relative to the start of the tensor data
    for _ in range(tensor_count):
        reader.string()  # tensor name
        n_dims = reader.u32()
        if n_dims > _MAX_DIMS:
            raise GgufError(f"{path.name} has a damaged tensor table.")
        dims = [reader.u64() for _ in range(n_dims)]
        ggml_type = reader.u32()
        offset = reader.u64()
        elements = 1
        for dim in dims:
            elements *= dim
        parameter_count += elements
        block = GGML_TYPE_SIZES.get(ggml_type)
        nbytes = (elements // block[0]) * block[1] if block else 0
        data_end = max(data_end, offset + nbytes)

    alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0:
        alignment = DEFAULT_ALIGNMENT
    data_start = -(-reader.offset // alignment) * alignment
    if tensor_count and data_start + data_end > file_size:
        missing = data_start + data_end - file_size
        raise GgufError(
            f"{path.name} is incomplete: {_mb(missing)} of model data are missing "
            "(an interrupted download or copy). Download or copy it again."
        )
    if tensor_count == 0:
        raise GgufError(f"{path.name} contains no model weights.")
    return _facts(path, file_size, version, tensor_count, parameter_count, metadata)


def _facts(
    path: Path, file_size: int, version: int, tensor_count: int, parameter_count: int, meta: dict[str, Any]
) -> GgufInfo:
    arch = meta.get("general.architecture")
    arch = arch if isinstance(arch, str) else None

    def arch_int(suffix: str) -> int | None:
        value = meta.get(f"{arch}.{suffix}") if arch else None
        if isinstance(value, list):  # some architectures store per-layer values
            value = max((v for v in value if isinstance(v, int)), default=None)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def text(key: str) -> str | None:
        value = meta.get(key)
        return value if isinstance(value, str) and value else None

    file_type = meta.get("general.file_type")
    file_type = file_type if isinstance(file_type, int) else None
    quant = FILE_TYPE_NAMES.get(file_type) if file_type is not None else None
    return GgufInfo(
        path=path,
        file_size=file_size,
        version=version,
        architecture=arch,
        name=text("general.name"),
        size_label=text("general.size_label"),
        parameter_count=parameter_count,
        file_type=file_type,
        quantization=quant or quantization_from_filename(path.name),
        context_length=arch_int("context_length"),
        chat_template=text("tokenizer.chat_template"),
        block_count=arch_int("block_count"),
        embedding_length=arch_int("embedding_length"),
        head_count=arch_int("attention.head_count"),
        head_count_kv=arch_int("attention.head_count_kv"),
        key_length=arch_int("attention.key_length"),
        value_length=arch_int("attention.value_length"),
        tensor_count=tensor_count,
        license=text("general.license"),
        metadata=meta,
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
