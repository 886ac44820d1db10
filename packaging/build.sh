#!/usr/bin/env bash
# Builds the frozen app for this machine's OS: a one-folder build in dist/erbm-desk/ (PyInstaller, see
# packaging/erbm-desk.spec), then says how long it took and how big it is. On Windows (Git Bash), the same
# script builds the folder that packaging/erbm-desk.iss turns into an installer.
#   packaging/build.sh [--clean]     --clean: forget PyInstaller's cache (build/pyinstaller) first
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh packaging            # .venv with the app and the `packaging` extra (PyInstaller)
py=.venv/bin/python
[ -x "$py" ] || py=.venv/Scripts/python.exe
clean=()
[ "${1:-}" = "--clean" ] && clean=(--clean)
start=$(date +%s)
"$py" -m PyInstaller --noconfirm --log-level WARN "${clean[@]}" \
  --distpath dist --workpath build/pyinstaller packaging/erbm-desk.spec
elapsed=$(( $(date +%s) - start ))
size=$(du -sm dist/erbm-desk | cut -f1)
files=$(find dist/erbm-desk -type f | wc -l)
echo "Build: dist/erbm-desk — ${size} Mo, ${files} fichiers, en ${elapsed} s."
