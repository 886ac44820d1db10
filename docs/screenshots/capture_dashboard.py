"""Screenshots of the Tableau de bord (territory, its map, one cité) and the first pages of a bilan.

    xvfb-run -a -s "-screen 0 1440x1000x24" .venv/bin/python docs/screenshots/capture_dashboard.py [--out DIR]

On a copy of the demo database at scale 1 (the bench's cached one, built if missing). The cité is the one
with the most hours. The bilan (whole territory) is written with `write_bilan` and its pages 1–3 rendered
with pdftoppm at 90 dpi.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="erbm-shots-config-")  # never the user's settings

from PySide6.QtWidgets import QApplication  # noqa: E402

from capture import shoot, wait  # noqa: E402 - the README screenshots' helpers, same folder

SIZE = (1360, 980)


def ready(page) -> bool:
    return page.data is not None and page.status.text() == "" and not page._pending


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    from bench.common import demo_database

    work = Path(tempfile.mkdtemp(prefix="erbm-shots-"))
    db_path = work / "erbm1.sqlite"
    shutil.copy(demo_database(1), db_path)

    app = QApplication(sys.argv)
    from erbm_desk.services.reporting.bilan import write_bilan
    from erbm_desk.services.reporting.dashboard_data import group_rows
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.reporting.indicators import Scope
    from erbm_desk.ui.window.main_window import MainWindow
    from erbm_desk.ui.common.window_state import settings

    settings().setValue("window/page", "dashboard")
    db = open_database(str(db_path))
    window = MainWindow(db)
    window.resize(*SIZE)
    window.show()
    page = window.show_page("dashboard")
    wait(app, lambda: ready(page), timeout=60)
    shoot(app, window, out / "tableau-de-bord-territoire.png")
    map_canvas = page.canvases["map"]
    page.scroll.ensureWidgetVisible(map_canvas, 0, 40)
    shoot(app, window, out / "tableau-de-bord-carte.png")

    with db.sessions() as s:
        top = group_rows(s)[1][0]
    page.scroll.verticalScrollBar().setValue(0)
    page.set_scope(Scope("cite", top.id))
    wait(app, lambda: ready(page) and page.data.scope == Scope("cite", top.id), timeout=60)
    shoot(app, window, out / "tableau-de-bord-cite.png")
    window.close()

    pdf = work / "bilan.pdf"
    with db.sessions() as s:
        summary = write_bilan(s, pdf)
    print(f"bilan : {summary.pages} pages")
    subprocess.run(["pdftoppm", "-r", "90", "-f", "1", "-l", "3", "-png", str(pdf), str(work / "bilan")],
                   check=True)
    for i, produced in enumerate(sorted(work.glob("bilan-*.png")), start=1):
        target = out / f"bilan-p{i}.png"
        shutil.move(produced, target)
        subprocess.run(["convert", str(target), "-colors", "256", "-strip", f"PNG8:{target}"], check=False)
        print(f"{target.name}: {target.stat().st_size // 1024} Ko")
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
