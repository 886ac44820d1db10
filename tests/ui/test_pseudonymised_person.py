"""A person who came from an anonymous exchange workbook is known by a pseudonym and an age band, never by a
name or a birth date: the list shows that pseudonym and band instead of a blank row, and the form neither
demands the name nor the birth date the file never had, nor marks them as missing."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from erbm_desk.db.models import Beneficiary, Contract
from erbm_desk.domain.enums import AgeBand, ContractType, DeliveryMethod, Sex
from tests.ui.helpers import TIMEOUT, go_to, open_window, save, type_into

PSEUDONYM = "B-4A6F69F1DAB8"


def _anonymous_person(db, small_dataset) -> int:
    """As an anonymous import writes it: no name nor birth date, a pseudonym, the age band on the contract."""
    with db.session() as s:
        person = Beneficiary(pseudonym=PSEUDONYM, sex=Sex.FEMALE)
        s.add(person)
        s.flush()
        s.add(Contract(beneficiary_id=person.id, company_id=small_dataset["co_a"],
                       operation_id=small_dataset["op_a2"], contract_type=ContractType.CDD,
                       delivery_method=DeliveryMethod.DIRECT_HIRE, start_date=date(2023, 4, 3),
                       age_band=AgeBand.UNDER_26))
        s.commit()
        return person.id


def _click_row(qtbot, page, record_id: int) -> None:
    row = page.model.ids.index(record_id)
    rect = page.table.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.form.record_id == record_id, timeout=TIMEOUT)


def _cell(page, record_id: int, key: str) -> str:
    row = page.model.ids.index(record_id)
    column = [c.key for c in page.model.columns].index(key)
    return page.model.index(row, column).data(Qt.DisplayRole)


def test_a_pseudonymised_person_is_listed_by_pseudonym_and_age_band(qtbot, db, small_dataset):
    person = _anonymous_person(db, small_dataset)
    window = open_window(qtbot, db, start="cite")
    page = go_to(qtbot, window, "beneficiary")
    assert _cell(page, person, "last_name") == PSEUDONYM
    assert _cell(page, person, "birth_date") == "Moins de 26 ans"
    # A named person keeps their own name and birth date.
    assert _cell(page, small_dataset["p1"], "last_name") == "DURAND"
    assert _cell(page, small_dataset["p1"], "birth_date") == "15/03/2000"

    search = page.filters.search
    type_into(qtbot, search, "4a6f69")  # found by the pseudonym, as by a name
    qtbot.waitUntil(lambda: not page.model.loading and page.model.ids == [person], timeout=TIMEOUT)


def test_a_pseudonymised_person_is_saved_without_a_name_being_asked_for(qtbot, db, small_dataset):
    person = _anonymous_person(db, small_dataset)
    window = open_window(qtbot, db, start="cite")
    page = go_to(qtbot, window, "beneficiary")
    _click_row(qtbot, page, person)
    form = page.form
    assert PSEUDONYM in form.title.text()
    assert "Moins de 26 ans" in form.stand_in_note.text()
    assert form.stand_in_note.isVisible()
    for key in ("last_name", "first_name", "birth_date"):  # not starred as required for this person
        assert not form.findChild(QLabel, f"label_{key}").text().endswith("*")

    type_into(qtbot, form.fields["entry_date"].widget, "03/04/2023")
    assert save(qtbot, window, page) == person
    with db.session() as s:
        saved = s.get(Beneficiary, person)
        assert (saved.entry_date, saved.pseudonym, saved.last_name, saved.birth_date) == \
            (date(2023, 4, 3), PSEUDONYM, None, None)

    # A named person still has to have a name: the stars and the rule come back with them.
    _click_row(qtbot, page, small_dataset["p1"])
    assert not form.stand_in_note.isVisible()
    assert form.findChild(QLabel, "label_last_name").text().endswith("*")
