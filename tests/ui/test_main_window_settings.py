"""Settings reach the engine: saved to the file, used for the next answer, and reloading when needed."""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_store import SettingsStore
from gpt4all_desktop.ui.main_window import MainWindow
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient


def test_changed_settings_are_saved_used_and_reload_the_model(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    store = SettingsStore.open(paths.settings_path)
    window = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini", settings=store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000) as loaded:
        window.start()
    assert loaded.args[0].context_length == store.get("context_length")

    window.apply_settings({"temperature": 0.15, "max_tokens": 7})
    assert window.sampling.temperature == 0.15
    saved = json.loads(paths.settings_path.read_text(encoding="utf-8"))
    assert saved["application"]["temperature"] == 0.15
    with qtbot.waitSignal(controller.finished, timeout=60_000) as finished:
        window.send("Tell me a long story about the sea.")
    assert finished.args[0].generated_tokens <= 7

    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000) as reloaded:
        window.apply_settings({"context_length": 1024})
    assert reloaded.args[0].context_length == 1024
    # A chat template is chosen when the model loads, so changing it reloads too.
    template = "{% for m in messages %}{{ m.content }}\n{% endfor %}"
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000) as retemplated:
        window.apply_settings({"chat_template": template})
    assert retemplated.args[0].chat_template_source == "override"
    # A fresh store (the next start) reads the same values back.
    again = SettingsStore.open(paths.settings_path)
    assert again.get("context_length") == 1024 and again.get("max_tokens") == 7


def test_settings_shortcut_and_menus_exist(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini",
                        settings=SettingsStore.open(paths.settings_path))
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Chat", "&Help"]
    assert not window.settings_action.shortcut().isEmpty()
    assert window.new_chat_action.shortcut().toString() == "Ctrl+N"
    window.open_settings()
    from gpt4all_desktop.ui.settings_dialog import SettingsDialog

    qtbot.waitUntil(lambda: any(isinstance(w, SettingsDialog) and w.isVisible() for w in window.findChildren(SettingsDialog)))
