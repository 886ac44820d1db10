#!/usr/bin/env bash
# Creates .venv (Python ≥ 3.11) and installs the app in it, with the extras given ("" or "test").
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$py" -m venv .venv
stamp=".venv/.installed-${extras:-app}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log=.venv/install.log
  # pip's build chatter goes to a log; on failure it is shown.
  if ! { .venv/bin/python -m pip install -q --upgrade pip && \
         .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "L'installation des dépendances Python a échoué (voir ci-dessus)." >&2
    exit 1
  fi
  touch "$stamp"
fi
