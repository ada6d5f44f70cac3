"""The window's server controller: settings turn the server on and off, requests are announced."""

from __future__ import annotations

import socket
from typing import Iterator

import httpx2
import pytest
from pytestqt.qtbot import QtBot

from gpt4all_desktop.server import RequestRecord
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.server_controller import ServerController, ServerSettings

TIMEOUT_MS = 20_000


@pytest.fixture
def control(engine: InferenceController) -> Iterator[ServerController]:
    c = ServerController(engine)
    yield c
    c.shutdown()
    assert c._thread.isFinished(), "the control thread must stop"


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_settings_start_and_stop_the_server_and_requests_are_announced(
        qtbot: QtBot, control: ServerController) -> None:
    with qtbot.waitSignal(control.started, timeout=TIMEOUT_MS) as started:
        control.apply(ServerSettings(enabled=True, port=0, api_key="k"))
    url = started.args[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert control.running and control.url == url

    records: list[RequestRecord] = []
    control.exchangeRecorded.connect(records.append)
    with qtbot.waitSignal(control.requestHandled, timeout=TIMEOUT_MS) as handled:
        assert httpx2.get(f"{url}/models", headers={"Authorization": "Bearer k"}).status_code == 200
    method, path, summary, status = handled.args
    assert (method, path, status) == ("GET", "/v1/models", 200)
    assert "1 model" in summary
    assert [(r.path, r.status) for r in records] == [("/v1/models", 200)]

    with qtbot.waitSignal(control.requestHandled, timeout=TIMEOUT_MS) as refused:
        assert httpx2.get(f"{url}/models").status_code == 401
    assert refused.args[3] == 401

    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with qtbot.waitSignal(control.stopped, timeout=TIMEOUT_MS):
        control.apply(ServerSettings(enabled=False, port=0, api_key="k"))
    assert not control.running
    assert refuses_connections(port)


def test_changed_settings_restart_the_server(qtbot: QtBot, control: ServerController) -> None:
    with qtbot.waitSignal(control.started, timeout=TIMEOUT_MS) as first:
        control.apply(ServerSettings(enabled=True, port=0))
    events: list[str] = []
    control.stopped.connect(lambda: events.append("stopped"))
    control.started.connect(lambda url: events.append("started"))
    with qtbot.waitSignal(control.started, timeout=TIMEOUT_MS) as again:
        control.apply(ServerSettings(enabled=True, port=0, api_key="new"))
    assert events == ["stopped", "started"]
    url = again.args[0]
    assert httpx2.get(f"{url}/models").status_code == 401  # the new key is in force
    assert httpx2.get(f"{url}/models", headers={"Authorization": "Bearer new"}).status_code == 200
    if url != first.args[0]:
        assert refuses_connections(int(first.args[0].rsplit(":", 1)[1].split("/")[0]))
    control.apply(ServerSettings(enabled=True, port=0, api_key="new"))  # unchanged: no restart
    with qtbot.waitSignal(control.stopped, timeout=TIMEOUT_MS):
        control.stop()
    assert events == ["stopped", "started", "stopped"]


def test_the_network_without_a_key_is_refused_with_a_message(qtbot: QtBot, control: ServerController) -> None:
    with qtbot.waitSignal(control.failed, timeout=TIMEOUT_MS) as failed:
        control.apply(ServerSettings(enabled=True, port=0, allow_network=True))
    assert "API key is required" in failed.args[0]
    assert not control.running


def test_a_busy_port_is_reported(qtbot: QtBot, control: ServerController) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with qtbot.waitSignal(control.failed, timeout=TIMEOUT_MS) as failed:
            control.apply(ServerSettings(enabled=True, port=port))
    assert f"Port {port} is already in use" in failed.args[0]


def test_quitting_shuts_a_running_server_down(qtbot: QtBot, engine: InferenceController) -> None:
    control = ServerController(engine)
    with qtbot.waitSignal(control.started, timeout=TIMEOUT_MS) as started:
        control.apply(ServerSettings(enabled=True, port=0))
    port = int(started.args[0].rsplit(":", 1)[1].split("/")[0])
    control.shutdown()
    assert control._thread.isFinished()
    assert refuses_connections(port)
    control.apply(ServerSettings(enabled=True, port=0))  # ignored after shutdown, never a crash


def test_settings_are_read_from_resolved_values() -> None:
    values = {"server_enabled": True, "server_port": 5000, "server_api_key": "abc", "server_allow_network": True}
    assert ServerSettings.from_values(values) == ServerSettings(True, 5000, "abc", True)
    assert ServerSettings.from_values({}) == ServerSettings()
    assert ServerSettings.from_values({}).port == 4891
