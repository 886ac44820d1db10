#!/bin/bash
# Screenshots of the import wizard (docs/screenshots/import-*.png), taken as a new user goes: the real window on a
# demo base, « Fichier > Importer… », a tracking workbook of their own (import_tracking_workbook.py), each step
# driven with the mouse and the keyboard through xdotool, the screen captured with ImageMagick and reduced to
# 256 colours.
#
#     docs/screenshots/capture_import.sh [docs/screenshots]
#
# Needs Xvfb, xdotool and ImageMagick. Uses a throw-away folder and display :77 (no window manager: windows sit
# at the top left corner, which the click positions below assume, on a 1366 × 768 screen).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(cd "${1:-$ROOT/docs/screenshots}" && pwd)
WORK=$(mktemp -d /tmp/erbm-import-shots.XXXXXX)
export HOME=$WORK/home XDG_DATA_HOME=$WORK/home/data XDG_CONFIG_HOME=$WORK/home/config DISPLAY=:77
mkdir -p "$HOME"
APP="$ROOT/.venv/bin/erbm-desk"
Xvfb :77 -screen 0 1366x768x24 >/dev/null 2>&1 &
XVFB=$!
trap 'kill $APP_PID $XVFB 2>/dev/null || true' EXIT
sleep 2
"$APP" --db "$WORK/base.sqlite" demo --seed 4 --scale 0.1
FILE=$("$ROOT/.venv/bin/python" "$ROOT/docs/screenshots/import_tracking_workbook.py" "$WORK/base.sqlite" "$WORK")
"$APP" --db "$WORK/base.sqlite" >"$WORK/app.log" 2>&1 &
APP_PID=$!
shot() { sleep "${2:-1}"; import -window root "$WORK/$1.png"; convert "$WORK/$1.png" -colors 256 "$OUT/$1.png"; }
sleep 12; xdotool key Return; sleep 1                                         # the start-up reminder
xdotool mousemove 30 8 click 1; shot import-0-menu                            # Fichier
xdotool mousemove 65 141 click 1; sleep 2                                     # Importer…
xdotool mousemove 640 512 click 1; xdotool type --delay 20 "$FILE"; shot import-0-fichier-choisi 0.5
xdotool key Return; shot import-1-fichier-et-feuilles 5
xdotool key alt+s; shot import-2a-colonnes-proposees 2                        # Suivant
xdotool mousemove 700 226 click 1; sleep 0.5; xdotool key F2; sleep 0.5       # « Statut » → Sexe
xdotool type --delay 80 "Sexe"; shot import-2b-colonne-au-clavier 0.5
xdotool key Return; shot import-2c-colonne-choisie 1.5
xdotool key alt+s; shot import-3a-valeurs-a-choisir 2
xdotool mousemove 1000 138 click 1; sleep 0.3; xdotool key F2; sleep 0.3      # « en attente » → Non
xdotool type "N"; xdotool key Return; shot import-3b-valeur-choisie 1
xdotool mousemove 200 201 click 1; shot import-3c-valeurs-type-de-contrat 1
xdotool key alt+s; shot import-4a-correspondances 5
xdotool mousemove 700 196 click 1; sleep 0.3; xdotool key F2; sleep 0.5       # LOPEZ → the one of the base
xdotool key Down; xdotool key Return; shot import-4b-rapproche-a-la-main 1
xdotool key alt+s; shot import-5a-verification-une-erreur 6
xdotool type --delay 60 "13/02/2001"; shot import-5b-correction-dans-la-grille 0.3
xdotool key Return; sleep 1; xdotool key F5; shot import-5c-verification-prete 6
xdotool key alt+i; shot import-6-import-termine 8                            # Importer
xdotool key alt+f; shot import-7-tableau-de-bord-apres 5                     # Fermer
rm -rf "$WORK"
