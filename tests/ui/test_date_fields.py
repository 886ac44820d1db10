"""A date or month field keeps exactly what was typed: an impossible date is never moved to a real one, it
stays as typed with a French message under the field until corrected; selecting everything then typing replaces
it, as in any text field."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import select

from erbm_desk.db.models import Beneficiary, Contract, Operation
from tests.ui.helpers import TIMEOUT, field, fill, go_to, keys, new_record, open_window, press, save


def shown(widget) -> str:
    """The text the field shows."""
    return widget.text() if isinstance(widget, QLineEdit) else widget.lineEdit().text()


def retype(qtbot, widget, text: str) -> None:
    """Click into the field, Ctrl+A, type: what a person does to replace a value."""
    widget.setFocus()
    qtbot.keyClick(QApplication.focusWidget() or widget, Qt.Key_A, Qt.ControlModifier)
    keys(qtbot, QApplication.focusWidget() or widget, text)


def test_an_impossible_date_stays_as_typed_with_its_french_message(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="operation")
    page = go_to(qtbot, window, "operation")
    new_record(qtbot, window, page)
    fill(qtbot, page, {"name": "Réhabilitation C", "cite_id": "test a", "nature": "Réhabilitation", "phase": "En",
                       "start_date": "31/02/2024"})
    start = field(page, "start_date")
    assert shown(start) == "31/02/2024"
    assert page.form.error_text("start_date") == "Le 31/02/2024 n'existe pas."
    press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    assert not page.form.saving and page.form.record_id is None  # refused: nothing written
    assert shown(start) == "31/02/2024"  # still what was typed, not 29/02/2024
    retype(qtbot, start, "29/02/2024")
    assert page.form.error_text("start_date") == ""
    record_id = save(qtbot, window, page)
    with db.sessions() as s:
        assert s.get(Operation, record_id).start_date == date(2024, 2, 29)


def test_a_birth_date_that_does_not_exist_is_not_moved_to_the_end_of_the_month(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="beneficiary")
    page = go_to(qtbot, window, "beneficiary")
    new_record(qtbot, window, page)
    fill(qtbot, page, {"last_name": "DUPONT", "first_name": "Léa", "birth_date": "31/02/2001", "sex": "Femme"})
    assert shown(field(page, "birth_date")) == "31/02/2001"
    assert page.form.error_text("birth_date") == "Le 31/02/2001 n'existe pas."
    press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    with db.sessions() as s:
        assert s.scalars(select(Beneficiary.birth_date).where(Beneficiary.last_name == "DUPONT")).all() == []


def test_a_number_typed_into_an_empty_date_is_not_read_as_a_date(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="operation")
    page = go_to(qtbot, window, "operation")
    new_record(qtbot, window, page)
    fill(qtbot, page, {"name": "Réhabilitation D", "cite_id": "test a", "nature": "Réhabilitation"})
    end = field(page, "end_date")
    retype(qtbot, end, "95,5")
    assert shown(end) == "95,5"
    assert "n'est pas une date" in page.form.error_text("end_date")


def test_select_all_then_type_replaces_a_date(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="contract")
    page = go_to(qtbot, window, "contract")
    page.show_record(small_dataset["c2"])  # MARTIN: 01/02/2022 – 31/03/2022
    qtbot.waitUntil(lambda: page.form.record_id == small_dataset["c2"], timeout=TIMEOUT)
    end = field(page, "end_date")
    retype(qtbot, end, "30/11/2022")
    assert shown(end) == "30/11/2022" and page.form.error_text("end_date") == ""
    save(qtbot, window, page)
    retype(qtbot, end, "31/12/2022")  # over a date whose month has 30 days: not 30/12/2022
    assert shown(end) == "31/12/2022"
    save(qtbot, window, page)
    with db.sessions() as s:
        assert s.get(Contract, small_dataset["c2"]).end_date == date(2022, 12, 31)


def test_select_all_then_type_a_month_on_the_hours_page(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="hours")
    page = go_to(qtbot, window, "hours")
    retype(qtbot, page.month_edit, "03/2023")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: page.month == date(2023, 3, 1) and not page.loading, timeout=TIMEOUT)
    retype(qtbot, page.month_edit, "04/2023")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    assert page.month == date(2023, 4, 1) and shown(page.month_edit) == "04/2023"
    assert [page.model.row(r).contract_id for r in range(page.model.rowCount())] == [
        small_dataset["c1"], small_dataset["c4"], small_dataset["c3"]]
