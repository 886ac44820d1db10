#!/usr/bin/env bash
# Sets up ERBM Desk with its test tools and runs the whole test suite (arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh --tests
scripts/venv.sh test
export QT_QPA_PLATFORM=offscreen
# The layers of docs/architecture.md: a change that breaks one fails here, before any test runs.
.venv/bin/lint-imports --no-cache --no-logo
exec .venv/bin/python -m pytest "$@"
