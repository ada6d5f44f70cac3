"""A remote engine's models sit in the same picker, and a chat can switch between local and remote."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from typing import Iterator

import pytest

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.remote_registry import RemoteRegistry
from gpt4all_desktop.ui.main_window import MainWindow
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient
from tests.remote.fake_openai import FakeOpenAI


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def window(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths,
           server: FakeOpenAI) -> MainWindow:
    """A window whose model picker knows one remote engine (a fake OpenAI-compatible server)."""
    registry = RemoteRegistry(paths.config_dir)
    engine = registry.add("Workstation", server.base_url)
    registry.list_models(engine.id)
    w = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini", remotes=registry)
    qtbot.addWidget(w)
    w.show()
    return w


def test_remote_model_in_picker_answers_and_the_chat_keeps_going_locally(
        qtbot: QtBot, controller: InferenceController, window: MainWindow, server: FakeOpenAI) -> None:
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()  # the local starter model
    remote_paths = [window.model_picker.itemData(i) for i in range(window.model_picker.count())
                    if str(window.model_picker.itemData(i)).startswith("remote:")]
    assert remote_paths, "remote models are listed beside local ones"
    label = window.model_picker.itemText(window.model_picker.findData(remote_paths[0]))
    assert "remote" in label and "127.0.0.1" in label

    with qtbot.waitSignal(controller.finished, timeout=30_000):
        window.send("Hello locally")
    with qtbot.waitSignal(controller.modelLoaded, timeout=30_000) as loaded:
        window.load_model(remote_paths[0])
    assert loaded.args[0].backend.startswith("Remote")
    with qtbot.waitSignal(window.session.saved, timeout=30_000):
        window.send("And now remotely")
    widgets = window.chat_view.message_widgets
    assert [w.role for w in widgets] == ["user", "assistant", "user", "assistant"]
    assert widgets[-1].text() == "Hello, world!"
    # The remote server saw the whole conversation, local answer included.
    body = server.requests[-1][3]
    assert [m["content"] for m in body["messages"] if m["role"] == "user"] == ["Hello locally", "And now remotely"]
    assert window.session.path[-1].model == remote_paths[0]


def test_switching_to_a_remote_model_frees_the_local_one(
        qtbot: QtBot, controller: InferenceController, window: MainWindow) -> None:
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()
    assert controller.worker.client.model is not None
    remote = next(window.model_picker.itemData(i) for i in range(window.model_picker.count())
                  if str(window.model_picker.itemData(i)).startswith("remote:"))
    with qtbot.waitSignal(controller.modelLoaded, timeout=30_000):
        window.load_model(remote)
    assert controller.worker.client.model is None  # the engine process holds no weights now
    assert controller.worker.client.alive
