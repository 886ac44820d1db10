"""Unsaved changes are never lost and never written behind the user's back: the same question everywhere —
« Enregistrer » (the default), « Ne pas enregistrer », « Annuler » — when leaving a page, a month, a record, or
closing the window; what the user chose not to save is gone for good."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from sqlalchemy import func, select

from erbm_desk.db.models import Cite, HoursEntry
from tests.ui.helpers import (
    TIMEOUT,
    activate,
    answer_when_asked,
    fill,
    go_to,
    keys,
    new_record,
    open_window,
    press,
)

MARCH = date(2023, 3, 1)


QUESTION = ["Annuler", "Enregistrer", "Ne pas enregistrer"]  # whatever their order on screen


def hours_in(db, month):
    with db.sessions() as s:
        return dict(s.execute(select(HoursEntry.contract_id, HoursEntry.hours).where(HoursEntry.month == month)).all())


def hours_page_on_march(qtbot, window):
    page = go_to(qtbot, window, "hours")
    page.go_to_month(MARCH)
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 5))
    return page


def type_in_cell(qtbot, page, text):
    qtbot.keyClicks(page.table, text[0])
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: page.table.state() != QAbstractItemView.EditingState and page.model.is_modified,
                    timeout=TIMEOUT)


def test_hours_not_saved_when_leaving_the_page_are_gone_for_good(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="hours")
    page = hours_page_on_march(qtbot, window)
    type_in_cell(qtbot, page, "9")
    assert page.model.is_modified
    seen = []
    answer_when_asked(qtbot, "Ne pas enregistrer", seen)
    press(qtbot, window, Qt.Key_1, Qt.ControlModifier)  # Affichage > Tableau de bord
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.page("dashboard"), timeout=TIMEOUT)
    activate(qtbot, window)
    press(qtbot, window, Qt.Key_7, Qt.ControlModifier)  # back to « Heures »
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page and not page.loading, timeout=TIMEOUT)
    assert page.model.data(page.model.index(0, 5)) == ""  # the 9 typed is gone
    assert not page.model.is_modified and not page.save_button.isEnabled()
    page.table.setFocus()
    press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: page.gateway.pending_writes == 0, timeout=TIMEOUT)
    assert hours_in(db, MARCH) == {}  # and the next Ctrl+S writes nothing
    assert seen[0] == (QUESTION, "Enregistrer")


def test_closing_with_a_record_being_typed_offers_to_save_it(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="cite")
    page = go_to(qtbot, window, "cite")
    new_record(qtbot, window, page)
    fill(qtbot, page, {"name": "Cité des Alouettes", "commune_id": "Lens"})
    seen = []
    answer_when_asked(qtbot, "Enregistrer", seen)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    assert seen[0] == (QUESTION, "Enregistrer")
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Cite).where(Cite.name == "Cité des Alouettes")) == 1


def test_closing_with_hours_typed_asks_the_same_question_and_can_stay(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="hours")
    page = hours_page_on_march(qtbot, window)
    type_in_cell(qtbot, page, "12,5")
    seen = []
    answer_when_asked(qtbot, "Annuler", seen)
    window.close()
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT)
    assert seen[0] == (QUESTION, "Enregistrer")
    assert window.isVisible() and page.model.is_modified  # « Annuler »: nothing lost, the window stays
    answer_when_asked(qtbot, "Enregistrer", seen)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    assert hours_in(db, MARCH) == {small_dataset["c1"]: D("12.50")}


def test_leaving_a_record_being_typed_asks_the_same_question(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="company")
    page = go_to(qtbot, window, "company")
    table = page.table
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualRect(page.model.index(0, 0)).center())
    qtbot.waitUntil(lambda: page.form.record_id == page.model.ids[0], timeout=TIMEOUT)
    name = page.form.fields["name"].widget
    name.setFocus()
    name.selectAll()
    keys(qtbot, name, "Gohelle Bâtiment")
    seen = []
    answer_when_asked(qtbot, "Ne pas enregistrer", seen)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualRect(page.model.index(1, 0)).center())
    qtbot.waitUntil(lambda: page.form.record_id == page.model.ids[1], timeout=TIMEOUT)
    assert seen[0] == (QUESTION, "Enregistrer")
    assert not page.form.dirty
    activate(qtbot, window)  # the question gave the keyboard back (the window manager's job)
    answer_when_asked(qtbot, "Enregistrer", seen)
    name.setFocus()
    name.selectAll()
    keys(qtbot, name, "ETTI du Bassin minier")
    press(qtbot, window, Qt.Key_2, Qt.ControlModifier)  # another page: the same question
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.page("cite"), timeout=TIMEOUT)
    assert seen[1] == (QUESTION, "Enregistrer")
    with db.sessions() as s:
        from erbm_desk.db.models import Company

        assert sorted(s.scalars(select(Company.name))) == ["Bâtiment Gohelle", "ETTI du Bassin minier"]


def test_a_page_chosen_from_the_keyboard_takes_the_keyboard(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="dashboard")
    activate(qtbot, window)
    press(qtbot, window, Qt.Key_7, Qt.ControlModifier)  # Affichage > Heures
    page = window.page("hours")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=TIMEOUT)
    assert QApplication.focusWidget() is page.table  # the current cell takes what is typed, no click first
    press(qtbot, window, Qt.Key_5, Qt.ControlModifier)  # Affichage > Bénéficiaires
    assert QApplication.focusWidget() is window.page("beneficiary").table
