"""The real window chatting with the real starter model through the worker thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.messages import SamplingParams
from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.ui.main_window import MainWindow
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient
from tests.model_files import starter, with_metadata


def make_window(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths,
                sampling: SamplingParams | None = None) -> MainWindow:
    window = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini",
                        sampling=sampling or SamplingParams(temperature=0.0, max_tokens=40, seed=1))
    qtbot.addWidget(window)
    window.show()
    return window


def type_korean_with_ime(widget: object, text: str) -> None:
    """Type Hangul the way an input method does: a pre-edit (composing) string, then the commit."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    for i in range(1, len(text) + 1):
        QApplication.sendEvent(widget, QInputMethodEvent(text[:i], []))  # composing, not yet text
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)


def start_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.controller.modelLoaded, timeout=60_000):
        window.start()
        # The window is up before the model has finished loading.
        assert window.isVisible()
        assert window.controller.model is None


def test_typing_enter_streams_an_answer_with_stats(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = make_window(qtbot, controller, storage, paths)
    start_and_wait(qtbot, window)
    assert window.model_picker.currentData() == str(starter())
    batches: list[str] = []
    controller.tokens.connect(batches.append)
    type_korean_with_ime(window.composer, "안녕")
    qtbot.keyClicks(window.composer, "! Say hello.")
    with qtbot.waitSignal(controller.finished, timeout=60_000) as finished:
        qtbot.keyClick(window.composer, Qt.Key.Key_Return)
        assert window.send_button.text() == "Stop"
    stats = finished.args[0]
    widgets = window.chat_view.message_widgets
    assert [w.role for w in widgets] == ["user", "assistant"]
    assert widgets[0].text() == "안녕! Say hello."
    assert widgets[1].text() == "".join(batches)
    assert widgets[1].text().strip()
    assert stats.generated_tokens > 0
    assert widgets[1].footer.isVisible() and "tokens" in widgets[1].footer.text()
    assert "tok/s" in window.speed_label.text()
    assert window.backend_label.text().startswith("CPU")
    assert window.composer.toPlainText() == ""
    assert window.send_button.text() == "Send"
    # The chat is saved, titled from its first message, and listed in the sidebar.
    qtbot.waitUntil(lambda: window.session.chat is not None and bool(window.session.path), timeout=10_000)
    assert window.session.chat.title.startswith("안녕!")
    qtbot.waitUntil(lambda: window.sidebar.chat_model.rowCount() >= 1, timeout=10_000)


def test_shift_enter_adds_a_line_instead_of_sending(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = make_window(qtbot, controller, storage, paths)
    qtbot.keyClicks(window.composer, "line one")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.composer, "line two")
    assert window.composer.toPlainText() == "line one\nline two"
    assert window.chat_view.message_widgets == []


def test_stop_button_stops_mid_answer_and_regenerate_works(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = make_window(qtbot, controller, storage, paths, SamplingParams(temperature=0.0, max_tokens=500))
    start_and_wait(qtbot, window)
    with qtbot.waitSignal(controller.finished, timeout=60_000) as finished:
        window.send("Write a long story about a dragon and a knight.")
        qtbot.waitUntil(lambda: bool(window.chat_view.streaming_widget and window.chat_view.streaming_widget.text()),
                        timeout=30_000)
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    stats = finished.args[0]
    assert stats.stop_reason == "cancelled"
    assert stats.generated_tokens < 500
    answer = window.chat_view.message_widgets[-1]
    assert "stopped" in answer.footer.text()
    qtbot.waitUntil(lambda: len(window.session.path) == 2, timeout=10_000)
    assert window.session.path[-1].state.value == "stopped"
    # Regenerate replaces the last answer rather than adding another one.
    window.sampling = SamplingParams(temperature=0.0, max_tokens=12)
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        answer.regenerate_button.click()
    assert [w.role for w in window.chat_view.message_widgets] == ["user", "assistant"]


def test_a_model_that_crashes_the_engine_leaves_the_window_usable(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths, tmp_path: Path) -> None:
    window = make_window(qtbot, controller, storage, paths)
    start_and_wait(qtbot, window)
    bad = with_metadata(starter(), tmp_path / "broken-blocks.gguf", "llama.block_count", 0)
    with qtbot.waitSignal(controller.loadFailed, timeout=60_000) as failed:
        window.load_model(str(bad))
    assert "broken-blocks.gguf" in failed.args[0]
    errors = [w for w in window.chat_view.message_widgets if w.role == "error"]
    assert errors and "crashed" in errors[-1].text()
    assert window.model_label.text() == "No model loaded"
    # Sending without a model explains what to do instead of hanging.
    window.send("hello?")
    assert "No model is loaded" in window.chat_view.message_widgets[-1].text()
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.load_model(str(starter()))
    with qtbot.waitSignal(controller.finished, timeout=60_000) as finished:
        window.send("Hello again")
    assert finished.args[0].generated_tokens > 0


def test_window_geometry_is_remembered(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = make_window(qtbot, controller, storage, paths)
    window.resize(720, 500)
    window.close()
    again = make_window(qtbot, controller, storage, paths)
    assert (again.width(), again.height()) == (720, 500)


def test_huge_paste_gets_a_clear_message_and_loses_nothing(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = make_window(qtbot, controller, storage, paths)
    start_and_wait(qtbot, window)
    huge = "가나다라 " * 60_000  # 300,000 characters: far beyond a 4,096-token context
    window.composer.setPlainText(huge)
    with qtbot.waitSignal(controller.generationFailed, timeout=120_000) as failed:
        qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert "too long for this model's context window" in failed.args[0]
    user = window.chat_view.message_widgets[0]
    assert user.text() == huge  # kept whole (Copy gives all of it)...
    assert len(user.body.text()) < 25_000  # ...while only the start is laid out on screen
    assert window.chat_view.message_widgets[-1].role == "error"
    # The question is saved, so nothing typed is lost.
    qtbot.waitUntil(lambda: bool(window.session.path) and window.session.path[0].content == huge, timeout=10_000)
    # And the chat carries on.
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        window.send("Short question.")
