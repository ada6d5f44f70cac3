"""Start-up time and memory, each against a bare baseline started the same way in the same run.

* ``startup_ratio``: from ``Popen`` to the moment the main window has been shown and the event
  loop has turned once (the probe prints a line), for the real app (its own entry point, a fresh
  profile) over the smallest PySide6 window. Runs alternate, medians are compared.
* ``rss_overhead_mb``: resident memory of the whole app process tree (window process, engine
  process, multiprocessing helper) once the model is loaded, minus a bare llama-cpp-python
  process holding the same model with the same context length. PSS (shared pages split between
  processes) is reported beside it, since RSS counts shared libraries once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import CONTEXT_LENGTH, ROOT, Figure, log, median, model_path

PROBES = Path(__file__).resolve().parent / "probes"
PYTHON = sys.executable


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["GPT4ALL_DESKTOP_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = env.get("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _time_to_line(args: list[str], expect: str, env: dict[str, str], timeout: float = 120) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == expect:
                return time.perf_counter() - started
        raise RuntimeError(f"{args[1]} ended without printing {expect!r}")
    finally:
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def startup_ratio(repeat: int = 5) -> Figure:
    bare: list[float] = []
    app: list[float] = []
    for i in range(repeat + 1):
        home = Path(tempfile.mkdtemp(prefix="gpt4all-bench-start-"))  # a first start every time
        b = _time_to_line([PYTHON, str(PROBES / "bare_qt.py")], "shown", _env(home))
        a = _time_to_line([PYTHON, str(PROBES / "app.py"), "startup"], "shown", _env(home))
        if i:  # the first pair warms the disk cache
            bare.append(b)
            app.append(a)
            log(f"  run {i}: bare window {b * 1000:.0f} ms, app {a * 1000:.0f} ms")
    return Figure("startup_ratio", median(app) / median(bare), 2.0, "max", baseline=median(bare) * 1000,
                  unit="ratio", details={"app_ms": median(app) * 1000, "bare_window_ms": median(bare) * 1000,
                                         "app_runs_ms": [t * 1000 for t in app],
                                         "bare_runs_ms": [t * 1000 for t in bare]})


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                kids.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return kids


def _tree(pid: int) -> list[int]:
    out = [pid]
    for kid in _children(pid):
        out += _tree(kid)
    return out


def _kib(pid: int, path: str, key: str) -> int:
    try:
        with open(f"/proc/{pid}/{path}", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _memory_when(args: list[str], expect: str, env: dict[str, str]) -> tuple[float, float, int]:
    """(RSS MiB, PSS MiB, processes) of ``args``'s process tree when it prints ``expect``."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == expect:
                time.sleep(1.0)  # let start-up work (threads, caches) settle
                pids = _tree(proc.pid)
                rss = sum(_kib(p, "status", "VmRSS") for p in pids) / 1024
                pss = sum(_kib(p, "smaps_rollup", "Pss") for p in pids) / 1024
                return rss, pss, len(pids)
        raise RuntimeError(f"{args[1]} ended without printing {expect!r}")
    finally:
        try:
            proc.wait(180)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_overhead() -> Figure:
    if not os.path.isdir("/proc/self"):
        raise RuntimeError("memory is measured through /proc (Linux)")
    from gpt4all_desktop.core import hardware

    home = Path(tempfile.mkdtemp(prefix="gpt4all-bench-rss-"))
    threads = hardware.physical_cores()
    bare_rss, bare_pss, _ = _memory_when([PYTHON, str(PROBES / "bare_llama.py"), str(model_path()),
                                          str(CONTEXT_LENGTH), str(threads), "4"], "loaded", _env(home))
    app_rss, app_pss, procs = _memory_when([PYTHON, str(PROBES / "app.py"), "loaded", "4"], "loaded", _env(home))
    log(f"  app tree {app_rss:.0f} MiB RSS ({procs} processes, PSS {app_pss:.0f}); bare llama {bare_rss:.0f} MiB")
    return Figure("rss_overhead_mb", app_rss - bare_rss, 150.0, "max", baseline=bare_rss, unit="MiB",
                  details={"app_tree_rss_mb": app_rss, "bare_llama_rss_mb": bare_rss, "app_processes": procs,
                           "app_tree_pss_mb": app_pss, "bare_llama_pss_mb": bare_pss,
                           "pss_overhead_mb": app_pss - bare_pss, "context_length": CONTEXT_LENGTH})


def run() -> list[Figure]:
    return [startup_ratio(), rss_overhead()]


if __name__ == "__main__":
    import json

    for f in run():
        print(f.name, json.dumps(f.as_json(), default=str))
