"""What this computer can offer llama.cpp: GPU offload and physical cores.

Detection runs in the engine process (where llama.cpp is loaded) and is cheap; its answer is
shown to the user so a CPU fallback is never silent.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import subprocess
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Acceleration:
    backend: str  # "CPU", "Metal", "CUDA" or "Vulkan"
    gpu_offload: bool
    reason: str  # why the CPU is used, empty when a GPU is


def physical_cores() -> int:
    """Physical cores: llama.cpp decodes fastest with one thread per core, not per hyper-thread."""
    logical = os.cpu_count() or 1
    system = platform.system()
    try:
        if system == "Linux":
            cores: set[tuple[str, str]] = set()
            physical = core = ""
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    if line.startswith("physical id"):
                        physical = line.split(":", 1)[1].strip()
                    elif line.startswith("core id"):
                        core = line.split(":", 1)[1].strip()
                        cores.add((physical, core))
            if cores:
                return max(1, min(len(cores), logical))
        elif system == "Darwin":
            out = subprocess.run(["sysctl", "-n", "hw.perflevel0.physicalcpu"], capture_output=True,
                                 text=True, timeout=2)
            if out.returncode != 0 or not out.stdout.strip():
                out = subprocess.run(["sysctl", "-n", "hw.physicalcpu"], capture_output=True,
                                     text=True, timeout=2)
            if out.returncode == 0 and out.stdout.strip().isdigit():
                return max(1, int(out.stdout.strip()))
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.debug("physical core detection failed: %s", exc)
    return max(1, logical // 2) if logical > 2 else logical


def backend_from_system_info(info: str, gpu_offload: bool) -> Acceleration:
    """Name the backend llama.cpp was built with, from ``llama_print_system_info``."""
    upper = info.upper()
    for name, pattern in (("Metal", r"\bMETAL\b"), ("CUDA", r"\bCUDA\b"), ("Vulkan", r"\bVULKAN\b")):
        if re.search(pattern, upper):
            if gpu_offload:
                return Acceleration(name, True, "")
            return Acceleration("CPU", False, f"llama.cpp was built with {name} but found no usable GPU.")
    if gpu_offload:
        return Acceleration("GPU", True, "")
    return Acceleration("CPU", False, "This build of llama.cpp has no GPU support (no Metal, CUDA or Vulkan).")


def detect() -> Acceleration:
    """Ask the loaded llama.cpp library what it can offload to. Only call in the engine process."""
    import llama_cpp  # noqa: PLC0415 - heavy import, engine process only

    try:
        gpu = bool(llama_cpp.llama_supports_gpu_offload())
        info = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
    except Exception as exc:  # noqa: BLE001 - a broken library must not stop CPU inference
        log.warning("GPU detection failed: %s", exc)
        return Acceleration("CPU", False, f"GPU detection failed: {exc}")
    return backend_from_system_info(info, gpu)
