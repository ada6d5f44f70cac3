"""Start-up: one application context built here and passed down (no module-level singletons)."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from gpt4all_desktop import APP_ID, APP_NAME, ORG_NAME, __version__
from gpt4all_desktop.core.paths import AppPaths
from gpt4all_desktop.logging_setup import install_excepthooks, setup_logging

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    paths: AppPaths

    @classmethod
    def create(cls) -> "AppContext":
        paths = AppPaths.default().ensure()
        setup_logging(paths.log_file)
        log.info("%s %s starting; data in %s", APP_NAME, __version__, paths.data_dir)
        return cls(paths)

    @property
    def engine_log(self):  # noqa: ANN201 - Path
        return self.paths.log_dir / "engine.log"


def _quit_after(app: object, window: object, delay_ms: int) -> None:
    """For packaging smoke tests: report that the window is up, then quit cleanly."""
    from PySide6.QtCore import QTimer  # noqa: PLC0415

    def report_and_quit() -> None:
        if sys.stdout is not None:  # the Windows GUI build has no console
            print(json.dumps({"window_shown": window.isVisible(), "window_title": window.windowTitle()}), flush=True)  # type: ignore[attr-defined]
        log.info("quitting after %d ms as asked (--quit-after-ms)", delay_ms)
        app.quit()  # type: ignore[attr-defined]

    QTimer.singleShot(delay_ms, report_and_quit)


def run_gui(argv: list[str], model: str | None = None, quit_after_ms: int | None = None) -> int:
    """Show the window first, then load the model in the background."""
    from PySide6.QtCore import QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: PLC0415

    from gpt4all_desktop.ui.main_window import MainWindow  # noqa: PLC0415
    from gpt4all_desktop.workers.inference_worker import InferenceController  # noqa: PLC0415

    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    ctx = AppContext.create()
    from gpt4all_desktop.core.settings_store import SettingsStore  # noqa: PLC0415
    from gpt4all_desktop.ui.appearance import Appearance  # noqa: PLC0415

    settings = SettingsStore.open(ctx.paths.settings_path)
    appearance = Appearance(app)
    startup_messages = list(settings.messages) + appearance.apply(settings.values(), force=True)
    models_dir = Path(settings.get("models_folder") or ctx.paths.models_dir)

    def report(text: str) -> None:
        QMessageBox.critical(None, APP_NAME, f"Something went wrong: {text}\n\nDetails are in the log: {ctx.paths.log_file}")

    install_excepthooks(report)
    from gpt4all_desktop.workers.storage_worker import StorageClient  # noqa: PLC0415

    controller = InferenceController(ctx.engine_log)
    storage = StorageClient(ctx.paths.database_path)
    window = MainWindow(controller, storage, models_dir, ctx.paths.config_dir / "window.ini",
                        settings=settings, appearance=appearance, log_dir=ctx.paths.log_dir)
    window.show()
    for message in startup_messages:
        window.chat_view.add_message("notice", message)
    if model:
        window._state.setValue("model/last", model)
    services: dict[str, object] = {}

    def attach_services() -> None:
        """After the first paint: the download manager, model settings and remote engines."""
        from gpt4all_desktop.core.installed_models import InstalledModels  # noqa: PLC0415
        from gpt4all_desktop.core.remote_registry import RemoteRegistry  # noqa: PLC0415
        from gpt4all_desktop.workers.download_worker import DownloadController  # noqa: PLC0415

        services["downloads"] = downloads = DownloadController(ctx.paths)
        app.aboutToQuit.connect(downloads.shutdown)  # pauses downloads; they resume next time
        installed = InstalledModels(ctx.paths, is_loaded=lambda p: bool(controller.model and controller.model.path == str(p)))
        window.attach_services(downloads, installed, RemoteRegistry(ctx.paths.config_dir))

    QTimer.singleShot(0, attach_services)  # queued before start(): a first-run model manager needs it
    window.start()
    if quit_after_ms is not None:
        _quit_after(app, window, quit_after_ms)
    app.aboutToQuit.connect(window.shutdown_server)  # close the API port before the engine goes
    app.aboutToQuit.connect(controller.shutdown)
    app.aboutToQuit.connect(storage.shutdown)
    code = app.exec()
    window.shutdown_server()
    controller.shutdown()
    storage.shutdown()
    if "downloads" in services:
        services["downloads"].shutdown()  # type: ignore[attr-defined]
    appearance.shutdown()
    return code
