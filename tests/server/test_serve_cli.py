"""``--serve`` as a real process: it answers with the starter model and stops cleanly on signals."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_store import SettingsStore

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0


class Served:
    """A ``--serve`` process and its output, read without blocking past a deadline."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "gpt4all_desktop.server_cli", *args], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=os.environ | {"PYTHONUNBUFFERED": "1"})
        self.text = ""
        self._scanned = 0

    def read_until(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        """Wait for ``pattern`` in output not matched before; fail showing the output if it never comes."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                found = re.compile(pattern).search(self.text, self._scanned)
                if found:
                    self._scanned = found.end()
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(timeout=left):
                    break
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.text += chunk.decode("utf-8", "replace")
        pytest.fail(f"{pattern!r} never appeared; output was:\n{self.text}")

    def finish(self, timeout: float = 30) -> str:
        """Wait for the process to end and return all its output."""
        rest, _ = self.proc.communicate(timeout=timeout)
        self.text += rest.decode("utf-8", "replace")
        return self.text

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def one_thread_settings() -> None:
    """--serve loads with the user's settings; one thread keeps the shared test machine fast."""
    store = SettingsStore(AppPaths.default().ensure().settings_path)
    store.set("threads", 1)
    assert store.save() is None


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_and_stops_cleanly_on_a_signal(one_thread_settings: None, stop_signal: signal.Signals) -> None:
    served = Served("--port", "0", "--api-key", "cli-key")
    try:
        url = served.read_until(r"on (http://127\.0\.0\.1:\d+/v1)").group(1)
        model = served.read_until(r"Model loaded: .* \(id '([^']+)'").group(1)
        with openai.OpenAI(base_url=url, api_key="cli-key", max_retries=0, timeout=60) as client:
            assert [m.id for m in client.models.list().data] == [model]
            reply = client.chat.completions.create(model=model, max_tokens=6, temperature=0.0,
                                                   messages=[{"role": "user", "content": "Say hi."}])
        assert reply.choices[0].message.content
        served.read_until(r"POST /v1/chat/completions 200")
        served.proc.send_signal(stop_signal)
        text = served.finish()
    finally:
        served.kill()
    assert served.proc.returncode == 0, text
    assert f"Stopping ({stop_signal.name})" in text and "Stopped." in text
    assert "Traceback" not in text


def test_serve_refuses_the_network_without_a_key() -> None:
    served = Served("--host", "0.0.0.0", "--port", "0")
    try:
        out = served.finish(timeout=60)
    finally:
        served.kill()
    assert served.proc.returncode == 2
    assert "API key is required" in out
