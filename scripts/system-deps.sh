#!/usr/bin/env bash
# Debian packages the app and its tests need on a bare machine: Qt's runtime libraries, and with
# `--tests` the tools the test suite drives (Xvfb, LibreOffice, pdftotext, PostgreSQL).
# Installs only what is missing, and only when it can (root with apt-get); otherwise says what to install.
set -euo pipefail

pkgs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
      libxcb-render-util0 libxcb-image0 fonts-dejavu-core)
if [ "${1:-}" = "--tests" ]; then
  pkgs+=(xvfb)
  [ -f "$(dirname "$0")/test-packages.txt" ] && mapfile -t -O "${#pkgs[@]}" pkgs < <(grep -v '^#' "$(dirname "$0")/test-packages.txt" | grep .)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installation des paquets système manquants : ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Paquets système manquants (à installer par l'administrateur) : ${missing[*]}" >&2
fi
