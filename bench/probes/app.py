"""The real app started through its entry point, reporting when its window is shown or its model loaded.

``app.py startup``: print "shown" once the main window has been shown and the event loop has run
once (the same moment the bare window probe reports), then quit.
``app.py loaded SECONDS``: print "loaded" once the model is loaded (the engine process holds it),
stay up SECONDS for the parent to measure memory, then quit.
Only the two reporting hooks are added; everything else is the app's own start-up. Nothing is
imported at module level: the engine process (multiprocessing spawn) re-imports this file, and
must stay as light as it is under the app's own entry point.
"""

import sys


def run(mode: str, linger_ms: int) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gpt4all_desktop.__main__ import main
    from gpt4all_desktop.ui import main_window

    window_class = main_window.MainWindow
    original_show = window_class.showEvent
    original_loaded = window_class._on_model_loaded
    reported: list[bool] = []

    def show_event(self, event):  # noqa: ANN001, ANN202
        original_show(self, event)
        if mode == "startup" and not reported:
            reported.append(True)
            QTimer.singleShot(0, lambda: (print("shown", flush=True), QApplication.quit()))

    def model_loaded(self, info):  # noqa: ANN001, ANN202
        original_loaded(self, info)
        if mode == "loaded" and not reported:
            reported.append(True)
            print("loaded", flush=True)
            QTimer.singleShot(linger_ms, QApplication.quit)

    window_class.showEvent = show_event
    window_class._on_model_loaded = model_loaded
    return main([])


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], int(float(sys.argv[2]) * 1000) if len(sys.argv) > 2 else 5000))
