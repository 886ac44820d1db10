"""The form's editors as a user types into them: dates (empty allowed), decimal comma, pick lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCalendarWidget, QToolButton

from erbm_desk.domain.entities import SPECS
from erbm_desk.ui.common.date_fields import DateField, MonthField
from erbm_desk.ui.records.fields import Field, RefPicker
from erbm_desk.ui.records.pick_lists import PickLists
from tests.ui.helpers import TIMEOUT, activate, keys


@pytest.mark.parametrize("typed, expected", [
    ("15/03/2000", date(2000, 3, 15)),
    ("1/3/2000", date(2000, 3, 1)),
    ("31122024", date(2024, 12, 31)),  # any day number can come first
    ("5.6.1990", date(1990, 6, 5)),
])
def test_a_date_is_typed_the_french_way(qtbot, typed, expected):
    edit = DateField()
    qtbot.addWidget(edit)
    edit.show()
    assert edit.value() is None and edit.placeholderText() == "jj/mm/aaaa"
    edit.setFocus()
    keys(qtbot, edit, typed)
    assert edit.value() == expected and edit.problem() is None
    qtbot.keyClick(edit, Qt.Key_Return)
    assert edit.text() == f"{expected:%d/%m/%Y}"  # shown as the app writes dates once confirmed


def test_an_optional_date_can_be_emptied_again(qtbot):
    edit = DateField()
    qtbot.addWidget(edit)
    edit.set_value(date(2024, 1, 31))
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key_Backspace)
    assert edit.value() is None and edit.problem() is None


def test_a_date_is_chosen_in_a_french_calendar(qtbot):
    edit = DateField()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    keys(qtbot, edit, "10/12/2024")
    qtbot.keyClick(edit, Qt.Key_Down, Qt.AltModifier)
    calendar = edit.popup.findChild(QCalendarWidget)
    qtbot.waitUntil(calendar.isVisible)
    assert calendar.findChild(QToolButton, "qt_calendar_monthbutton").text() == "décembre"
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key_Right)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key_Return)
    assert edit.value() == date(2024, 12, 11) and edit.text() == "11/12/2024"


def test_a_month_is_chosen_in_a_month_picker(qtbot):
    edit = MonthField()
    qtbot.addWidget(edit)
    edit.show()
    edit.set_value(date(2026, 11, 1))
    edit.setFocus()
    with qtbot.waitSignal(edit.committed) as committed:
        qtbot.keyClick(edit, Qt.Key_F4)
        picker = edit.popup
        assert [b.text() for b in picker.buttons][:3] == ["janv.", "févr.", "mars"]
        assert picker.year_label.text() == "2026" and picker.buttons[10].isChecked()
        qtbot.mouseClick(picker.buttons[1], Qt.LeftButton)
    assert committed.args == [date(2026, 2, 1)] and edit.text() == "02/2026"


def test_numbers_take_a_decimal_comma_and_show_one(qtbot):
    field = Field(SPECS["operation"].column("hours_required"), picks=None)
    qtbot.addWidget(field.widget)
    field.widget.setFocus()
    keys(qtbot, field.widget, "1 234,5")
    assert field.column.parse(field.raw()) == Decimal("1234.50")
    field.set_value(Decimal("1332.65"))
    assert field.widget.text() == "1\u00a0332,65"


def test_a_record_is_picked_by_part_of_its_name_whatever_the_accents(qtbot, db, small_dataset):
    picker = RefPicker(PickLists(db), "beneficiary", "Bénéficiaire")
    qtbot.addWidget(picker)
    picker.show()
    picker.setFocus()
    keys(qtbot, picker, "lea")  # Léa DURAND
    popup = picker.completer_.popup()
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    assert picker.completer_.model().stringList() == ["DURAND Léa (15/03/2000)"]
    assert picker.value() is None  # nothing chosen yet
    qtbot.keyClick(popup, Qt.Key_Return)
    assert picker.value() == small_dataset["p1"] and picker.text() == "DURAND Léa (15/03/2000)"
    picker.selectAll()
    keys(qtbot, picker, "zzz")
    picker.settle()
    assert picker.value() is None and picker.problem() == "Aucun bénéficiaire ne correspond à « zzz »."


def typing_dur(qtbot, picks: PickLists) -> RefPicker:
    """A beneficiary picker with « dur » typed into it."""
    picker = RefPicker(picks, "beneficiary", "Bénéficiaire")
    qtbot.addWidget(picker)
    picker.show()
    activate(qtbot, picker)  # in front, as when typing: its focus then comes now, not at some later moment
    picker.setFocus()
    keys(qtbot, picker, "dur")
    return picker


def write_anne_duriez(db) -> str:
    """A beneficiary written elsewhere (another page, an import…); the name her picker shows."""
    from erbm_desk.domain.enums import Sex
    from erbm_desk.services.records.writes import save_record

    with db.session() as s:
        save_record(s, "beneficiary", {"last_name": "DURIEZ", "first_name": "Anne", "birth_date": date(1990, 1, 2),
                                       "sex": Sex.FEMALE})
    return "DURIEZ Anne (02/01/1990)"


def test_a_picker_offers_records_created_after_it_first_loaded(qtbot, db, small_dataset):
    picks = PickLists(db)
    picker = typing_dur(qtbot, picks)
    qtbot.waitUntil(picker.completer_.popup().isVisible, timeout=TIMEOUT)
    name = write_anne_duriez(db)
    picks.invalidate()  # what the window does after every write
    picker.selectAll()
    keys(qtbot, picker, "duriez")
    qtbot.waitUntil(lambda: picker.completer_.model().stringList() == [name], timeout=TIMEOUT)


def test_a_record_written_while_the_list_was_read_is_offered(qtbot, db, small_dataset, monkeypatch):
    """The list was read just before another page wrote a record: the picker must not keep that older list."""
    import threading

    from erbm_desk.ui.records import pick_lists

    was_read, written = threading.Event(), threading.Event()
    read = pick_lists.pick_list

    def read_then_wait(session, entity):
        choices = read(session, entity)
        was_read.set()
        written.wait(TIMEOUT / 1000)  # the record is written after this read and before its result arrives
        return choices

    monkeypatch.setattr(pick_lists, "pick_list", read_then_wait)
    picks = PickLists(db)
    picker = typing_dur(qtbot, picks)
    assert was_read.wait(TIMEOUT / 1000)
    name = write_anne_duriez(db)
    picks.invalidate()  # what the window does after every write
    written.set()
    qtbot.waitUntil(lambda: name in picker.completer_.model().stringList(), timeout=TIMEOUT)
    assert picker.completer_.popup().isVisible()


def test_a_list_that_could_not_be_read_is_said_and_read_again_at_the_next_key(qtbot, db, small_dataset, monkeypatch):
    import psycopg
    from sqlalchemy.exc import OperationalError

    from erbm_desk.ui.records import pick_lists

    read = pick_lists.pick_list
    failures = [OperationalError("SELECT …", {}, psycopg.OperationalError("server closed the connection"))]

    def fails_once(session, entity):
        if failures:
            raise failures.pop()
        return read(session, entity)

    monkeypatch.setattr(pick_lists, "pick_list", fails_once)
    picker = typing_dur(qtbot, PickLists(db))
    qtbot.waitUntil(lambda: picker.problem() is not None, timeout=TIMEOUT)
    assert picker.problem() == (
        "La liste des bénéficiaires n'a pas pu être lue : le serveur de base de données ne répond pas (serveur "
        "arrêté, réseau coupé ou connexion perdue). Tapez une lettre de plus pour réessayer.")
    keys(qtbot, picker, "a")  # « dura »
    qtbot.waitUntil(picker.completer_.popup().isVisible, timeout=TIMEOUT)
    assert "DURAND Léa (15/03/2000)" in picker.completer_.model().stringList()
    assert "n'a pas pu être lue" not in (picker.problem() or "")


def test_tab_goes_from_the_search_through_the_filters_to_the_list_then_the_form(qtbot, db):
    from tests.ui.helpers import go_to, open_window, press

    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "company")
    press(qtbot, window, Qt.Key_F, Qt.ControlModifier)
    order = []
    for _ in range(8):
        press(qtbot, window, Qt.Key_Tab)
        order.append(window.focusWidget().objectName())
    assert order[:2] == ["filter_kind", "filter_epci"]
    assert order.index("table_company") < order.index("field_name") < order.index("field_siret")
