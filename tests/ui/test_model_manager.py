"""The model manager dialog against the Hub look-alike: real widgets, real downloads, real files."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLabel, QPushButton

from gpt4all_desktop.core.catalog import load_catalog
from gpt4all_desktop.core.downloads import DownloadState
from gpt4all_desktop.core.fit import GIB, MemoryInfo, Verdict
from gpt4all_desktop.core.hub import HubClient, TokenStore
from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.ui.model_manager import ModelManagerDialog
from gpt4all_desktop.ui.model_manager_installed import ModelSettingsDialog
from gpt4all_desktop.workers.download_worker import DownloadController
from tests.core.test_gguf_info import write_gguf
from tests.hf_server import FakeHub, Fault, starter_model_bytes

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MB = 1024 * 1024


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    fake = FakeHub()
    fake.add_repo(SMOL, downloads=1234, gguf={"total": 134_515_008, "architecture": "llama", "context_length": 8192})
    fake.add_file(SMOL, FILE, starter_model_bytes())
    fake.add_file(SMOL, "SmolLM2-135M-Instruct.F16.gguf", b"GGUF" + bytes(300 * 1024))
    fake.add_repo("gated/Private-GGUF", gated=True)
    fake.add_file("gated/Private-GGUF", "private-Q4_K_M.gguf", b"GGUF" + bytes(100))
    with fake:
        yield fake


@pytest.fixture
def paths(isolated_profile: Path) -> AppPaths:
    return AppPaths.default().ensure()


def make_controller(paths: AppPaths, endpoint: str) -> DownloadController:
    tokens = TokenStore(paths, use_keyring=False)
    return DownloadController(paths, hub=HubClient(endpoint=endpoint, token_provider=tokens.get), token_store=tokens,
                              manager_options={"backoff_base": 0.02, "stall_timeout": 0.5, "max_retries": 2})


@pytest.fixture
def controller(paths: AppPaths, hub: FakeHub) -> Iterator[DownloadController]:
    ctl = make_controller(paths, hub.endpoint)
    yield ctl
    assert ctl.shutdown()


@pytest.fixture
def open_dialog(qtbot, paths: AppPaths):  # type: ignore[no-untyped-def]
    dialogs: list[ModelManagerDialog] = []

    def make(controller: DownloadController, **options: object) -> ModelManagerDialog:
        options.setdefault("memory", MemoryInfo(free_ram=16 * GIB, total_ram=32 * GIB))
        dialog = ModelManagerDialog(controller, paths=paths, **options)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        dialog.show()
        dialogs.append(dialog)
        return dialog

    yield make
    for dialog in dialogs:
        dialog.close()


def labels_text(widget) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_catalog_fit_badges_show_numbers_and_korean_filter(qtbot, controller, open_dialog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(controller, memory=MemoryInfo(free_ram=3 * GIB, total_ram=8 * GIB))
    tab = dialog.catalog_tab
    entries = tab.entries_shown()
    assert len(entries) == len(load_catalog().entries)
    verdicts = {e.id: tab.badge(row).verdict for row, e in enumerate(entries)}
    assert verdicts["qwen2.5-0.5b-instruct-q4_k_m"] is Verdict.FITS
    assert verdicts["llama-3.1-8b-instruct-q4_k_m"] is Verdict.WONT_FIT
    tooltip = tab.badge(0).toolTip()
    assert "Needs about" in tooltip and "Free RAM now: 3.0 GB" in tooltip and "4,096 tokens" in tooltip
    tab.korean_only.setChecked(True)
    shown = tab.entries_shown()
    assert shown and all(e.good_at_korean for e in shown) and len(shown) < len(entries)
    dialog.context_choice.setCurrentIndex(dialog.context_choice.findData(32768))
    # capped at what the model supports
    assert f"{min(32768, shown[0].context_length):,} tokens" in tab.badge(0).toolTip()


def test_offline_banner_while_catalog_and_installed_still_work(qtbot, paths: AppPaths, open_dialog) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    write_gguf(paths.models_dir / "local-Q4_K_M.gguf")
    controller = make_controller(paths, dead)
    dialog = None
    try:
        dialog = open_dialog(controller)
        qtbot.waitUntil(lambda: dialog.offline, timeout=10_000)
        assert "offline" in dialog.offline_banner.text()
        assert dialog.catalog_tab.table.rowCount() > 0
        qtbot.waitUntil(lambda: [m.name for m in dialog.installed_tab.rows()] == ["local-Q4_K_M.gguf"], timeout=10_000)
        dialog.search_tab.query.setText("qwen")
        dialog.search_tab.search_button.click()
        qtbot.waitUntil(lambda: "offline" in dialog.search_tab.status.text(), timeout=10_000)
        dialog.catalog_tab.download_button(0).click()  # tries, and explains instead of failing silently
        qtbot.waitUntil(lambda: "offline" in dialog.message.text(), timeout=10_000)
        assert list(paths.models_dir.iterdir()) == [paths.models_dir / "local-Q4_K_M.gguf"]
    finally:
        if dialog is not None:
            dialog.close()
        assert controller.shutdown()


def test_search_then_download_installs_the_model(qtbot, hub: FakeHub, paths: AppPaths, controller, open_dialog) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(controller)
    search = dialog.search_tab
    search.query.setText("smol")
    search.search_button.click()
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=10_000)
    assert SMOL in search.results.item(0).text() and "1,234 downloads" in search.results.item(0).text()
    search.results.setCurrentRow(0)
    qtbot.waitUntil(lambda: search.files.rowCount() == 2, timeout=10_000)
    row = search.file_row(FILE)
    assert search.files.item(row, 1).text() == "Q4_1"
    badge = search.files.cellWidget(row, 3)
    assert "Needs about" in badge.toolTip()
    assert any("★" in search.files.cellWidget(r, 3).text() for r in range(2))
    button = search.files.cellWidget(row, 4)
    assert isinstance(button, QPushButton)
    with qtbot.waitSignal(dialog.modelInstalled, timeout=60_000) as installed:
        button.click()
    assert installed.args == [str(paths.models_dir / FILE)]
    assert dialog.tabs.currentWidget() is dialog.downloads_tab
    job_row = next(iter(dialog.downloads_tab.rows.values()))
    qtbot.waitUntil(lambda: job_row.snapshot.state is DownloadState.COMPLETED, timeout=10_000)
    assert job_row.bar.value() == 1000 and job_row.remove_button.isVisibleTo(job_row)
    qtbot.waitUntil(lambda: any(m.name == FILE and m.usable for m in dialog.installed_tab.rows()), timeout=10_000)


def test_download_row_pause_resume_cancel(qtbot, hub: FakeHub, paths: AppPaths, controller, open_dialog) -> None:  # type: ignore[no-untyped-def]
    hub.add_fault(Fault("slow", seconds=0.01, times=5))
    dialog = open_dialog(controller)
    controller.download(SMOL, FILE)
    qtbot.waitUntil(lambda: bool(dialog.downloads_tab.rows), timeout=10_000)
    row = next(iter(dialog.downloads_tab.rows.values()))
    qtbot.waitUntil(lambda: row.snapshot.bytes_done > MB, timeout=20_000)
    assert "/s" in row.status.text() or "Downloading" in row.status.text()
    row.pause_button.click()
    qtbot.waitUntil(lambda: row.snapshot.state is DownloadState.PAUSED, timeout=20_000)
    assert row.resume_button.isVisibleTo(row) and not row.pause_button.isVisibleTo(row)
    paused_at = row.snapshot.bytes_done
    row.resume_button.click()
    qtbot.waitUntil(lambda: row.snapshot.state is DownloadState.DOWNLOADING and row.snapshot.bytes_done > paused_at,
                    timeout=20_000)
    row.cancel_button.click()
    qtbot.waitUntil(lambda: row.snapshot.state is DownloadState.CANCELLED, timeout=20_000)
    assert list(paths.downloads_dir.iterdir()) == [] and list(paths.models_dir.iterdir()) == []
    row.remove_button.click()
    assert dialog.downloads_tab.rows == {}


def test_gated_model_explains_the_token_and_the_token_is_saved_privately(qtbot, hub: FakeHub, paths: AppPaths,  # type: ignore[no-untyped-def]
                                                                          controller, open_dialog) -> None:
    dialog = open_dialog(controller)
    controller.download("gated/Private-GGUF", "private-Q4_K_M.gguf")
    qtbot.waitUntil(lambda: "token" in dialog.message.text(), timeout=10_000)
    assert "huggingface.co/settings/tokens" in dialog.message.text()
    search = dialog.search_tab
    assert search.token.echoMode() is search.token.EchoMode.Password
    search.token.setText(hub.token)
    search.save_token.click()
    qtbot.waitUntil(lambda: controller.token_store.get() == hub.token, timeout=10_000)
    qtbot.waitUntil(lambda: search.token_status.text() == "A token is saved.", timeout=10_000)
    assert search.token.text() == "" and hub.token not in labels_text(dialog)
    controller.download("gated/Private-GGUF", "private-Q4_K_M.gguf")
    qtbot.waitUntil(lambda: any(r.snapshot.repo_id == "gated/Private-GGUF" and r.snapshot.state.finished
                                for r in dialog.downloads_tab.rows.values()), timeout=20_000)
    [row] = dialog.downloads_tab.rows.values()
    # access worked; the 104-byte file is not a real model, so it is rejected rather than installed
    assert row.snapshot.state is DownloadState.FAILED and "not a usable model" in row.snapshot.message
    assert list(paths.models_dir.iterdir()) == []


def drop(widget, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


def test_import_by_drop_and_bad_files_listed_with_reason(qtbot, tmp_path: Path, paths: AppPaths, controller,  # type: ignore[no-untyped-def]
                                                         open_dialog) -> None:
    (paths.models_dir / "broken.gguf").write_bytes(os.urandom(3000))
    source = write_gguf(tmp_path / "dropped-Q4_K_M.gguf")
    dialog = open_dialog(controller)
    tab = dialog.installed_tab
    qtbot.waitUntil(lambda: len(tab.rows()) == 1, timeout=10_000)
    with qtbot.waitSignal(dialog.modelInstalled, timeout=10_000) as imported:
        drop(tab, [source])
    assert imported.args == [str(paths.models_dir / "dropped-Q4_K_M.gguf")]
    qtbot.waitUntil(lambda: len(tab.rows()) == 2, timeout=10_000)
    statuses = {tab.table.item(r, 0).text(): tab.table.item(r, 7).text() for r in range(tab.table.rowCount())}
    assert statuses["broken.gguf"].startswith("Problem:") and "not a GGUF" in statuses["broken.gguf"]
    assert statuses["Tiny Test (Q4_K_M)"] == "Ready"
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"nope" * 100)
    drop(tab, [junk])
    qtbot.waitUntil(lambda: "cannot be imported" in tab.status.text(), timeout=10_000)
    assert not (paths.models_dir / "junk.gguf").exists()


def test_delete_is_refused_while_loaded_and_settings_are_saved(qtbot, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                               paths: AppPaths, controller, open_dialog) -> None:
    model = write_gguf(paths.models_dir / "mine-Q4_K_M.gguf")
    loaded = {model}
    dialog = open_dialog(controller, is_loaded=lambda p: p in loaded)
    tab = dialog.installed_tab
    qtbot.waitUntil(lambda: len(tab.rows()) == 1, timeout=10_000)
    tab.table.selectRow(0)
    monkeypatch.setattr(tab, "confirm_delete", lambda _model: True)
    tab.delete_button.click()
    qtbot.waitUntil(lambda: "loaded" in tab.status.text(), timeout=10_000)
    assert model.exists()

    tab.settings_button.click()
    qtbot.waitUntil(lambda: tab.findChild(ModelSettingsDialog) is not None, timeout=10_000)
    editor = tab.findChild(ModelSettingsDialog)
    editor.system_prompt.setPlainText("Answer in Korean.")
    editor.context.setValue(8192)
    editor._on_save()
    qtbot.waitUntil(lambda: dialog.installed_models.settings(model).system_prompt == "Answer in Korean.", timeout=10_000)
    assert dialog.installed_models.settings(model).context_length == 8192

    loaded.clear()
    tab.delete_button.click()
    qtbot.waitUntil(lambda: tab.rows() == [], timeout=10_000)
    assert not model.exists()
