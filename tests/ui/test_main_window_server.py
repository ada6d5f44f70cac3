"""The API server from the window's settings: it answers with the loaded model and the exchange lands in a Server chat."""

from __future__ import annotations

import socket
import threading

from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_store import SettingsStore
from gpt4all_desktop.core.storage import ChatStore
from gpt4all_desktop.ui.main_window import MainWindow
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_setting_serves_the_loaded_model_and_records_requests(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    import openai

    settings = SettingsStore.open(paths.settings_path)
    window = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini", settings=settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()
    assert not window.server.running  # off by default
    port = free_port()
    with qtbot.waitSignal(window.server.started, timeout=30_000) as started:
        window.apply_settings({"server_enabled": True, "server_port": port})
    assert started.args[0] == f"http://127.0.0.1:{port}/v1"
    assert window.server_label.isVisible()

    result: dict[str, object] = {}

    def client() -> None:
        try:
            api = openai.OpenAI(base_url=started.args[0], api_key="unused")
            reply = api.chat.completions.create(model=api.models.list().data[0].id, max_tokens=12,
                                                messages=[{"role": "user", "content": "Say hi"}])
            result["text"] = reply.choices[0].message.content
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            result["error"] = exc

    with qtbot.waitSignal(window.server_recorder.recorded, timeout=60_000):
        thread = threading.Thread(target=client)
        thread.start()
        qtbot.waitUntil(lambda: not thread.is_alive(), timeout=60_000)
    thread.join()
    assert "error" not in result and result["text"]
    store = ChatStore.open(paths.database_path)
    try:
        server_chat = next(c for c in store.list_chats() if c.title == "Server")
        path = store.active_path(server_chat.id)
        assert path[0].content.endswith("Say hi") and path[1].content == result["text"]
    finally:
        store.close()

    with qtbot.waitSignal(window.server.stopped, timeout=30_000):
        window.apply_settings({"server_enabled": False})
    with socket.socket() as probe:  # the port is closed at once
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    window.server.shutdown()
