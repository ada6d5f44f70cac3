"""The model manager from the main window: a download shows in the status bar and the model appears in the picker."""

from __future__ import annotations

from typing import Iterator

import pytest
from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.hub import HubClient
from gpt4all_desktop.core.installed_models import InstalledModels, ModelSettings
from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_store import SettingsStore
from gpt4all_desktop.ui.main_window import MainWindow
from gpt4all_desktop.workers.download_worker import DownloadController
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient
from tests.hf_server import FakeHub, starter_model_bytes

REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    fake = FakeHub()
    fake.add_repo(REPO, downloads=10)
    fake.add_file(REPO, FILE, starter_model_bytes())
    with fake:
        yield fake


@pytest.fixture
def downloads(paths: AppPaths, hub: FakeHub) -> Iterator[DownloadController]:
    ctl = DownloadController(paths, hub=HubClient(endpoint=hub.endpoint))
    yield ctl
    assert ctl.shutdown()


def test_downloaded_model_shows_progress_then_loads_with_its_own_settings(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths,
        downloads: DownloadController) -> None:
    installed = InstalledModels(paths)
    window = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini",
                        settings=SettingsStore.open(paths.settings_path), downloads=downloads, installed=installed)
    qtbot.addWidget(window)
    window.show()
    indicator: list[str] = []
    downloads.progress.connect(lambda _s: indicator.append(window.download_label.text()))
    with qtbot.waitSignal(downloads.modelInstalled, timeout=120_000) as done:
        downloads.download(REPO, FILE)
    target = paths.models_dir / FILE
    assert done.args == [str(target)]
    assert any(text.startswith("Downloading 1 model") for text in indicator)
    qtbot.waitUntil(lambda: window.model_picker.findData(str(target)) >= 0, timeout=5_000)
    qtbot.waitUntil(lambda: not window.download_label.isVisible(), timeout=5_000)

    # Per-model settings from the model manager apply when that model is loaded.
    installed.save_settings(target, ModelSettings(context_length=768, max_tokens=5))
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000) as loaded:
        window.load_model(str(target))
    assert loaded.args[0].path == str(target)
    assert loaded.args[0].context_length == 768
    assert window.sampling.max_tokens == 5

    window.open_model_manager()
    qtbot.waitUntil(lambda: window._manager is not None and window._manager.isVisible(), timeout=5_000)
    window._manager.close()


def test_quitting_with_the_model_manager_open_stops_its_threads(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths,
        downloads: DownloadController) -> None:
    window = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini", downloads=downloads)
    qtbot.addWidget(window)
    window.show()
    window.open_model_manager()
    manager = window._manager
    qtbot.waitUntil(lambda: manager is not None and manager.isVisible(), timeout=5_000)
    threads = [t for t in manager.findChildren(QThread)] + [
        getattr(o, "_thread") for o in manager.findChildren(QObject) if isinstance(getattr(o, "_thread", None), QThread)]
    window.close()
    assert threads, "the manager runs its work on threads"
    qtbot.waitUntil(lambda: all(t.isFinished() or not t.isRunning() for t in threads), timeout=10_000)
