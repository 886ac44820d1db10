"""The reminder about people due for anonymisation does not hold the window: it is said in the status bar and
in a box the user may leave open while working (no modal question at every start)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from erbm_desk.db.models import PathExit
from erbm_desk.domain.enums import ExitOutcome
from erbm_desk.ui.security.login_dialog import show_startup_reminders
from tests.ui.helpers import TIMEOUT, open_window


def test_the_anonymisation_reminder_leaves_the_window_free(qtbot, db, small_dataset):
    with db.session() as s:  # a path ended long ago (an exit is a record of its own)
        s.add(PathExit(beneficiary_id=small_dataset["p1"], exit_date=date(2010, 1, 31),
                       outcome=ExitOutcome.SUSTAINABLE_JOB))
        s.commit()
    window = open_window(qtbot, db, start="cite")
    seen = []

    def look() -> None:
        boxes = [b for b in QApplication.topLevelWidgets() + window.findChildren(QMessageBox)
                 if isinstance(b, QMessageBox) and b.isVisible()]
        if boxes and not seen:
            seen.append((boxes[0].text(), QApplication.activeModalWidget() is not None))
            boxes[0].close()  # read: closed (a modal one would otherwise hold the test)

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    show_startup_reminders(window.db, window)
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT)
    timer.stop()
    text, modal = seen[0]
    assert text.startswith("1 personne dont le parcours est terminé depuis plus de")
    assert not modal  # the window stays usable while the reminder shows
    assert "anonymisées" in window.statusBar().currentMessage()
