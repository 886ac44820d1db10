"""Every page of the window as it opens on the screen it is given — its own size, nothing resized by hand —
for checking that it fits and speaks French whatever the machine's language.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/capture_sizes.py
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/screenshots/capture_sizes.py --fill
    LANG=C.UTF-8 xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/capture_sizes.py

On the demo dataset (made in a throw-away folder). The whole X screen is captured, so whatever the window
leaves off-screen shows as missing. `--fill` gives the window the whole screen, as a user maximising it would
(Xvfb has no window manager to do it). Files go to docs/screenshots/<width>x<height>[-<LANG>]/, one per page.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="erbm-shots-config-")  # never the user's settings

from PySide6.QtWidgets import QApplication  # noqa: E402

from capture import settle, wait  # noqa: E402 - the README screenshots' helpers, same folder


def shoot_root(app: QApplication, path: Path) -> None:
    settle(app, 1.5)
    subprocess.run(["import", "-window", "root", "-colors", "256", "-strip", f"PNG8:{path}"], check=True)
    print(f"{path.name}: {path.stat().st_size // 1024} Ko")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--fill", action="store_true", help="the window takes the whole screen")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="erbm-shots-"))
    demo = work / "demo.sqlite"
    subprocess.run([str(ROOT / ".venv" / "bin" / "erbm-desk"), "--db", str(demo), "demo"], check=True,
                   stdout=subprocess.DEVNULL)

    from erbm_desk.ui.common.french_qt import install_french

    app = QApplication(sys.argv)
    install_french(app)  # the French locale and Qt's own French texts, as the app does at start
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.ui.common.window_state import settings
    from erbm_desk.ui.window.main_window import MainWindow
    from erbm_desk.ui.window.navigation import KEYS

    screen = app.primaryScreen().geometry()
    lang = os.environ.get("LANG", "")
    suffix = "" if lang.startswith("fr") else f"-{lang.split('.')[0] or 'C'}"
    out = Path(args.out) / f"{screen.width()}x{screen.height()}{suffix}"
    out.mkdir(parents=True, exist_ok=True)
    settings().setValue("window/page", "dashboard")
    window = MainWindow(open_database(str(demo)))
    if args.fill:
        window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()
    window.activateWindow()
    settle(app, 4)
    for i, key in enumerate(KEYS, start=1):
        page = window.show_page(key)
        model = getattr(page, "model", None)
        if key == "dashboard":  # every chart drawn (one per turn of the event loop)
            wait(app, lambda: page.data is not None and not page._pending, 90)
        elif key == "hours" and hasattr(page, "go_to_month"):
            page.go_to_month(date(2025, 11, 1))
            wait(app, lambda: not page.loading)
        elif model is not None and hasattr(model, "loading"):
            wait(app, lambda: not model.loading)
            page.table.setFocus()
            page.table.selectRow(1)
        shoot_root(app, out / f"{i:02d}-{key}.png")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
