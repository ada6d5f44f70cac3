"""Make the README screenshot from the real window chatting with the starter model.

Run under a real X server for true rendering (``xvfb-run -a python scripts/screenshot.py``) or
with ``QT_QPA_PLATFORM=offscreen``. Writes resources/screenshots/main_window.png by default.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "resources" / "screenshots" / "main_window.png"))
    parser.add_argument("--message", action="append", default=None)
    parser.add_argument("--theme", default="light", choices=["light", "dark", "system"])
    parser.add_argument("--language", default="en", choices=["en", "ko", "system"])
    args = parser.parse_args()
    os.environ.setdefault("GPT4ALL_DESKTOP_HOME", tempfile.mkdtemp(prefix="gpt4all-shot-"))

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gpt4all_desktop.app import AppContext
    from gpt4all_desktop.core.messages import SamplingParams
    from gpt4all_desktop.ui.main_window import MainWindow
    from gpt4all_desktop.workers.inference_worker import InferenceController

    from gpt4all_desktop.core.settings_store import SettingsStore
    from gpt4all_desktop.ui.appearance import Appearance

    app = QApplication(sys.argv[:1])
    ctx = AppContext.create()
    settings = SettingsStore.open(ctx.paths.settings_path)
    settings.update({"theme": args.theme, "language": args.language})
    appearance = Appearance(app)
    appearance.apply(settings.values(), force=True)
    from gpt4all_desktop.workers.storage_worker import StorageClient

    controller = InferenceController(ctx.engine_log)
    storage = StorageClient(ctx.paths.database_path)
    window = MainWindow(controller, storage, ctx.paths.models_dir, ctx.paths.config_dir / "window.ini",
                        sampling=SamplingParams(temperature=0.2, max_tokens=120, seed=4),
                        settings=settings, appearance=appearance)
    window.resize(1100, 720)
    window.show()
    window.start()
    messages = args.message or ["What is a good name for a cat?", "고양이 이름을 하나 추천해 주세요."]

    loop = QEventLoop()
    queue = list(messages)

    def next_message(*_: object) -> None:
        if queue:
            QTimer.singleShot(100, lambda: window.send(queue.pop(0)))
        else:
            QTimer.singleShot(300, loop.quit)

    controller.modelLoaded.connect(next_message)
    window.answerFinished.connect(next_message)
    controller.loadFailed.connect(lambda m: loop.quit())
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(args.out)
    print(args.out)
    window.close()
    controller.shutdown()
    storage.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
