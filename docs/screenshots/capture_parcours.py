"""Screenshots of the person's path, on the demo dataset:

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python docs/screenshots/capture_parcours.py

- parcours-a-faire.png: the « À faire » list, overdue first, with the start-up reminder in the status bar;
- parcours-beneficiaire.png: a person who has left, with their eligibility checks, exit and follow-up actions;
- parcours-sortie.png: the exit form, its six-month situation being recorded;
- parcours-tableau-de-bord.png: the dashboard's figures of the path (ETP, SIAE, exits, six months later).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="erbm-shots-config-")  # never the user's settings

from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from capture import SIZE, settle, shoot, wait  # noqa: E402


def main() -> int:
    out = ROOT / "docs" / "screenshots"
    work = Path(tempfile.mkdtemp(prefix="erbm-shots-"))
    demo = work / "demo.sqlite"
    subprocess.run([str(ROOT / ".venv" / "bin" / "erbm-desk"), "--db", str(demo), "demo", "--scale", "0.3"],
                   check=True)
    app = QApplication(sys.argv)
    from sqlalchemy import select

    from erbm_desk.db.models import FollowUpAction, PathExit
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.ui.window.main_window import MainWindow

    db = open_database(str(demo))
    with db.session() as s:  # someone who left, whose check changed after entry, with a situation recorded
        person = s.scalar(select(PathExit.beneficiary_id).where(PathExit.situation_6m.is_not(None))
                          .order_by(PathExit.exit_date.desc()).limit(1))
        missing = s.scalar(select(PathExit.id).where(PathExit.situation_6m.is_(None)).limit(1))
        s.add(FollowUpAction(beneficiary_id=person, action_date=s.get(PathExit, s.scalar(
            select(PathExit.id).where(PathExit.beneficiary_id == person))).exit_date, kind="entretien",
            note="Bilan de fin de contrat avec l'employeur ; CV mis à jour.", in_charge="C. Delattre"))
    window = MainWindow(db)  # opens on the dashboard (a fresh settings folder)
    window.resize(*SIZE)
    window.show()
    wait(app, lambda: getattr(window, "todo_reminder", None) is not None and window.todo_reminder.message)

    dashboard = window.show_page("dashboard")
    wait(app, lambda: dashboard.data is not None and not dashboard._pending, timeout=90)  # every chart built
    settle(app, 1.5)
    shoot(app, window, out / "parcours-tableau-de-bord.png")
    canvas = dashboard.canvases.get("exits")
    if canvas is not None:
        dashboard.scroll.ensureWidgetVisible(canvas, 0, 160)
        shoot(app, window, out / "parcours-tableau-de-bord-sorties.png")
    todo = window.show_page("todo")
    wait(app, lambda: not todo.loading)
    todo.filter_box.setCurrentIndex(0)
    shoot(app, window, out / "parcours-a-faire.png")

    page = window.show_page("beneficiary")
    page.show_record(person)
    wait(app, lambda: page.form.record_id == person)
    tabs = page.related
    wait(app, lambda: all(not lst.model.loading for lst in tabs.lists))
    tabs.setCurrentIndex(2)
    settle(app)
    shoot(app, window, out / "parcours-beneficiaire.png")
    tabs.setCurrentIndex(3)
    shoot(app, window, out / "parcours-beneficiaire-sorties.png")

    from erbm_desk.ui.records.related_panel import RecordDialog

    with db.session() as s:
        exit_row = s.get(PathExit, missing)
        owner = exit_row.beneficiary_id
    dialog = RecordDialog(window.ws, "path_exit", owner, missing, parent=window)
    dialog.show()
    wait(app, lambda: dialog.form.record_id == missing)
    situation = dialog.form.fields["situation_6m"].widget
    situation.setCurrentIndex(situation.findText("En emploi de transition"))
    shoot(app, dialog, out / "parcours-sortie.png")
    dialog.reject()

    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
