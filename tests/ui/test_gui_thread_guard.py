"""The UI tests' guard fails a test in which the app's UI code runs SQL or writes a file on the GUI thread
(tests/ui/gui_thread_guard.py), and lets a test's own queries be."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from erbm_desk.db.models import Cite
from erbm_desk.ui.database.gateway import gateway_for
from tests.ui.gui_thread_guard import GUARD

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10_000


class CarelessPanel(QWidget):
    """A panel written the wrong way: once its first read arrives, it reads again (and writes a note) on the
    GUI thread, in its slot."""

    def __init__(self, db, note: Path):
        super().__init__()
        self.db, self.note = db, note
        self.count: int | None = None
        gateway_for(db).read(self, lambda s: s.scalar(select(func.count()).select_from(Cite)), self.shown)

    def shown(self, _count: int) -> None:
        self.count = self.db.counts()["cite"]  # SQL on the GUI thread
        self.note.write_text(str(self.count))  # a file written on the GUI thread


def test_sql_and_files_of_a_widget_on_the_gui_thread_are_caught(qtbot, db, small_dataset, tmp_path):
    panel = CarelessPanel(db, tmp_path / "note.txt")
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.count is not None, timeout=TIMEOUT)
    seen = GUARD.take()  # taken here, so that this test itself passes
    assert any(s.startswith("SQL « SELECT count(*)") and "workers.py" in s for s in seen), seen
    assert any("fichier écrit (open)" in s and "note.txt" in s for s in seen), seen


def test_a_tests_own_queries_and_files_are_not_caught(qtbot, db, small_dataset, tmp_path):
    with db.sessions() as s:  # inspection by the test: no UI code on the stack
        cites = s.scalar(select(func.count()).select_from(Cite))
    (tmp_path / "written-by-the-test.txt").write_text("ok")
    qtbot.waitUntil(lambda: db.counts()["cite"] == cites)  # a predicate that reads the database
    assert cites > 0 and GUARD.take() == []


def test_reads_through_the_gateway_are_not_caught(qtbot, db, small_dataset):
    got = []
    owner = QWidget()
    qtbot.addWidget(owner)
    gateway_for(db).read(owner, lambda s: s.scalar(select(func.count()).select_from(Cite)), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=TIMEOUT)
    assert got == [db.counts()["cite"]] and GUARD.take() == []


# The GDPR dialog as it was written before the gateway: its reads run on the spot, on the thread that asks (the GUI
# thread), each time the list is refreshed. A test of it must fail, whatever it asserts.
CARELESS_TEST = """
from erbm_desk.services.database.opening import open_database
from erbm_desk.ui.security import gdpr_dialog


class ReadsOnTheSpot:
    def __init__(self, db):
        self.db = db

    def read(self, owner, work, done, failed=None, *, latest=None):
        with self.db.sessions() as s:
            done(work(s))


def test_searching_a_person(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(gdpr_dialog, "gateway_for", ReadsOnTheSpot)
    db = open_database(str(tmp_path / "base.sqlite"))
    try:
        dialog = gdpr_dialog.PersonDataDialog(db)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.search, "durand")
        assert dialog.people == [] and dialog.list.count() == 0  # the dialog works: only the guard can fail this
    finally:
        db.close()
"""


def test_the_guard_fails_a_test_whose_widget_queries_on_the_gui_thread(tmp_path):
    """End to end: pytest, with the guard, on a test of a dialog that reads on the GUI thread: the test fails."""
    test_file = tmp_path / "test_reads_on_the_spot.py"
    test_file.write_text(CARELESS_TEST)
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.ui.gui_thread_guard", "-p", "no:cacheprovider",
         "-o", "qt_api=pyside6", "-q", "--rootdir", str(tmp_path), str(test_file)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "1 failed" in proc.stdout, out
    assert "SQL « SELECT beneficiary.id" in proc.stdout and "gdpr_dialog.py" in proc.stdout, out
    assert "sur le fil de l'interface" in proc.stdout, out
