"""Édition > Annuler (Ctrl+Z) covers every write a user makes, saved hours included; it never overwrites what
someone else changed since (the conflict is said, nothing is written); an undone deletion shows the record
again, and the status bar says what was undone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from sqlalchemy import select

from erbm_desk.db.models import Company, HoursEntry
from erbm_desk.services.records.writes import save_record
from tests.ui.helpers import (
    TIMEOUT,
    answer,
    field,
    go_to,
    keys,
    open_window,
    press,
    question,
    read_message_when_shown,
    save,
)

MARCH = date(2023, 3, 1)


def hours_in(db, month):
    with db.sessions() as s:
        return dict(s.execute(select(HoursEntry.contract_id, HoursEntry.hours).where(HoursEntry.month == month)).all())


def test_saved_hours_are_undone_and_redone(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="hours")
    page = go_to(qtbot, window, "hours")
    page.go_to_month(MARCH)
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    table = page.table
    table.setFocus()
    table.setCurrentIndex(page.model.index(0, 5))
    qtbot.keyClicks(table, "1")
    keys(qtbot, QApplication.focusWidget(), "2,5")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState, timeout=TIMEOUT)
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    assert hours_in(db, MARCH) == {small_dataset["c1"]: D("12.50")}

    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert hours_in(db, MARCH) == {}
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 5)) == "" and not page.loading, timeout=TIMEOUT)
    assert "Annulé : la saisie des heures de 03/2023" in window.statusBar().currentMessage()

    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_Y, Qt.ControlModifier)
    assert hours_in(db, MARCH) == {small_dataset["c1"]: D("12.50")}


def test_undoing_an_edit_never_overwrites_a_later_change_by_someone_else(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="company")
    page = go_to(qtbot, window, "company")
    page.show_record(small_dataset["co_a"])
    qtbot.waitUntil(lambda: page.form.record_id == small_dataset["co_a"], timeout=TIMEOUT)
    name = field(page, "name")
    name.setFocus()
    name.selectAll()
    keys(qtbot, name, "Gohelle Rénovation")
    save(qtbot, window, page)
    with db.session() as s:  # another user, on a shared database, renames it again
        save_record(s, "company", {"name": "Gohelle Bâtiment et Fils"}, small_dataset["co_a"])

    page.table.setFocus()
    messages = []
    read_message_when_shown(qtbot, messages)
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: bool(messages), timeout=TIMEOUT)
    assert "modifié" in messages[0] and "quelqu'un d'autre" in messages[0]
    with db.sessions() as s:
        assert s.get(Company, small_dataset["co_a"]).name == "Gohelle Bâtiment et Fils"  # their change stays


def test_an_undone_deletion_shows_the_record_again(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="beneficiary")
    page = go_to(qtbot, window, "beneficiary")
    page.show_record(small_dataset["p1"])
    qtbot.waitUntil(lambda: page.form.record_id == small_dataset["p1"], timeout=TIMEOUT)
    qtbot.mouseClick(page.form.delete_button, Qt.LeftButton)
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        answer(qtbot, question(qtbot, page.form), "Supprimer")
    qtbot.waitUntil(lambda: page.form.record_id is None and not page.model.loading, timeout=TIMEOUT)
    assert "Suppression effectuée" in window.statusBar().currentMessage()

    page.table.setFocus()
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: page.form.record_id == small_dataset["p1"] and not page.model.loading, timeout=TIMEOUT)
    assert page.model.id_at(page.table.currentIndex().row()) == small_dataset["p1"]  # selected in the list
    assert page.form.title.text().startswith("DURAND Léa")
    status = window.statusBar().currentMessage()
    assert "Suppression effectuée" not in status and "Annulé : la suppression de « DURAND Léa »" in status
