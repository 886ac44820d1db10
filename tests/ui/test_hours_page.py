"""The « Heures » page driven as a facilitator would: keyboard, clipboard, month buttons, Ctrl+S. A month is read
in a worker: after choosing one, the user (and the test) waits for its rows."""

from datetime import date
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMessageBox
from sqlalchemy import select

from erbm_desk.db.models import HoursEntry
from erbm_desk.services.reporting.indicators import Period, compute_indicators
from erbm_desk.ui.hours.hours_model import HOURS_COLUMN
from erbm_desk.ui.hours.hours_page import HoursPage, previous_month, shift_month
from erbm_desk.ui.hours.hours_table import clipboard_column
from tests.ui.helpers import activate, answer_when_asked

MARCH = date(2023, 3, 1)  # c1 (DURAND), c4 (LEROY) at Bâtiment Gohelle, c3 (NOWAK) at ETTI du Bassin


@pytest.fixture
def page(qtbot, db, small_dataset):
    page = HoursPage(db)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    qtbot.waitExposed(page)
    page.go_to_month(MARCH)
    wait_month(qtbot, page)
    page.activateWindow()
    page.table.setFocus()
    return page


def wait_month(qtbot, page):
    """The month (and the filters' lists) asked for are shown."""
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)


def type_hours(qtbot, page, text):
    """Type into the current cell as a person would, then Enter."""
    table = page.table
    qtbot.keyClicks(table, text[0])  # the first key opens the editor and lands in it
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    row = table.currentIndex().row()
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState)
    last = row == page.model.rowCount() - 1
    qtbot.waitUntil(lambda: last or table.currentIndex().row() == row + 1)


def hours_in(db, month):
    with db.sessions() as s:
        return dict(s.execute(select(HoursEntry.contract_id, HoursEntry.hours).where(HoursEntry.month == month)).all())


def shown_hours(page):
    return [page.model.data(page.model.index(r, HOURS_COLUMN)) for r in range(page.model.rowCount())]


def save_with_ctrl_s(qtbot, page):
    with qtbot.waitSignal(page.changed, timeout=10_000):
        qtbot.keyClick(page.table, Qt.Key_S, Qt.ControlModifier)


def test_typing_then_enter_goes_down_and_ctrl_s_saves_the_month(qtbot, db, small_dataset, page):
    ids = small_dataset
    assert [page.model.row(r).contract_id for r in range(3)] == [ids["c1"], ids["c4"], ids["c3"]]
    assert page.table.currentIndex().row() == 0 and page.table.currentIndex().column() == HOURS_COLUMN
    for text in ("12,5", "7", "151.67"):
        type_hours(qtbot, page, text)
    assert shown_hours(page) == ["12,5", "7", "151,67"]  # a decimal comma, whatever was typed
    assert "171,17 h" in page.total_label.text()
    assert "Modifications non enregistrées (3)" in page.message.text()
    assert page.save_button.isEnabled()
    save_with_ctrl_s(qtbot, page)
    assert hours_in(db, MARCH) == {ids["c1"]: D("12.50"), ids["c4"]: D("7.00"), ids["c3"]: D("151.67")}
    assert not page.model.is_modified and not page.save_button.isEnabled()
    assert "03/2023 enregistré : 3 saisies écrites." in page.message.text()


def test_a_column_pasted_from_excel_fills_down_from_the_current_row(qtbot, db, small_dataset, page):
    ids = small_dataset
    page.table.setCurrentIndex(page.model.index(1, HOURS_COLUMN))
    QApplication.clipboard().setText("35,5\r\n\r\n8\r\n99\r\n")  # Excel: CRLF, a blank cell, a final newline
    qtbot.keyClick(page.table, Qt.Key_V, Qt.ControlModifier)
    assert shown_hours(page) == ["", "35,5", ""]
    assert "2 valeurs collées." in page.message.text() and "2 valeurs ignorées" in page.message.text()
    page.table.setCurrentIndex(page.model.index(0, HOURS_COLUMN))
    QApplication.clipboard().setText("1 234\tDURAND\n")
    qtbot.keyClick(page.table, Qt.Key_V, Qt.ControlModifier)
    assert "seule la première a été collée" in page.message.text()
    assert "maximum légal" in page.message.text()  # 1 234 h is refused, with its reason
    QApplication.clipboard().setText("20\n")
    qtbot.keyClick(page.table, Qt.Key_V, Qt.ControlModifier)
    with qtbot.waitSignal(page.changed, timeout=10_000):
        qtbot.mouseClick(page.save_button, Qt.LeftButton)
    assert hours_in(db, MARCH) == {ids["c1"]: D("20.00"), ids["c4"]: D("35.50")}


def test_an_over_maximum_value_is_refused_with_its_message_and_nothing_is_written(qtbot, db, small_dataset, page):
    type_hours(qtbot, page, "12")
    type_hours(qtbot, page, "250")
    model = page.model
    wrong = model.index(1, HOURS_COLUMN)
    assert model.data(wrong) == "250"
    assert model.data(wrong, Qt.ForegroundRole).name() == "#b00020"
    assert "250 h dépasse le maximum légal de 208 h par mois" in model.data(wrong, Qt.ToolTipRole)
    assert "Ligne 2 (LEROY Hugo) : 250 h dépasse le maximum légal" in page.message.text()
    assert not page.save_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key_S, Qt.ControlModifier)
    assert not page._saving and page.gateway.pending_writes == 0  # refused before anything was asked of the writer
    assert hours_in(db, MARCH) == {}
    assert page.table.currentIndex().row() == 1  # Ctrl+S took the user to the cell to correct
    type_hours(qtbot, page, "-3")
    assert "négatif" in model.error(1) and "12" == model.data(model.index(0, HOURS_COLUMN))
    page.table.setCurrentIndex(model.index(1, HOURS_COLUMN))
    type_hours(qtbot, page, "douze")
    assert "n'est pas un nombre" in page.message.text()
    page.table.setCurrentIndex(model.index(1, HOURS_COLUMN))
    type_hours(qtbot, page, "208")
    assert model.invalid_rows == [] and page.save_button.isEnabled()


def test_three_months_saved_are_found_in_the_indicators(qtbot, db, small_dataset, page):
    before = compute_indicators_total(db)
    typed = {MARCH: ("100", "50,25", "20"), date(2023, 4, 1): ("110", "60", "30,5"),
             date(2023, 5, 1): ("120", "70", "0")}
    for month, values in typed.items():
        assert page.month == month and page.month_edit.text() == f"{month:%m/%Y}"
        page.table.setCurrentIndex(page.model.index(0, HOURS_COLUMN))
        for text in values:
            type_hours(qtbot, page, text)
        save_with_ctrl_s(qtbot, page)
        qtbot.mouseClick(page.next, Qt.LeftButton)
        wait_month(qtbot, page)
    assert page.month == date(2023, 6, 1)
    with db.sessions() as s:
        spring = compute_indicators(s, period=Period(MARCH, date(2023, 5, 1)))
    assert spring.hours_realised == D("560.75")
    assert spring.people == 3  # DURAND, LEROY and NOWAK worked those months
    assert compute_indicators_total(db) == before + D("560.75")


def compute_indicators_total(db):
    with db.sessions() as s:
        return compute_indicators(s).hours_realised


def test_leaving_a_month_with_unsaved_hours_asks_first(qtbot, db, small_dataset, page):
    ids = small_dataset
    type_hours(qtbot, page, "9")
    answer_when_asked(qtbot, "Annuler")
    qtbot.mouseClick(page.next, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.findChildren(QMessageBox, "unsaved_question")
                    or not page.findChildren(QMessageBox, "unsaved_question")[-1].isVisible(), timeout=10_000)
    assert page.month == MARCH and page.model.is_modified and shown_hours(page)[0] == "9"
    assert page.month_edit.text() == "03/2023"  # the selector went back to the month shown
    answer_when_asked(qtbot, "Enregistrer")
    with qtbot.waitSignal(page.changed, timeout=10_000):
        qtbot.mouseClick(page.previous, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.month == date(2023, 2, 1))
    wait_month(qtbot, page)
    assert hours_in(db, MARCH) == {ids["c1"]: D("9.00")}
    activate(qtbot, page)  # the question gave the keyboard back (the window manager's job)
    page.table.setFocus()
    type_hours(qtbot, page, "5")
    answer_when_asked(qtbot, "Ne pas enregistrer")
    page.set_filters(ids["co_b"], None)
    qtbot.waitUntil(lambda: page.company_id == ids["co_b"], timeout=10_000)
    wait_month(qtbot, page)
    assert page.company_combo.currentText() == "ETTI du Bassin"
    assert [page.model.row(r).contract_id for r in range(page.model.rowCount())] == [ids["c3"]]
    assert hours_in(db, date(2023, 2, 1)) == {ids["c3"]: D("0.00")}  # « 5 » was dropped


def test_filters_are_picked_by_typing_part_of_a_name(qtbot, db, small_dataset, page):
    ids = small_dataset
    combo = page.operation_combo
    combo.lineEdit().clear()
    qtbot.keyClicks(combo.lineEdit(), "a2")  # any part of « Cité Test A — Réhabilitation A2 », any case
    popup = combo.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key_Down)
    qtbot.keyClick(popup, Qt.Key_Return)
    assert page.operation_id == ids["op_a2"]
    wait_month(qtbot, page)
    assert [page.model.row(r).contract_id for r in range(page.model.rowCount())] == [ids["c4"]]
    combo.lineEdit().setText("nothing like this")
    combo.lineEdit().editingFinished.emit()
    assert combo.currentText() == "Cité Test A — Réhabilitation A2"  # unknown text goes back to the filter in use
    page.company_combo.setCurrentIndex(page.company_combo.findText("ETTI du Bassin"))
    wait_month(qtbot, page)
    assert page.model.rowCount() == 0 and "Aucun contrat en cours en 03/2023" in page.message.text()


def test_the_model_passes_qtmodeltester(qtmodeltester, page):
    page.model.set_texts(0, ["12,5", "300", ""])
    qtmodeltester.check(page.model)


def test_month_helpers_and_clipboard_parsing():
    assert previous_month(date(2024, 1, 15)) == date(2023, 12, 1)
    assert shift_month(date(2023, 12, 1), 1) == date(2024, 1, 1)
    assert shift_month(date(2024, 1, 1), -13) == date(2022, 12, 1)
    assert clipboard_column("1\r\n2,5\r\n\r\n") == (["1", "2,5", ""], False)
    assert clipboard_column("a\tb\nc\td") == (["a", "c"], True)
    assert clipboard_column("") == ([], False)
