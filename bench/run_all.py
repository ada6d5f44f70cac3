"""Run every benchmark and write bench/results.json and bench/results.png.

Usage (from the repository root)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/run_all.py [--only engine,window,process]

Each figure is a ratio or a count against a baseline measured in this same run (see
bench/README.md). The exit status is 0 when every measured figure meets its target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# llama.cpp's OpenMP threads spin while they wait for each other; on a 2-core machine that is
# also drawing the window, a spinning thread steals the core its partner needs and decoding
# collapses (0.5-1.3 tok/s instead of 22-27 here). Passive waiting is what the engine should use;
# set for every process of the run (app, engine and baselines alike) so they compare fairly.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# A throw-away profile: the benchmarks never touch the user's chats, settings or KV cache.
os.environ.setdefault("GPT4ALL_DESKTOP_HOME", tempfile.mkdtemp(prefix="gpt4all-bench-"))

from bench.common import Figure, log, machine, model_path  # noqa: E402

HERE = Path(__file__).resolve().parent
STEPS = ("engine", "window", "process")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(STEPS), help="comma-separated steps: " + ", ".join(STEPS))
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    steps = [s.strip() for s in args.only.split(",") if s.strip()]
    info = machine()
    started = time.perf_counter()
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    for step in steps:
        log(f"[bench] {step} ...")
        t0 = time.perf_counter()
        try:
            if step == "engine":
                from bench import bench_engine as module
            elif step == "window":
                from bench import bench_window as module  # type: ignore[no-redef]
            elif step == "process":
                from bench import bench_process as module  # type: ignore[no-redef]
            else:
                raise SystemExit(f"unknown step {step!r}")
            figures += module.run()
        except Exception as exc:  # noqa: BLE001 - one broken step must not hide the others' results
            log(f"[bench] {step} failed: {type(exc).__name__}: {exc}")
            errors[step] = f"{type(exc).__name__}: {exc}"
        log(f"[bench] {step} took {time.perf_counter() - t0:.0f} s")

    out = Path(args.out)
    results: dict[str, object] = {}
    if out.exists() and set(steps) != set(STEPS):
        try:
            results = json.loads(out.read_text(encoding="utf-8"))  # a partial run updates its figures only
        except (OSError, ValueError):
            results = {}
    results.update({f.name: f.as_json() for f in figures})
    results["machine"] = info
    results["model"] = str(model_path().name)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["errors"] = errors
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")

    from bench.chart import draw

    png = draw(results, out.with_suffix(".png"))
    print(f"{'figure':24} {'value':>10} {'target':>10}  result")
    for f in figures:
        sign = ">=" if f.direction == "min" else "<="
        print(f"{f.name:24} {f.value:10.3f} {sign}{f.target:9.3f}  {'pass' if f.passed else 'MISS'}")
    for step, why in errors.items():
        print(f"{step}: failed ({why})")
    print(f"wrote {out} and {png} in {results['seconds']} s")
    return 0 if figures and all(f.passed for f in figures) and not errors else 1


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
