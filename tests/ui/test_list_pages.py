"""List pages as a user works them: search (any case, any accent), filters, sorting by a header, counts,
click-through to related records; and every table model checked by qtmodeltester."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QToolButton, QWidget

from erbm_desk.services.records.lists import ListQuery
from erbm_desk.ui.dashboard import dashboard_page
from erbm_desk.ui.records.table_model import RecordTableModel
from tests.ui.helpers import TIMEOUT, go_to, keys, open_window, press, wait_list


def search(qtbot, page, text: str) -> None:
    press(qtbot, page.window(), Qt.Key_F, Qt.ControlModifier)
    assert page.filters.search.hasFocus()
    page.filters.search.selectAll()
    keys(qtbot, page.filters.search, text)
    qtbot.waitUntil(lambda: page.filters._timer.isActive() is False and not page.model.loading, timeout=TIMEOUT)


def choose(qtbot, page, key: str, label: str) -> None:
    combo: QComboBox = page.filters.widgets[key]
    combo.setFocus()
    combo.setCurrentIndex(combo.findText(label))
    wait_list(qtbot, page)


def column(page, key: str) -> list[str]:
    i = [c.key for c in page.model.columns].index(key)
    return [row[i] for row in page.model.rows]


def double_click(qtbot, table, index) -> None:
    """What a mouse sends for a double-click: press, release, then the double-click itself."""
    pos = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.LeftButton, pos=pos)


def test_search_ignores_case_and_accents_and_the_count_follows(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    assert page.count.text() == "4 bénéficiaires"
    search(qtbot, page, "LEA")
    assert column(page, "first_name") == ["Léa"]
    assert page.count.text() == "1 bénéficiaire sur 4"
    search(qtbot, page, "kévin MARTIN")  # every word, in any order
    assert column(page, "last_name") == ["MARTIN"]
    search(qtbot, page, "personne")
    assert page.model.ids == [] and page.count.text() == "0 bénéficiaire sur 4"

    page = go_to(qtbot, window, "contract")
    search(qtbot, page, "batiment gohelle")  # the company's name, found from a contract
    assert set(column(page, "company_id")) == {"Bâtiment Gohelle"} and len(page.model.ids) == 3


def test_filters_fit_each_list(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    choose(qtbot, page, "public", "Bénéficiaires du RSA")
    assert sorted(column(page, "last_name")) == ["DURAND", "NOWAK"]
    choose(qtbot, page, "public", "Moins de 26 ans")  # at a contract's start: MARTIN turned 26 that day
    assert sorted(column(page, "last_name")) == ["DURAND", "LEROY"]

    page = go_to(qtbot, window, "operation")
    choose(qtbot, page, "phase", "En travaux")
    assert column(page, "name") == ["Réhabilitation A2"]
    choose(qtbot, page, "phase", "Phase : tous")
    choose(qtbot, page, "bailleur", "SIA Habitat")
    assert column(page, "name") == ["Études B1"]

    page = go_to(qtbot, window, "contract")
    choose(qtbot, page, "type", "Intérim")
    assert column(page, "beneficiary_id") == ["NOWAK Piotr"]
    choose(qtbot, page, "type", "Type de contrat : tous")
    month = page.filters.widgets["active"].edit
    month.setFocus()
    keys(qtbot, month, "03/2022")  # contracts running in March 2022
    qtbot.waitUntil(lambda: not page.model.loading and page.filters.value("active") == date(2022, 3, 1),
                    timeout=TIMEOUT)
    wait_list(qtbot, page)
    assert sorted(column(page, "beneficiary_id")) == ["DURAND Léa", "MARTIN Kévin"]
    assert page.count.text() == "2 contrats sur 4"
    qtbot.mouseClick(page.filters.findChild(QToolButton, "clear_filters"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(page.model.ids) == 4, timeout=TIMEOUT)


def test_clicking_a_header_sorts_in_the_database(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    header = page.table.horizontalHeader()
    birth = [c.key for c in page.model.columns].index("birth_date")
    x = header.sectionViewportPosition(birth) + header.sectionSize(birth) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: page.model.query.sort == "birth_date" and not page.model.loading, timeout=TIMEOUT)
    assert column(page, "birth_date") == ["05/05/1980", "01/02/1996", "01/06/1999", "15/03/2000"]
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: page.model.query.descending and not page.model.loading, timeout=TIMEOUT)
    assert column(page, "birth_date")[0] == "15/03/2000"


def related_lists(qtbot, window, entity: str, record_id: int, counts: tuple[int, ...]):
    """Show a record on its page; its related lists once they hold `counts` rows."""
    page = go_to(qtbot, window, entity)
    page.show_record(record_id)
    lists = page.related.lists
    qtbot.waitUntil(lambda: tuple(len(lst.model.ids) for lst in lists) == counts, timeout=TIMEOUT)
    return page, lists


def test_a_cite_shows_its_operations_and_contracts_with_a_click_through(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page, (operations, contracts) = related_lists(qtbot, window, "cite", small_dataset["cite_a"], (2, 3))
    assert page.related.tabText(0) == "Opérations (2)" and page.related.tabText(1) == "Contrats (3)"
    double_click(qtbot, operations.table, operations.model.index(1, 0))
    target = window.stack.currentWidget()
    assert target is window.page("operation")
    qtbot.waitUntil(lambda: target.form.record_id is not None, timeout=TIMEOUT)  # the record is read in a worker
    assert target.form.record_id == small_dataset["op_a2"]
    assert target.form.fields["name"].widget.text() == "Réhabilitation A2"
    assert window.sidebar.currentItem().text() == "Opérations"


def test_a_beneficiary_shows_contracts_and_hours(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    # contracts, hours, eligibility checks, exits, follow-up actions
    _page, (contracts, hours, checks, *_rest) = related_lists(qtbot, window, "beneficiary", small_dataset["p1"],
                                                              (1, 2, 1, 0, 0))
    assert checks.model.rows[0][1] == "10/01/2022"  # her check at entry (the first contract's start)
    qtbot.waitUntil(lambda: "150,25 h au total" in hours.footer.text(), timeout=TIMEOUT)
    contracts.table.setFocus()
    contracts.table.setCurrentIndex(contracts.model.index(0, 1))
    qtbot.keyClick(contracts.table, Qt.Key_Return)
    form = window.stack.currentWidget().form
    qtbot.waitUntil(lambda: form.record_id is not None, timeout=TIMEOUT)
    assert form.record_id == small_dataset["c1"]


class StubDashboard(QWidget):
    """Stands for the dashboard page (its own tests cover it): records the scopes it is asked to show."""

    def __init__(self, *_args):
        super().__init__()
        self.scopes = []

    def refresh(self) -> None:
        pass

    def set_scope(self, scope) -> None:
        self.scopes.append(scope)


def test_the_cite_page_opens_the_cite_dashboard(qtbot, db, small_dataset, monkeypatch):
    monkeypatch.setattr(dashboard_page, "DashboardPage", StubDashboard)  # the window imports it when first shown
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "cite")
    with qtbot.waitSignal(page.form.shown, timeout=TIMEOUT):
        page.show_record(small_dataset["cite_a"])
    button = page._record_buttons[0]
    assert button.text() == "Tableau de bord de la cité" and button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert window.stack.currentWidget() is window.dashboard
    assert [(s.kind, s.value) for s in window.dashboard.scopes] == [("cite", small_dataset["cite_a"])]


@pytest.mark.parametrize("entity", ["cite", "operation", "funding", "company", "beneficiary", "contract",
                                    "hours_entry"])
def test_every_table_model_passes_the_model_tester(qtbot, qtmodeltester, db, small_dataset, entity):
    model = RecordTableModel(db, ListQuery(entity))
    with qtbot.waitSignal(model.loaded, timeout=TIMEOUT):
        model.reload()
    assert model.rowCount() == len(model.ids) > 0
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.loaded, timeout=TIMEOUT):
        model.sort(1, Qt.DescendingOrder)
    qtmodeltester.check(model)


def test_a_long_list_arrives_in_chunks(qtbot, qtmodeltester, db, small_dataset, monkeypatch):
    import erbm_desk.ui.records.table_model as table_model

    monkeypatch.setattr(table_model, "CHUNK", 2)
    model = RecordTableModel(db, ListQuery("hours_entry", sort="hours"))
    with qtbot.waitSignal(model.loaded, timeout=TIMEOUT):
        model.reload()
    assert (model.rowCount(), len(model.ids)) == (2, 6) and model.canFetchMore()
    qtmodeltester.check(model)  # fetchMore included (its rows arrive from a worker)
    loaded = []
    model.ensure_loaded(5, lambda: loaded.append(True))
    qtbot.waitUntil(lambda: bool(loaded), timeout=TIMEOUT)
    assert model.rowCount() == 6 and not model.canFetchMore()
    hours = [model.data(model.index(r, 2)) for r in range(6)]
    assert hours == ["0", "35,5", "50", "100,25", "140", "151,67"]
