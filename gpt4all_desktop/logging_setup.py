"""Named loggers, a rotating log file in the platform's log folder, and crash hooks.

Unhandled exceptions on the main thread or any worker thread are written to the log (with the
log's location shown to the user by the window) instead of vanishing or killing the app.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from typing import Callable

FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def setup_logging(log_file: Path, level: int = logging.INFO) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if any(getattr(h, "_gpt4all", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._gpt4all = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def install_excepthooks(report: Callable[[str], None] | None = None) -> None:
    """Log every unhandled exception; ``report`` tells the user (through the GUI bridge)."""
    log = logging.getLogger("gpt4all_desktop.crash")

    def hook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)  # type: ignore[arg-type]
            return
        log.critical("unhandled exception", exc_info=(exc_type, exc, tb))  # type: ignore[arg-type]
        if report is not None:
            try:
                report(f"{exc_type.__name__}: {exc}")
            except Exception:  # noqa: BLE001 - the hook must never raise
                pass

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        hook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
