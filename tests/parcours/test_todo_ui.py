"""The window with the person's path, driven by keys and clicks: the start-up reminder that blocks nothing, the
« À faire » list (overdue first, in red) and the forms that settle its items, a beneficiary's checks, exits and
actions under their record, the dashboard's new figures."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication

import pytest

from erbm_desk.services.parcours import todo
from erbm_desk.ui.records.related_panel import RecordDialog
from erbm_desk.ui.window.navigation import KEYS
from tests.ui.helpers import TIMEOUT, activate, go_to, open_window, press


@pytest.fixture(autouse=True)
def list_day(monkeypatch):
    """The lists are drawn up on 15/01/2026: every due date of the dataset has passed, none by a year."""
    monkeypatch.setattr(todo, "today", lambda: date(2026, 1, 15))


def _reminded(qtbot, window) -> None:
    qtbot.waitUntil(lambda: getattr(window, "todo_reminder", None) is not None
                    and window.todo_reminder.button.isVisible(), timeout=TIMEOUT * 3)


def test_the_reminder_says_what_is_overdue_and_blocks_nothing(qtbot, db, path_dataset):
    window = open_window(qtbot, db)
    _reminded(qtbot, window)
    reminder = window.todo_reminder
    assert reminder.button.text() == "À faire : 4 en retard."  # every due date of the dataset is in 2025
    assert "À faire" not in window.statusBar().currentMessage()  # said once, on the button
    assert QApplication.activeModalWidget() is None  # nothing to answer
    labels = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert labels[KEYS.index("todo")] == "À faire (4)"
    page = go_to(qtbot, window, "operation")  # the window works on as usual
    assert page is window.page("operation")
    qtbot.mouseClick(reminder.button, Qt.LeftButton)  # the reminder leads to the list
    assert window.stack.currentWidget() is window.page("todo")


def test_the_list_overdue_first_and_the_form_that_settles_an_item(qtbot, qtmodeltester, db, path_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "todo")
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 4, timeout=TIMEOUT)
    qtmodeltester.check(page.model)
    rows = [[page.model.index(r, c).data() for c in (0, 2, 3)] for r in range(4)]
    assert rows == [["01/01/2025", "EPSILON Emma", "Saisir le diagnostic d'éligibilité à l'entrée"],
                    ["15/07/2025", "ALPHA Anna", "Point d'embauche"],
                    ["30/09/2025", "GAMMA Chloé", "Relever la situation six mois après la sortie"],
                    ["30/12/2025", "ALPHA Anna", "Relever la situation six mois après la sortie"]]
    late = page.model.index(0, 0).data(Qt.ForegroundRole)
    assert isinstance(late, QBrush) and late.color().name() == "#b5533c"  # overdue: in red
    assert "4 éléments — 4 en retard" in page.count.text()

    # GAMMA's situation: Ctrl+Entrée opens her exit, the situation is chosen, Ctrl+S saves.
    page.table.setFocus()
    page.table.selectRow(2)
    qtbot.keyClick(page.table, Qt.Key_Return, Qt.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, RecordDialog) and dialog.form.entity == "path_exit"
    qtbot.waitUntil(lambda: dialog.form.record_id == path_dataset["xC"], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT)
    situation = dialog.form.fields["situation_6m"].widget
    situation.setFocus()
    situation.setCurrentIndex(situation.findText("En recherche d'emploi"))
    dialog.form.fields["situation_date"].widget.setFocus()
    qtbot.keyClicks(dialog.form.fields["situation_date"].widget, "02/10/2025")
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=TIMEOUT)
    assert "GAMMA Chloé" not in [page.model.index(r, 2).data() for r in range(3)]
    qtbot.waitUntil(lambda: getattr(window, "todo_reminder", None) is not None
                    and window.todo_reminder.button.text() == "À faire : 3 en retard.", timeout=TIMEOUT * 3)

    # Entrée opens the person's record.
    activate(qtbot, window)
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key_Return)
    target = window.stack.currentWidget()
    assert target is window.page("beneficiary")
    qtbot.waitUntil(lambda: target.form.record_id == path_dataset["A"], timeout=TIMEOUT)


def test_a_beneficiary_shows_its_checks_exit_and_actions(qtbot, db, path_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    page.show_record(path_dataset["C"])
    titles = lambda: [page.related.tabText(i) for i in range(page.related.count())]  # noqa: E731
    qtbot.waitUntil(lambda: titles() == ["Contrats (2)", "Heures (3)", "Éligibilité (2)", "Sorties (1)",
                                         "Suivi (0)"], timeout=TIMEOUT)
    checks = next(lst for lst in page.related.lists if lst.entity == "eligibility_check")
    assert [row[1] for row in checks.model.rows] == ["01/04/2024", "15/01/2025"]  # her check at entry, then later
    exits = next(lst for lst in page.related.lists if lst.entity == "path_exit")
    assert exits.model.rows[0][1:4] == ("31/03/2025", "Autre sortie", "Déménagement")
    actions = next(lst for lst in page.related.lists if lst.entity == "followup_action")
    page.related.setCurrentWidget(actions)
    qtbot.mouseClick(actions.add_button, Qt.LeftButton)  # « Noter une action… »
    dialog = next(d for d in actions.findChildren(RecordDialog) if d.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT)
    date_field = dialog.form.fields["action_date"].widget
    date_field.setFocus()
    qtbot.keyClicks(date_field, "03/10/2025")
    kind = dialog.form.fields["kind"].widget
    kind.setCurrentIndex(kind.findText("Point à 6 mois"))
    next_date = dialog.form.fields["next_action_date"].widget
    next_date.setFocus()
    qtbot.keyClicks(next_date, "01/09/2025")  # before the action: refused under the field
    assert dialog.form.error_text("next_action_date") == "La prochaine action ne peut pas être prévue avant celle-ci."
    next_date.selectAll()
    qtbot.keyClick(next_date, Qt.Key_Delete)
    qtbot.keyClicks(next_date, "15/11/2025")
    assert dialog.form.error_text("next_action_date") == ""
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: len(actions.model.rows) == 1, timeout=TIMEOUT)
    assert actions.model.rows[0][1:3] == ("03/10/2025", "Point à 6 mois")


def test_the_dashboard_shows_the_path_figures(qtbot, db, path_dataset):
    window = open_window(qtbot, db, start="dashboard")
    dashboard = window.page("dashboard")
    qtbot.waitUntil(lambda: dashboard.data is not None, timeout=TIMEOUT * 3)
    tiles = {key: (t.value.text(), t.detail.text()) for key, t in dashboard.tiles.tiles.items()}
    assert tiles["fte"][0] == "0,63" and "202 h par personne" in tiles["fte"][1]
    assert tiles["siae"][0] == "24,8 %"
    assert tiles["exits"] == ("66,7 %", "2 sur 3 sorties · 1 en emploi durable (33,3 %)")
    assert tiles["situations"] == ("100,0 %", "1 situation relevée · 2 à relever")
    assert tiles["contracts"] == ("8", "dont 7 avec des heures · 4 opérations")
    assert dashboard.problems.isVisible() and "Façades sans date" in dashboard.problems.text()
    assert date.today() > date(2025, 12, 30)  # the dataset's six-month dates have passed
