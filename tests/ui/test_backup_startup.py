"""Start-up: a damaged file offers its latest good backup, a file in use offers read-only. Every attempt (and the
restore) runs in a worker; the questions come back on the UI thread, the outcome through a callback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from erbm_desk.services.backup import copies
from erbm_desk.services.backup import listing
from erbm_desk.services.database.opening import open_database
from erbm_desk.ui.database.opening_dialogue import open_database_interactively, start_daily_backup
from tests.fixtures import build_small_dataset


def _saved_base(tmp_path) -> Path:
    path = tmp_path / "plie.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        build_small_dataset(s)
    copies.backup_database(db, "demarrage")
    db.close()
    return path


TIMEOUT = 20_000


def interactively(qtbot, path, answers: "Answers"):
    """Open `path` as the window does, answering its questions with `answers`; the database, or None."""
    outcome = []
    open_database_interactively(str(path), then=outcome.append, ask=answers.ask, tell=answers.tell)
    qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    return outcome[0]


class Answers:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked, self.told = [], []

    def ask(self, kind, text, informative, yes):
        self.asked.append((kind, text, informative, yes))
        return self.answers.pop(0)

    def tell(self, level, text):
        self.told.append((level, text))


def test_a_damaged_file_offers_the_latest_good_backup(qtbot, tmp_path):
    path = _saved_base(tmp_path)
    data = bytearray(path.read_bytes())
    data[:4096] = bytes(4096)
    path.write_bytes(bytes(data))

    refused = Answers(False)
    assert interactively(qtbot, path, refused) is None
    assert refused.asked[0][0] == "restaurer" and "4 bénéficiaires" in refused.asked[0][2]
    assert path.read_bytes()[:16] == bytes(16)  # said no: untouched

    accepted = Answers(True)
    db = interactively(qtbot, path, accepted)
    try:
        assert db is not None and db.counts()["contract"] == 4
        assert "a été restaurée" in accepted.told[0][1]
    finally:
        db.close()


def test_a_file_in_use_offers_read_only(qtbot, tmp_path):
    path = _saved_base(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom erbm_desk.services.database.opening import open_database\n"
                               "db = open_database(sys.argv[1], read_only=False)\nprint('ok', flush=True)\n"
                               "sys.stdin.read()\n", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    try:
        assert holder.stdout.readline().strip() == "ok"
        no = Answers(False)
        assert interactively(qtbot, path, no) is None
        yes = Answers(True)
        db = interactively(qtbot, path, yes)
        assert db.read_only and "déjà ouverte en écriture par" in yes.asked[0][1]
        db.close()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_other_refusals_are_one_message(qtbot, tmp_path):
    bad = tmp_path / "pas une base.sqlite"
    bad.write_bytes(b"bonjour" * 1000)
    answers = Answers()
    assert interactively(qtbot, bad, answers) is None
    assert answers.told[0][0] == "error" and "endommagé" in answers.told[0][1]


def test_the_daily_backup_runs_in_a_worker(qtbot, tmp_path):
    path = _saved_base(tmp_path)
    db = open_database(str(path))
    window = QMainWindow()
    window.db = db
    qtbot.addWidget(window)
    done = []
    try:
        for info in listing.list_backups(path):
            info.path.unlink()
        start_daily_backup(window, done.append)
        qtbot.waitUntil(lambda: bool(done), timeout=20_000)
        assert done[0].reason == "demarrage"
        done.clear()
        start_daily_backup(window, done.append)
        qtbot.waitUntil(lambda: bool(done), timeout=20_000)
        assert done == [None]  # already one today
    finally:
        db.close()
