"""Conversations are saved as they happen, come back after a restart, and keep every version."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gpt4all_desktop.core.messages import SamplingParams
from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.core.settings_store import SettingsStore
from gpt4all_desktop.core.storage import ChatStore
from gpt4all_desktop.ui.main_window import MainWindow
from gpt4all_desktop.workers.inference_worker import InferenceController
from gpt4all_desktop.workers.storage_worker import StorageClient


def window_for(qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> MainWindow:
    w = MainWindow(controller, storage, paths.models_dir, paths.config_dir / "window.ini",
                   sampling=SamplingParams(temperature=0.8, max_tokens=16, seed=-1),
                   settings=SettingsStore.open(paths.settings_path))
    qtbot.addWidget(w)
    w.show()
    return w


def ask(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.session.saved, timeout=60_000):
        window.send(text)


def test_chat_is_saved_with_stats_and_reopens_after_restart(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = window_for(qtbot, controller, storage, paths)
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()
    ask(qtbot, window, "What is the tallest mountain?")
    ask(qtbot, window, "고마워요!")
    chat_id = window.session.chat_id
    assert chat_id is not None
    window.close()

    store = ChatStore.open(paths.database_path)
    try:
        path = store.active_path(chat_id)
        assert [m.role.value for m in path] == ["user", "assistant", "user", "assistant"]
        assert path[2].content == "고마워요!"
        assert path[1].stats.generated_tokens and path[1].stats.tokens_per_second
        assert path[1].model and path[1].model.endswith(".gguf")
        assert store.chat(chat_id).model == path[1].model
        assert store.integrity_check() == "ok"
    finally:
        store.close()

    # "Restart": a new window on the same files reopens the last chat with its messages.
    again = window_for(qtbot, controller, storage, paths)
    qtbot.waitUntil(lambda: len(again.chat_view.message_widgets) == 4, timeout=10_000)
    assert again.chat_view.message_widgets[2].text() == "고마워요!"
    assert again.session.chat_id == chat_id


def test_regenerate_and_edit_keep_earlier_versions(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = window_for(qtbot, controller, storage, paths)
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()
    ask(qtbot, window, "Name a fruit.")
    first_answer = window.session.path[-1]
    with qtbot.waitSignal(window.session.saved, timeout=60_000):
        window.regenerate()
    qtbot.waitUntil(lambda: window.chat_view.message_widgets[-1].branch_label.text() == "2/2", timeout=10_000)
    answer_widget = window.chat_view.message_widgets[-1]
    assert answer_widget.prev_button.isVisible() or answer_widget.prev_button.isVisibleTo(window)
    # Back to version 1: the first answer is still there, word for word.
    answer_widget.prev_button.click()
    qtbot.waitUntil(lambda: window.chat_view.message_widgets[-1].branch_label.text() == "1/2", timeout=10_000)
    assert window.chat_view.message_widgets[-1].text() == first_answer.content

    # Editing the question makes a new branch; the model only sees the edited one.
    question_id = window.session.path[0].id
    seen: list[object] = []
    original = controller.generate

    def spy(request):  # type: ignore[no-untyped-def]
        seen.append(request)
        return original(request)

    controller.generate = spy  # type: ignore[method-assign]
    with qtbot.waitSignal(window.session.saved, timeout=60_000):
        window.ask_edited(question_id, "Name a vegetable.")
    assert [m.content for m in seen[-1].messages if m.role == "user"] == ["Name a vegetable."]
    qtbot.waitUntil(lambda: window.chat_view.message_widgets[0].branch_label.text() == "2/2", timeout=10_000)
    window.chat_view.message_widgets[0].prev_button.click()
    qtbot.waitUntil(lambda: window.chat_view.message_widgets[0].text() == "Name a fruit.", timeout=10_000)
    # Under the original question both of its answers are still there.
    assert window.chat_view.message_widgets[-1].branch_label.text().endswith("/2")


def test_search_hit_opens_the_chat_at_the_message(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    window = window_for(qtbot, controller, storage, paths)
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()
    ask(qtbot, window, "제주도 여행 계획을 세워 주세요")
    target = window.session.chat_id
    window._new_chat()
    assert window.chat_view.message_widgets == []
    with qtbot.waitSignal(window.sidebar.searchFinished, timeout=10_000) as found:
        window.sidebar.search_field.setText("제주도")
        window.sidebar.runSearch()
    assert found.args[1] >= 1
    window.sidebar.messageSelected.emit(target, window.session.path[0].id if window.session.path else 1)
    qtbot.waitUntil(lambda: window.session.chat_id == target and len(window.chat_view.message_widgets) == 2,
                    timeout=10_000)
    assert "제주도" in window.chat_view.message_widgets[0].text()


def test_export_import_and_chat_settings_from_the_window(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    from pathlib import Path

    window = window_for(qtbot, controller, storage, paths)
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()
    ask(qtbot, window, "Remember the word 바다.")
    chat_id = window.session.chat_id

    # This chat gets its own answer length, which the next request uses.
    with qtbot.waitSignal(window.session.saved, timeout=10_000):
        window.apply_chat_settings({"max_tokens": 3, "system_prompt": "Answer in one word."})
    assert window.resolved_settings()["max_tokens"] == 3
    window.sampling = None  # type: ignore[assignment]  # use the resolved settings from now on
    assert window.sampling.max_tokens == 3
    assert window.session.prompt_messages(window._system_prompt())[0].content == "Answer in one word."

    md, js = tmp_path / "chat.md", tmp_path / "chat.json"
    window.export_chats("md", all_chats=False, path=str(md))
    window.export_chats("json", all_chats=False, path=str(js))
    qtbot.waitUntil(lambda: md.exists() and js.exists() and storage.pending == 0, timeout=10_000)
    assert "바다" in md.read_text(encoding="utf-8")
    exported = json.loads(js.read_text(encoding="utf-8"))
    assert "바다" in json.dumps(exported, ensure_ascii=False)

    # A broken file is refused with a message naming the problem, and nothing is imported.
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    before = len(window.chat_view.message_widgets)
    window.import_chats(str(bad))
    qtbot.waitUntil(lambda: len(window.chat_view.message_widgets) > before, timeout=10_000)
    assert window.chat_view.message_widgets[-1].role == "error"

    with qtbot.waitSignal(window.sidebar.chatsLoaded, timeout=10_000):
        window.import_chats(str(js))
    chatgpt = Path(__file__).resolve().parents[1] / "fixtures" / "chatgpt_conversations.json"
    with qtbot.waitSignal(window.sidebar.chatsLoaded, timeout=10_000):
        window.import_chats(str(chatgpt))
    store = __import__("gpt4all_desktop.core.storage", fromlist=["ChatStore"]).ChatStore.open(paths.database_path)
    try:
        titles = [c.title for c in store.list_chats()]
        assert len(titles) >= 3
        assert titles.count(store.chat(chat_id).title) >= 2  # the original and its imported copy
    finally:
        store.close()


def test_a_long_chat_opens_with_one_screen_then_the_rest(
        qtbot: QtBot, controller: InferenceController, storage: StorageClient, paths: AppPaths) -> None:
    from gpt4all_desktop.core.storage.models import AnswerStats, EndState

    store = ChatStore.open(paths.database_path)
    try:
        chat_id = store.create_chat("Long chat")
        for i in range(150):
            store.add_user_message(chat_id, f"question {i}")
            answer = store.begin_answer(chat_id, store.active_path(chat_id, last=1)[0].id, None)
            store.finish_answer(answer, f"answer {i}", AnswerStats(), EndState.FINISHED)
    finally:
        store.close()
    window = window_for(qtbot, controller, storage, paths)
    seen: list[object] = []
    original = controller.generate
    controller.generate = lambda request: (seen.append(request), original(request))[1]  # type: ignore[method-assign]
    with qtbot.waitSignal(controller.modelLoaded, timeout=60_000):
        window.start()
    with qtbot.waitSignal(window.session.historyLoaded, timeout=10_000):
        window.session.open_chat(chat_id)
    widgets = window.chat_view.message_widgets
    assert len(widgets) <= 16, "only one screen of the 300 messages is built"
    assert widgets[-1].text() == "answer 149"
    assert window.chat_view.hidden_count == 300 - len(widgets)
    more = window.chat_view._more  # "Show earlier messages" (scrolling to the top does the same)
    assert more.isVisible()
    more.click()
    qtbot.waitUntil(lambda: len(window.chat_view.message_widgets) > len(widgets), timeout=5_000)
    assert window.chat_view.message_widgets[0].text() == f"question {150 - len(window.chat_view.message_widgets) // 2}"
    # The model sees the whole conversation (trimmed by the engine only if it does not fit).
    with qtbot.waitSignal(window.session.saved, timeout=60_000):
        window.send("And the next one?")
    assert len(seen[-1].messages) == 301


def test_a_damaged_history_file_is_moved_aside_and_the_user_is_told(
        qtbot: QtBot, controller: InferenceController, paths: AppPaths) -> None:
    paths.database_path.write_bytes(b"this is not a database" * 1000)
    storage = StorageClient(paths.database_path)
    try:
        window = window_for(qtbot, controller, storage, paths)
        qtbot.waitUntil(lambda: any("moved aside" in w.text() for w in window.chat_view.message_widgets), timeout=10_000)
        notice = next(w for w in window.chat_view.message_widgets if "moved aside" in w.text())
        moved = [p for p in paths.database_path.parent.iterdir() if ".corrupt-" in p.name]
        assert moved and moved[0].read_bytes().startswith(b"this is not a database"), "kept, not deleted"
        assert moved[0].name in notice.text()
        window.close()
    finally:
        storage.shutdown()
