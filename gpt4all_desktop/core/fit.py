"""Will this model run on this machine? A fit estimate people can check on hover.

A model needs its weights (about the file size) plus the KV cache, which grows with the
context length: 2 (keys and values) x layers x context x KV heads x head size x bytes per
element. We compare that, plus a small runtime overhead, with the memory that is free now:
RAM for CPU inference, VRAM when layers are offloaded to a GPU. The verdict is one of
"fits", "tight" (it will run, but other apps may be pushed to swap) or "won't fit", always
with the numbers so nobody has to take it on trust.
"""

from __future__ import annotations

import ctypes
import enum
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Sequence, TypeVar

log = logging.getLogger(__name__)

GIB = 1024**3
MIB = 1024**2
RUNTIME_OVERHEAD = 300 * MIB  # compute buffers, tokenizer, llama.cpp bookkeeping
FITS_RATIO = 0.8  # above 80 % of free memory the machine starts to feel it
KV_BYTES_PER_ELEMENT = 2  # llama.cpp keeps the cache in f16 by default

# Approximate bits per weight, used to rank quantizations by quality (more is better) and
# to estimate a size when the hub does not give one.
QUANT_BITS: dict[str, float] = {
    "IQ1_S": 1.56, "IQ1_M": 1.75, "TQ1_0": 1.69, "TQ2_0": 2.06, "IQ2_XXS": 2.06, "IQ2_XS": 2.31,
    "IQ2_S": 2.5, "IQ2_M": 2.7, "Q2_K_S": 2.9, "Q2_K": 3.0, "IQ3_XXS": 3.06, "IQ3_XS": 3.3,
    "IQ3_S": 3.44, "Q3_K_S": 3.5, "IQ3_M": 3.66, "Q3_K_M": 3.9, "Q3_K_L": 4.27, "IQ4_XS": 4.25,
    "IQ4_NL": 4.5, "Q4_0": 4.5, "Q4_K_S": 4.58, "MXFP4": 4.25, "MXFP4_MOE": 4.25, "Q4_1": 5.0,
    "Q4_K_M": 4.85, "Q5_0": 5.5, "Q5_K_S": 5.54, "Q5_1": 6.0, "Q5_K_M": 5.69, "Q6_K": 6.56,
    "Q8_0": 8.5, "BF16": 16.0, "F16": 16.0, "F32": 32.0,
}
# Beyond this, extra bits cost memory and speed for no visible gain in chat quality.
_PREFERRED_MAX_BITS = 6.6


class Verdict(enum.Enum):
    FITS = "fits"
    TIGHT = "tight"
    WONT_FIT = "won't fit"


@dataclass(frozen=True)
class KvShape:
    """The numbers that size the KV cache, from a GGUF header or the catalog."""

    n_layers: int
    n_kv_heads: int
    head_dim: int

    def bytes_per_token(self, bytes_per_element: int = KV_BYTES_PER_ELEMENT) -> int:
        return 2 * self.n_layers * self.n_kv_heads * self.head_dim * bytes_per_element

    @classmethod
    def from_gguf(cls, info: object) -> "KvShape | None":
        """From a :class:`~gpt4all_desktop.core.gguf_info.GgufInfo`; ``None`` if the header lacks the keys."""
        layers = getattr(info, "block_count", None)
        heads = getattr(info, "head_count", None)
        kv_heads = getattr(info, "head_count_kv", None) or heads
        head_dim = getattr(info, "key_length", None)
        embedding = getattr(info, "embedding_length", None)
        if not head_dim and embedding and heads:
            head_dim = embedding // heads
        if not (layers and kv_heads and head_dim):
            return None
        return cls(layers, kv_heads, head_dim)


def kv_cache_bytes(shape: KvShape | None, context_length: int, *, parameter_count: int | None = None) -> int:
    """KV cache size at ``context_length``. Without a shape, a rough guess from the parameter count
    (about 0.1 MB per token per billion parameters, typical of grouped-query models)."""
    if shape is not None:
        return shape.bytes_per_token() * context_length
    billions = (parameter_count or 3_000_000_000) / 1e9
    return int(0.1 * MIB * billions * context_length)


@dataclass(frozen=True)
class MemoryInfo:
    """A snapshot of free memory. ``free_vram`` is ``None`` when no GPU is known."""

    free_ram: int
    total_ram: int
    free_vram: int | None = None
    total_vram: int | None = None


@dataclass(frozen=True)
class FitEstimate:
    verdict: Verdict
    weights_bytes: int
    kv_bytes: int
    overhead_bytes: int
    available_bytes: int
    memory_kind: str  # "RAM" or "VRAM"
    context_length: int

    @property
    def required_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.overhead_bytes

    def explain(self) -> str:
        """The numbers behind the verdict, for a tooltip."""
        return (
            f"Needs about {format_bytes(self.required_bytes)}: model {format_bytes(self.weights_bytes)}"
            f" + context cache {format_bytes(self.kv_bytes)} at {self.context_length:,} tokens"
            f" + {format_bytes(self.overhead_bytes)} working memory.\n"
            f"Free {self.memory_kind} now: {format_bytes(self.available_bytes)}."
        )


def format_bytes(size: int | float) -> str:
    size = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB") else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover - loop always returns


def _verdict(required: int, available: int) -> Verdict:
    if required <= available * FITS_RATIO:
        return Verdict.FITS
    if required <= available:
        return Verdict.TIGHT
    return Verdict.WONT_FIT


def estimate_fit(
    weights_bytes: int,
    kv_bytes: int,
    memory: MemoryInfo,
    *,
    use_gpu: bool = False,
    context_length: int = 0,
) -> FitEstimate:
    """Compare what the model needs with free memory.

    With a GPU, a model that fits VRAM is judged against VRAM; one that does not, but fits in
    RAM with partial offload, is at best "tight" because the CPU then does part of the work.
    """
    required = weights_bytes + kv_bytes + RUNTIME_OVERHEAD
    if use_gpu and memory.free_vram is not None:
        on_gpu = _verdict(required, memory.free_vram)
        if on_gpu is not Verdict.WONT_FIT:
            return FitEstimate(on_gpu, weights_bytes, kv_bytes, RUNTIME_OVERHEAD, memory.free_vram, "VRAM", context_length)
        combined = memory.free_vram + memory.free_ram
        verdict = Verdict.TIGHT if required <= combined else Verdict.WONT_FIT
        return FitEstimate(verdict, weights_bytes, kv_bytes, RUNTIME_OVERHEAD, combined, "RAM + VRAM", context_length)
    verdict = _verdict(required, memory.free_ram)
    return FitEstimate(verdict, weights_bytes, kv_bytes, RUNTIME_OVERHEAD, memory.free_ram, "RAM", context_length)


T = TypeVar("T")


def quant_bits(quantization: str | None) -> float | None:
    return QUANT_BITS.get((quantization or "").upper())


def recommend_quantization(
    options: Sequence[tuple[T, str | None, int]],
    kv_bytes: int,
    memory: MemoryInfo,
    *,
    use_gpu: bool = False,
) -> T | None:
    """Pick the best option among ``(item, quantization, size_bytes)``.

    Best means: the highest-quality quantization (up to ~6.6 bits; more buys nothing visible)
    that comfortably fits; failing that, the best one that is tight; failing that, nothing.
    """
    ranked: list[tuple[Verdict, float, int, T]] = []
    for item, quant, size in options:
        bits = quant_bits(quant)
        if bits is None:
            continue
        verdict = estimate_fit(size, kv_bytes, memory, use_gpu=use_gpu).verdict
        ranked.append((verdict, bits, size, item))
    for wanted in (Verdict.FITS, Verdict.TIGHT):
        candidates = [r for r in ranked if r[0] is wanted]
        if not candidates:
            continue
        sensible = [r for r in candidates if r[1] <= _PREFERRED_MAX_BITS]
        if sensible:
            return max(sensible, key=lambda r: (r[1], -r[2]))[3]
        return min(candidates, key=lambda r: (r[1], r[2]))[3]  # only big ones: the leanest
    return None


def system_memory() -> MemoryInfo:
    """Free and total RAM now (cheap: no subprocess on Linux and Windows). VRAM is not probed here."""
    try:
        if sys.platform.startswith("linux"):
            return _linux_memory()
        if sys.platform == "win32":
            return _windows_memory()
        if sys.platform == "darwin":
            return _mac_memory()
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        log.warning("Could not read free memory: %s", exc)
    pages = os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    total = pages * os.sysconf("SC_PAGE_SIZE") if pages else 8 * GIB
    return MemoryInfo(free_ram=total // 2, total_ram=total)


def _linux_memory() -> MemoryInfo:
    fields: dict[str, int] = {}
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            name, _, rest = line.partition(":")
            parts = rest.split()
            if parts:
                fields[name] = int(parts[0]) * 1024
    free = fields.get("MemAvailable", fields.get("MemFree", 0))
    return MemoryInfo(free_ram=free, total_ram=fields.get("MemTotal", free))


def _windows_memory() -> MemoryInfo:  # pragma: no cover - exercised on Windows only
    class MemoryStatus(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        raise OSError("GlobalMemoryStatusEx failed")
    return MemoryInfo(free_ram=status.ullAvailPhys, total_ram=status.ullTotalPhys)


def _mac_memory() -> MemoryInfo:  # pragma: no cover - exercised on macOS only
    total = int(subprocess.run(["sysctl", "-n", "hw.memsize"], capture_output=True, text=True, timeout=2).stdout)
    vm = subprocess.run(["vm_stat"], capture_output=True, text=True, timeout=2).stdout
    page = 4096
    free_pages = 0
    for line in vm.splitlines():
        if "page size of" in line:
            page = int(line.split("page size of")[1].split()[0])
        if line.startswith(("Pages free", "Pages inactive", "Pages speculative", "Pages purgeable")):
            free_pages += int(line.split(":")[1].strip().rstrip("."))
    # Unified memory: the GPU shares RAM, so VRAM is the same pool.
    return MemoryInfo(free_ram=free_pages * page, total_ram=total, free_vram=free_pages * page, total_vram=total)


def nvidia_vram(timeout: float = 2.0) -> tuple[int, int] | None:
    """(free, total) bytes of the first NVIDIA GPU via ``nvidia-smi``, or ``None``. Runs a process:
    call it from a worker, once, not per badge."""
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=memory.free,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=timeout, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    first = out.strip().splitlines()[0] if out.strip() else ""
    try:
        free, total = (int(v.strip()) * MIB for v in first.split(","))
    except ValueError:
        return None
    return free, total
