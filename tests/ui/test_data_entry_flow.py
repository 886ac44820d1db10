"""From an empty database to three months of hours, through the window only: keyboard, pick lists, Ctrl+S."""

from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QLineEdit

from erbm_desk.services.reporting.indicators import compute_indicators
from erbm_desk.ui.records.related_panel import RecordDialog
from tests.fixtures import SIRET_A
from tests.ui.helpers import TIMEOUT, field, fill, go_to, keys, new_record, open_window, press, save, type_into

HAS_HOURS_PAGE = importlib.util.find_spec("erbm_desk.ui.hours.hours_page") is not None
MONTHS = ((date(2024, 1, 1), "151,67"), (date(2024, 2, 1), "140"), (date(2024, 3, 1), "35,5"))
TOTAL = Decimal("327.17")


def shown_row(page, record_id: int) -> tuple[str, ...]:
    """The list's row of a record (the page selects the record it has just saved)."""
    row = page.model.row_of(record_id)
    assert row >= 0 and page.table.currentIndex().row() == row
    return page.model.rows[row]


def record_cite(qtbot, window) -> int:
    page = go_to(qtbot, window, "cite")
    known = len(page.model.ids)  # the cités shipped with the reference data
    new_record(qtbot, window, page)
    fill(qtbot, page, {"name": "Cité des Essais", "commune_id": "Lens", "bailleur_id": "maisons", "homes": "120"})
    assert field(page, "commune_id").text() == "Lens (INSEE 62498)"  # a code INSEE, never taken for a postcode
    cite_id = save(qtbot, window, page)
    assert page.count.text() == f"{known + 1} cités"
    assert shown_row(page, cite_id)[:4] == ("Cité des Essais", "Lens", "Maisons & Cités", "120")
    return cite_id


def record_operation(qtbot, window) -> None:
    page = go_to(qtbot, window, "operation")
    new_record(qtbot, window, page)
    fill(qtbot, page, {
        "name": "Réhabilitation des Essais",
        "cite_id": "essais",  # any case, no accent needed
        "nature": "Réhabilitation",
        "phase": "En",  # keyboard search in the list (a space would open it)
        "start_date": "01/01/2024",
        "hours_required": "1 000,5",
    })
    row = shown_row(page, save(qtbot, window, page))
    assert row[:4] == ("Réhabilitation des Essais", "Cité des Essais", "Réhabilitation", "En travaux")
    assert "01/01/2024" in row and "1\u00a0000,5" in row


def record_company_after_a_bad_siret(qtbot, window) -> None:
    page = go_to(qtbot, window, "company")
    new_record(qtbot, window, page)
    type_into(qtbot, field(page, "name"), "Bâtiment des Essais")
    siret = field(page, "siret")
    type_into(qtbot, siret, "123")
    assert page.form.error_text("siret") == "Le SIRET doit compter 14 chiffres."
    keys(qtbot, siret, "45678901234")
    assert "clé de contrôle (son dernier chiffre)" in page.form.error_text("siret")
    type_into(qtbot, field(page, "kind"), "Entreprise")
    press(qtbot, window, Qt.Key_S, Qt.ControlModifier)  # refused before anything is written
    assert "Corrigez les champs signalés" in page.form.banner.text()
    assert QApplication.focusWidget() is siret
    assert page.form.record_id is None and page.model.ids == []
    siret.selectAll()
    keys(qtbot, siret, SIRET_A)
    assert page.form.error_text("siret") == ""
    assert shown_row(page, save(qtbot, window, page))[:3] == ("Bâtiment des Essais", SIRET_A, "Entreprise")


def record_beneficiary(qtbot, window) -> None:
    page = go_to(qtbot, window, "beneficiary")
    new_record(qtbot, window, page)
    fill(qtbot, page, {"last_name": "DUPONT", "first_name": "Léa", "birth_date": "15/03/2000", "sex": "Femme"})
    assert shown_row(page, save(qtbot, window, page))[:4] == ("DUPONT", "Léa", "15/03/2000", "Femme")
    # Her criteria: a dated eligibility check, added under her record (the « Éligibilité » tab).
    checks = next(lst for lst in page.related.lists if lst.entity == "eligibility_check")
    page.related.setCurrentWidget(checks)
    qtbot.waitUntil(checks.add_button.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(checks.add_button, Qt.LeftButton)
    dialog = next(d for d in checks.findChildren(RecordDialog) if d.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT)
    fill(qtbot, dialog, {"check_date": "01/01/2024", "rsa": "oui"})
    problems = {k: dialog.form.error_text(k) for k in dialog.form.fields if dialog.form.error_text(k)}
    assert not problems, problems
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: len(checks.model.rows) == 1, timeout=TIMEOUT)
    assert checks.model.rows[0][1:3] == ("01/01/2024", "Oui")  # date, then « Bénéficiaire du RSA »


def record_contract(qtbot, window) -> int:
    page = go_to(qtbot, window, "contract")
    new_record(qtbot, window, page)
    fill(qtbot, page, {
        "beneficiary_id": "dupont lea",
        "company_id": "essais",
        "operation_id": "rehabilitation essais",
        "contract_type": "CDD",
        "delivery_method": "Embauche",
        "start_date": "01/01/2024",
        "end_date": "30/06/2024",
    })
    contract_id = save(qtbot, window, page)
    assert shown_row(page, contract_id)[:7] == (  # no lot chosen: the contract counts for the operation only
        "DUPONT Léa", "Bâtiment des Essais", "Réhabilitation des Essais · Cité des Essais", "", "CDD",
        "Embauche directe", "01/01/2024",
    )
    return contract_id


def type_hours_in_grid(qtbot, page, text: str) -> None:
    table = page.table
    table.setFocus()
    qtbot.keyClicks(table, text[0])  # the first key opens the cell's editor
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    keys(qtbot, editor, text[1:])
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState)


def hours_through_the_hours_page(qtbot, window) -> None:
    page = go_to(qtbot, window, "hours")
    page.go_to_month(MONTHS[0][0])
    for i, (_month, text) in enumerate(MONTHS):
        if i:
            qtbot.mouseClick(page.next, Qt.LeftButton)  # the month after
        qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)  # the month is read in a worker
        assert page.model.rowCount() == 1  # the one contract active that month
        page.table.setCurrentIndex(page.model.index(0, page.table.currentIndex().column()))
        type_hours_in_grid(qtbot, page, text)
        with qtbot.waitSignal(page.changed, timeout=TIMEOUT):
            press(qtbot, window, Qt.Key_S, Qt.ControlModifier)


def hours_through_the_contract(qtbot, window, contract_id: int) -> None:
    page = go_to(qtbot, window, "contract")
    page.show_record(contract_id)
    months = page.related.lists[0]
    for month, text in MONTHS:
        qtbot.mouseClick(months.add_button, Qt.LeftButton)
        dialog = next(d for d in months.findChildren(RecordDialog) if d.isVisible())
        form = dialog.form
        if form.fields["month"].widget.value() != month:  # the month after the last one is proposed
            type_into(qtbot, form.fields["month"].widget, f"{month:%m/%Y}")
        type_into(qtbot, form.fields["hours"].widget, text)
        with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
            press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)


def test_from_an_empty_database_to_three_months_of_hours_found_in_the_indicators(qtbot, db):
    window = open_window(qtbot, db)
    record_cite(qtbot, window)
    record_operation(qtbot, window)
    record_company_after_a_bad_siret(qtbot, window)
    record_beneficiary(qtbot, window)
    contract_id = record_contract(qtbot, window)
    if HAS_HOURS_PAGE:
        hours_through_the_hours_page(qtbot, window)
    else:
        hours_through_the_contract(qtbot, window, contract_id)

    with db.sessions() as s:
        indicators = compute_indicators(s)
    assert indicators.hours_realised == TOTAL
    assert (indicators.people, indicators.people_rsa, indicators.people_under_26) == (1, 1, 1)
    sentence = ("327 heures d'insertion réalisées par 1 personne dont 1 bénéficiaire du RSA "
                "et 1 jeune de moins de 26 ans")
    dashboard = window.dashboard
    charts = []  # a dashboard that draws its charts after the figures: wait for them before leaving
    if hasattr(dashboard, "charts_ready"):
        dashboard.charts_ready.connect(lambda: charts.append(True))
    go_to(qtbot, window, "dashboard")
    qtbot.waitUntil(lambda: any(sentence in label.text() for label in dashboard.findChildren(QLabel)),
                    timeout=TIMEOUT)
    if hasattr(dashboard, "charts_ready"):
        qtbot.waitUntil(lambda: bool(charts), timeout=3 * TIMEOUT)
    qtbot.waitUntil(lambda: "3 mois d'heures" in window.counts_label.text(), timeout=TIMEOUT)
    assert "1 bénéficiaire, 1 contrat" in window.windowTitle()

    # the contract's months, as the contract page shows them
    page = go_to(qtbot, window, "contract")
    page.show_record(contract_id)
    months = page.related.lists[0]
    qtbot.waitUntil(lambda: "327,17 h" in months.footer.text(), timeout=TIMEOUT)
    assert [row[1:] for row in months.model.rows] == [("01/2024", "151,67"), ("02/2024", "140"), ("03/2024", "35,5")]


def test_months_of_hours_typed_from_the_contract_page(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    # c3 (NOWAK, 01/2023–06/2023) has January and February: the next month is proposed
    hours_through_the_contract_month = small_dataset["c3"]
    page = go_to(qtbot, window, "contract")
    page.show_record(hours_through_the_contract_month)
    months = page.related.lists[0]
    qtbot.waitUntil(lambda: len(months.model.rows) == 2, timeout=TIMEOUT)
    qtbot.mouseClick(months.add_button, Qt.LeftButton)
    dialog = next(d for d in months.findChildren(RecordDialog) if d.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT)
    assert dialog.form.fields["month"].widget.value() == date(2023, 3, 1)
    hours = dialog.form.fields["hours"].widget
    type_into(qtbot, hours, "250")
    assert "maximum légal de 208 h" in dialog.form.error_text("hours")
    hours.selectAll()
    keys(qtbot, hours, "70,25")
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: [r[1:] for r in months.model.rows][-1:] == [("03/2023", "70,25")], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "3 mois · 105,75 h au total" in months.footer.text(), timeout=TIMEOUT)
