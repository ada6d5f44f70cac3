#!/usr/bin/env python3
"""Judge the JSON that a packaged app's ``--self-test --json`` printed.

CI runs the frozen app on every OS and pipes its output here; the packaging tests use the same
rules. Accepted: one JSON object (anywhere in the output, after any log noise) with ``ok`` true,
``tokens`` above zero and a ``backend`` named. On failure it says which of those is wrong.

Usage: ``app --self-test --json | python installers/check_self_test.py [--expect-backend Metal]``
"""

from __future__ import annotations

import argparse
import json
import sys


class SelfTestFailed(Exception):
    """The self-test output is missing, unreadable or reports a failure (message for people)."""


def parse_report(output: str) -> dict[str, object]:
    """The last line of ``output`` that is a JSON object."""
    for line in reversed(output.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                report = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(report, dict):
                return report
    raise SelfTestFailed("The app printed no JSON self-test report:\n" + output[-2000:])


def check_report(report: dict[str, object], expect_backend: str | None = None) -> dict[str, object]:
    """Raise :class:`SelfTestFailed` unless the report shows a real answer; return it."""
    problems = []
    if report.get("ok") is not True:
        problems.append(f"ok is {report.get('ok')!r} (error: {report.get('error', 'none given')})")
    tokens = report.get("tokens")
    if not isinstance(tokens, int) or tokens <= 0:
        problems.append(f"tokens is {tokens!r}, expected a count above 0")
    backend = report.get("backend")
    if not isinstance(backend, str) or not backend.strip():
        problems.append(f"backend is {backend!r}, expected a name such as CPU, Metal or Vulkan")
    elif expect_backend and expect_backend.lower() not in backend.lower():
        problems.append(f"backend is {backend!r}, expected {expect_backend!r}")
    if problems:
        raise SelfTestFailed("Self-test failed: " + "; ".join(problems))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", help="file with the app's output (default: standard input)")
    parser.add_argument("--expect-backend", help="fail unless the backend name contains this")
    args = parser.parse_args(argv)
    if args.file:
        with open(args.file, encoding="utf-8", errors="replace") as fh:
            output = fh.read()
    else:
        output = sys.stdin.read()
    try:
        report = check_report(parse_report(output), args.expect_backend)
    except SelfTestFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"self-test passed: {report['tokens']} tokens on {report['backend']}"
          + (f" ({report['fallback_reason']})" if report.get("fallback_reason") else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
