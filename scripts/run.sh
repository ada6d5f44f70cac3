#!/usr/bin/env bash
# Install (first time) and start the app on the embedded starter model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/bootstrap.sh
exec .venv/bin/gpt4all-desktop "$@"
