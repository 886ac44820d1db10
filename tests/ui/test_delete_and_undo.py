"""Deleting asks first and says what goes with the record; Édition > Annuler brings everything back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from erbm_desk.db.models import Beneficiary, Company, Contract, HoursEntry
from tests.ui.helpers import TIMEOUT, answer, field, go_to, keys, open_window, press, question, save, wait_list


def counts(db) -> tuple[int, int, int]:
    with db.sessions() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Beneficiary, Contract, HoursEntry))


def find(qtbot, page, text: str) -> None:
    """Search as a user does (Ctrl+F, type), then select the first row with the mouse."""
    press(qtbot, page.window(), Qt.Key_F, Qt.ControlModifier)
    keys(qtbot, page.filters.search, text)
    qtbot.waitUntil(lambda: len(page.model.ids) == 1 and not page.model.loading, timeout=TIMEOUT)
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.form.record_id == page.model.ids[0], timeout=TIMEOUT)


def test_delete_lists_what_goes_with_the_record_then_undo_and_redo(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    find(qtbot, page, "durand")
    before = counts(db)
    assert before == (4, 4, 6)

    qtbot.mouseClick(page.form.delete_button, Qt.LeftButton)
    box = question(qtbot, page.form)
    assert "DURAND Léa" in box.text()
    assert ("Seront aussi supprimés : 1 contrat d'insertion, 2 mois d'heures et 1 diagnostic d'éligibilité."
            in box.informativeText())
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        answer(qtbot, box, "Supprimer")
    assert counts(db) == (3, 3, 4)
    wait_list(qtbot, page)
    assert page.model.ids == [] and page.form.record_id is None
    undo = window.undo_group.undoText()
    assert undo == "la suppression de « DURAND Léa »"

    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert counts(db) == before  # the person, the contract and its months, with the same ids
    wait_list(qtbot, page)
    assert page.model.ids == [small_dataset["p1"]]
    with db.sessions() as s:
        assert s.get(Contract, small_dataset["c1"]).beneficiary_id == small_dataset["p1"]

    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_Y, Qt.ControlModifier)
    assert counts(db) == (3, 3, 4)


def test_a_cancelled_delete_deletes_nothing(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    find(qtbot, page, "martin")
    qtbot.mouseClick(page.form.delete_button, Qt.LeftButton)
    answer(qtbot, question(qtbot, page.form), "Annuler")
    assert counts(db) == (4, 4, 6)
    assert not window.undo_group.canUndo()


def test_an_edit_and_a_creation_are_undone_in_turn(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "company")
    find(qtbot, page, "gohelle")
    name = field(page, "name")
    name.selectAll()
    keys(qtbot, name, "Gohelle Rénovation")
    save(qtbot, window, page)
    assert page.model.rows[0][0] == "Gohelle Rénovation"

    press(qtbot, window, Qt.Key_N, Qt.ControlModifier)
    keys(qtbot, field(page, "name"), "Nouvelle SARL")
    field(page, "siret").setFocus()
    keys(qtbot, field(page, "siret"), "44306184100047")
    field(page, "kind").setFocus()
    keys(qtbot, field(page, "kind"), "Entreprise")
    created = save(qtbot, window, page)
    assert window.undo_group.undoText() == "la création de « Nouvelle SARL »"

    page.table.setFocus()  # in a text field, Ctrl+Z undoes the typing
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    with db.sessions() as s:
        assert s.get(Company, created) is None
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    with db.sessions() as s:
        assert s.get(Company, small_dataset["co_a"]).name == "Bâtiment Gohelle"
    page.filters.search.clear()
    qtbot.waitUntil(lambda: not page.model.loading and len(page.model.ids) == 2, timeout=TIMEOUT)
    assert sorted(row[0] for row in page.model.rows) == ["Bâtiment Gohelle", "ETTI du Bassin"]
