"""The remote engines dialog: a real widget tree talking to a fake server on loopback."""

from __future__ import annotations

from typing import Iterator

import pytest
from PySide6.QtCore import Qt

from gpt4all_desktop.core.remote_registry import RemoteRegistry
from gpt4all_desktop.ui.remote_engines_dialog import RemoteEnginesDialog
from tests.remote.fake_openai import FakeOpenAI, json_reply
from tests.remote.llama_server import free_port

KEY = "sk-dialog-42424242"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def dialog(qtbot) -> Iterator[RemoteEnginesDialog]:
    d = RemoteEnginesDialog(RemoteRegistry())
    qtbot.addWidget(d)
    d.show()
    yield d
    d.reject()
    assert d.lister._thread.isFinished(), "closing the dialog stops its listing thread"


def model_texts(d: RemoteEnginesDialog) -> list[str]:
    return [d.model_list.item(i).text() for i in range(d.model_list.count())]


def test_add_an_engine_lists_its_models_and_stores_the_key_apart(qtbot, dialog: RemoteEnginesDialog,
                                                                 fake: FakeOpenAI) -> None:
    dialog.name_edit.setText("Fake box")
    dialog.url_edit.setText(fake.base_url)
    dialog.key_edit.setText(KEY)
    with qtbot.waitSignal(dialog.enginesChanged, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model_texts(dialog) == ["fake-7b (context 8192)", "org/fake-70b"], timeout=5000)
    assert "2 model" in dialog.status.text()

    config = dialog.registry.engines()[0]
    assert config.name == "Fake box" and [m.id for m in config.models] == ["fake-7b", "org/fake-70b"]
    assert KEY not in dialog.registry.path.read_text(encoding="utf-8")
    assert dialog.registry.api_key(config.id) == KEY
    assert fake.requests[-1][2]["Authorization"] == f"Bearer {KEY}"
    assert dialog.engine_list.count() == 1 and dialog.engine_list.currentItem().text().startswith("Fake box")
    assert dialog.key_edit.text() == "", "a stored key is never shown"
    assert dialog.forget_key.isVisible()
    assert dialog.registry.model_choices()[0][1] == f"remote:{config.id}/fake-7b"


def test_test_connection_reports_failures_without_saving(qtbot, dialog: RemoteEnginesDialog,
                                                         fake: FakeOpenAI) -> None:
    dialog.url_edit.setText(f"http://127.0.0.1:{free_port()}")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing is listening" in dialog.status.text(), timeout=5000)
    assert dialog.test_button.isEnabled()

    fake.routes["/v1/models"] = json_reply({"error": {"message": "Invalid API key"}}, 401)
    dialog.url_edit.setText(fake.base_url)
    dialog.key_edit.setText("sk-wrong")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused the API key" in dialog.status.text(), timeout=5000)
    assert dialog.registry.engines() == []


def test_a_bad_address_is_explained_and_nothing_is_saved(qtbot, dialog: RemoteEnginesDialog) -> None:
    dialog.url_edit.setText("ftp://box")
    assert dialog.save() is False
    assert "http:// or https://" in dialog.status.text()
    assert dialog.registry.engines() == []
    assert dialog.url_edit.text() == "ftp://box", "the user's input stays to be corrected"


def test_plain_http_with_a_key_to_another_computer_warns(dialog: RemoteEnginesDialog) -> None:
    dialog.url_edit.setText("http://192.168.1.20:8080")
    dialog.key_edit.setText(KEY)
    assert dialog.warning.isVisibleTo(dialog) and "not encrypted" in dialog.warning.text()
    dialog.url_edit.setText("http://127.0.0.1:8080")
    assert not dialog.warning.isVisibleTo(dialog)
    dialog.url_edit.setText("https://192.168.1.20:8080")
    assert not dialog.warning.isVisibleTo(dialog)


def test_edit_keeps_the_key_unless_told_and_remove_forgets_it(qtbot, fake: FakeOpenAI) -> None:
    registry = RemoteRegistry()
    config = registry.add("Old name", fake.base_url, api_key=KEY)
    d = RemoteEnginesDialog(registry)
    qtbot.addWidget(d)
    try:
        assert d.engine_list.count() == 1 and d.name_edit.text() == "Old name"
        d.name_edit.setText("New name")
        with qtbot.waitSignal(d.enginesChanged, timeout=5000):
            d.save()
        assert registry.get(config.id).name == "New name" and registry.api_key(config.id) == KEY
        d.forget_key.setChecked(True)
        d.save()
        assert not registry.has_api_key(config.id)
        with qtbot.waitSignal(d.enginesChanged, timeout=5000):
            qtbot.mouseClick(d.remove_button, Qt.MouseButton.LeftButton)
        assert registry.engines() == [] and d.engine_list.count() == 0
        assert d.url_edit.text() == "" and not d.remove_button.isEnabled()
    finally:
        d.reject()
    assert d.lister._thread.isFinished()


def test_closing_while_a_server_stalls_does_not_wait_for_it(qtbot, fake: FakeOpenAI) -> None:
    from tests.remote.fake_openai import Reply  # noqa: PLC0415

    fake.routes["/v1/models"] = Reply(events=["{}"], stall_after=0)  # headers, then silence
    d = RemoteEnginesDialog(RemoteRegistry())
    qtbot.addWidget(d)
    try:
        d.url_edit.setText(fake.base_url)
        d.test_connection()
        assert fake.stalled.wait(5)
    finally:
        d.reject()  # must not wait for the server's silence to time out
    assert d.lister._thread.isFinished()
    assert not fake.release.is_set(), "the dialog closed while the server was still stalling"
