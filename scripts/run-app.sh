#!/usr/bin/env bash
# Sets up ERBM Desk and opens it: on the last database used, or on a demo database when there is no data yet.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
scripts/venv.sh
db="${ERBM_DESK_DB:-$(.venv/bin/python -c 'from erbm_desk.paths import default_database; print(default_database())')}"
if [ ! -e "$db" ]; then
  echo "Première ouverture : création d'une base de démonstration dans $db"
  .venv/bin/erbm-desk --db "$db" demo --seed 1
fi
exec .venv/bin/erbm-desk "$@"
