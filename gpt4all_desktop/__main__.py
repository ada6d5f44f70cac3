"""Command line: the window by default, ``--self-test`` and ``--serve`` headless.

Kept import-light on purpose: the engine child process (multiprocessing spawn) re-imports
this module, and must not pay for Qt.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="gpt4all-desktop", description="Chat privately with a local language model.")
    p.add_argument("--model", help="path of a .gguf model to load")
    p.add_argument("--self-test", action="store_true", help="load the model, answer once headless, print the result")
    p.add_argument("--json", action="store_true", help="with --self-test: print one JSON object")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    # Packaging smoke tests: show the window, print one JSON line, quit after N ms.
    p.add_argument("--quit-after-ms", type=int, default=None, help=argparse.SUPPRESS)
    from gpt4all_desktop.server_cli import add_serve_arguments  # noqa: PLC0415 - light: argparse only

    add_serve_arguments(p)
    args, _qt_args = p.parse_known_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.version:
        from gpt4all_desktop import __version__  # noqa: PLC0415

        print(__version__)
        return 0
    if args.self_test:
        from gpt4all_desktop.selftest import run_self_test  # noqa: PLC0415

        return run_self_test(args.model, args.json)
    if args.serve:
        from gpt4all_desktop.server_cli import serve_main  # noqa: PLC0415

        return serve_main(args)
    from gpt4all_desktop.app import run_gui  # noqa: PLC0415

    return run_gui([sys.argv[0], *argv], model=args.model, quit_after_ms=args.quit_after_ms)


if __name__ == "__main__":
    sys.exit(main())
