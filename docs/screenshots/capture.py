"""Screenshots of the window for the README, taken as a new user would see it.

    xvfb-run -s "-screen 0 1440x900x24" .venv/bin/python docs/screenshots/capture.py [--out docs/screenshots]

Makes two throw-away databases: an empty one (the first records typed in, a SIRET refused) and the demo dataset
(every page with a record open). Each PNG is reduced to 256 colours to stay small.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="erbm-shots-config-")  # never the user's settings

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1360, 820)
FILES = {"cite": "cites", "operation": "operations", "company": "entreprises", "beneficiary": "beneficiaires",
         "contract": "contrats"}


def settle(app: QApplication, seconds: float = 0.8) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def wait(app: QApplication, done, timeout: float = 30) -> None:
    end = time.perf_counter() + timeout
    while not done() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def shoot(app: QApplication, widget, path: Path) -> None:
    settle(app)
    widget.grab().save(str(path))
    subprocess.run(["convert", str(path), "-colors", "256", "-strip", f"PNG8:{path}"], check=False)
    print(f"{path.name}: {path.stat().st_size // 1024} Ko")


def shoot_screen(app: QApplication, window, path: Path) -> None:
    """The X screen cropped to the window: pop-up lists, which a widget grab leaves out, included."""
    settle(app)
    g = window.frameGeometry()
    subprocess.run(["import", "-window", "root", "-crop", f"{g.width()}x{g.height()}+{g.x()}+{g.y()}",
                    "+repage", "-colors", "256", "-strip", f"PNG8:{path}"], check=True)
    print(f"{path.name}: {path.stat().st_size // 1024} Ko")


def type_text(widget, text: str) -> None:
    widget.setFocus()
    for ch in text:
        QTest.keyClick(widget, ch) if ch.isascii() else QTest.keyClicks(widget, ch)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="erbm-shots-"))
    demo = work / "demo.sqlite"
    subprocess.run([str(ROOT / ".venv" / "bin" / "erbm-desk"), "--db", str(demo), "demo"], check=True)

    app = QApplication(sys.argv)
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.ui.window.main_window import MainWindow
    from erbm_desk.ui.common.window_state import settings

    # 1. A new, empty database: the first cité typed in, then a company whose SIRET is refused.
    settings().setValue("window/page", "cite")
    window = MainWindow(open_database(str(work / "ma-base.sqlite")))
    window.resize(*SIZE)
    window.show()
    window.activateWindow()
    page = window.show_page("cite")
    wait(app, lambda: not page.model.loading)
    page.new_record()
    form = page.form
    type_text(form.fields["name"].widget, "Cite des Alouettes")
    picker = form.fields["commune_id"].widget
    type_text(picker, "Bruay")
    wait(app, lambda: picker.completer_.popup().isVisible())
    shoot_screen(app, window, out / "01-nouvelle-cite.png")
    QTest.keyClick(picker.completer_.popup(), Qt.Key_Return)
    type_text(form.fields["homes"].widget, "212")
    form.save()
    wait(app, lambda: form.record_id is not None)
    page = window.show_page("company")
    page.new_record()
    type_text(page.form.fields["name"].widget, "Couverture du Bassin")
    type_text(page.form.fields["siret"].widget, "12345678901234")
    page.form.save()
    shoot(app, window, out / "02-siret-refuse.png")
    page.form.cancel()
    window.close()
    window.db.close()

    # 2. The demo dataset: every page, a record open.
    settings().setValue("window/page", "dashboard")
    window = MainWindow(open_database(str(demo)))
    window.resize(*SIZE)
    window.show()
    settle(app, 3)
    shoot(app, window, out / "03-tableau-de-bord.png")
    for i, key in enumerate(("cite", "operation", "company", "beneficiary", "contract"), start=4):
        page = window.show_page(key)
        wait(app, lambda: not page.model.loading)
        page.table.setFocus()
        page.table.selectRow(1)
        if page.related is not None and key in ("beneficiary", "operation"):
            page.related.setCurrentIndex(1 if key == "beneficiary" else 0)
        shoot(app, window, out / f"{i:02d}-{FILES[key]}.png")
    hours = window.show_page("hours")
    if hasattr(hours, "go_to_month"):
        hours.go_to_month(date(2025, 11, 1))
    shoot(app, window, out / "09-heures.png")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
