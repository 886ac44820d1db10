#!/usr/bin/env bash
# Builds the frozen app for this machine's OS: a one-folder build in dist/erbm-desk/ (PyInstaller, see
# packaging/erbm-desk.spec), then says how long it took and how big it is. Check it with
# `python3 packaging/smoke_test.py`. On Windows (Git Bash) the same script builds the folder that
# packaging/erbm-desk.iss turns into an installer.
#   packaging/build.sh [--clean]     --clean: forget PyInstaller's cache first
# ERBM_DIST_DIR / ERBM_BUILD_DIR put the result / PyInstaller's work files elsewhere (default dist/, build/).
set -euo pipefail
cd "$(dirname "$0")/.."
# .venv with the app, PyInstaller, and the optional features the shipped app includes (PostgreSQL, SQLCipher)
scripts/venv.sh "packaging,postgres,encryption"
py=.venv/bin/python
[ -x "$py" ] || py=.venv/Scripts/python.exe
dist="${ERBM_DIST_DIR:-dist}"
work="${ERBM_BUILD_DIR:-build}/pyinstaller"
clean=()
[ "${1:-}" = "--clean" ] && clean=(--clean)
start=$(date +%s)
"$py" -m PyInstaller --noconfirm --log-level WARN "${clean[@]}" \
  --distpath "$dist" --workpath "$work" packaging/erbm-desk.spec
elapsed=$(( $(date +%s) - start ))
size=$(du -sm "$dist/erbm-desk" | cut -f1)
files=$(find "$dist/erbm-desk" -type f | wc -l)
echo "Build: $dist/erbm-desk — ${size} Mo, ${files} fichiers, en ${elapsed} s."
