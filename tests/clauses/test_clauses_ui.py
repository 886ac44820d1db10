"""The « Suivi des clauses » page and a lot's form, driven as a facilitator would; the tables' models checked by
qtmodeltester."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal as D

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from erbm_desk.domain.clauses import ClauseStatus
from erbm_desk.services.clauses.obligations import ClauseFilter, company_lines, lot_lines
from erbm_desk.ui.clauses.clauses_models import COMPANY_COLUMNS, LOT_COLUMNS, LinesModel
from tests.clauses.dataset import AS_OF_FINISHED, AS_OF_RUNNING
from tests.ui.helpers import TIMEOUT, field, fill, go_to, new_record, open_window, press, save, type_into


def test_the_tables_models_pass_qtmodeltester(qtmodeltester, db, clauses_dataset):
    with db.session() as s:
        lots = lot_lines(s, AS_OF_RUNNING)
    for columns, rows in ((LOT_COLUMNS, lots), (COMPANY_COLUMNS, company_lines(lots, D("10")))):
        model = LinesModel(columns)
        model.set_rows(rows)
        qtmodeltester.check(model)
        model.sort(len(columns) - 1, Qt.DescendingOrder)
        qtmodeltester.check(model)


def _page(qtbot, window):
    page = go_to(qtbot, window, "clauses")
    qtbot.waitUntil(lambda: page.summary.text().startswith("au "), timeout=TIMEOUT)
    return page


def _set_date(qtbot, page, when: date):
    """Type the date into « Au », then Entrée."""
    before = page.summary.text()
    edit = page.date_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key_Delete)
    for ch in when.strftime("%d/%m/%Y"):
        qtbot.keyClick(edit, ch)
    qtbot.keyClick(edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: page.summary.text() != before and page.summary.text().startswith("au "),
                    timeout=TIMEOUT)


def _shown(page) -> list[tuple[str, ...]]:
    return [tuple(page.lots.data(page.lots.index(r, c)) for c in (0, 2, 4, 7, 8, 10, 11))
            for r in range(page.lots.rowCount())]


def test_a_facilitator_follows_the_lots_sorts_filters_and_sends_a_reminder(qtbot, db, clauses_dataset, tmp_path):
    window = open_window(qtbot, db, "clauses")
    page = _page(qtbot, window)
    _set_date(qtbot, page, AS_OF_RUNNING)
    assert page.summary.text() == ("au 31/03/2022 — 3 lots, 2 en retard, 212,99 h manquantes à date, "
                                   "2 titulaires")
    assert _shown(page) == [  # sorted by status: behind first
        ("En retard", "Bâtiment Gohelle", "Lot 1 — Gros œuvre", "833 h", "441,92 h", "625,32 h", "183,4 h"),
        ("En retard", "ETTI du Bassin", "Lot 2 — Menuiseries extérieures", "120 h", "0 h", "29,59 h", "29,59 h"),
        ("Dans les temps", "Bâtiment Gohelle", "Lot 1 — Isolation", "300 h", "0 h", "0 h", ""),
    ]
    # a click on « Manque » sorts by the hours missing
    header = page.lot_table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=header.rect().topLeft() + _section_center(header, 11))
    assert [row[6] for row in _shown(page)] == ["", "29,59 h", "183,4 h"]
    # only the titulaire « ETTI du Bassin », chosen with the keyboard in its list
    page.company_box.setFocus()
    while page.company_box.currentText() != "ETTI du Bassin (35600000000048)":
        qtbot.keyClick(page.company_box, Qt.Key_Down)
    qtbot.waitUntil(lambda: [row[1] for row in _shown(page)] == ["ETTI du Bassin"], timeout=TIMEOUT)
    assert page.summary.text().startswith("au 31/03/2022 — 1 lot, 1 en retard, 29,59 h manquantes")
    # the reminder to that company, written in a worker
    page.lot_table.selectRow(0)
    assert page.relance_button.isEnabled() and not page.attestation_button.isEnabled()  # its lot runs on
    qtbot.mouseClick(page.relance_button, Qt.LeftButton)
    dialog = _dialog(qtbot, window)
    target = tmp_path / "relance etti.pdf"
    dialog.file.edit.setText(str(target))
    with qtbot.waitSignal(window.gateway.changed, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    qtbot.waitUntil(target.exists, timeout=TIMEOUT)
    assert target.with_suffix(".xlsx").exists()  # the relevé d'heures beside it
    box = _message(qtbot, window)
    assert "Lettre de relance à ETTI du Bassin enregistrée" in box.text()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
        assert "ETTI du Bassin" in text and "Menuiseries extérieures" in text


def test_the_attestation_of_a_finished_lot_from_the_page(qtbot, db, clauses_dataset, tmp_path):
    window = open_window(qtbot, db, "clauses")
    page = _page(qtbot, window)
    _set_date(qtbot, page, AS_OF_FINISHED)
    row = next(i for i, line in enumerate(page.lots.rows) if line.label == "Gros œuvre")
    page.lot_table.selectRow(row)
    assert page.lots.rows[row].obligation.status == ClauseStatus.BEHIND
    assert page.attestation_button.isEnabled()
    qtbot.mouseClick(page.attestation_button, Qt.LeftButton)
    dialog = _dialog(qtbot, window)
    target = tmp_path / "attestation.pdf"
    dialog.file.edit.setText(str(target))
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    qtbot.waitUntil(target.exists, timeout=TIMEOUT)
    assert "Attestation du lot 1 (2021-MC-001) enregistrée" in _message(qtbot, window).text()
    # « Ouvrir le lot » goes to its form
    page.lot_table.selectRow(row)
    qtbot.mouseClick(page.open_button, Qt.LeftButton)
    lots = window.page("lot")
    qtbot.waitUntil(lambda: lots.form.record_id == clauses_dataset["l11"], timeout=TIMEOUT)


def test_a_new_lot_starts_from_the_base_defaults_and_shows_its_hours_required(qtbot, db, clauses_dataset):
    window = open_window(qtbot, db, "lot")
    page = go_to(qtbot, window, "lot")
    qtbot.waitUntil(lambda: page.defaults is not None, timeout=TIMEOUT)
    new_record(qtbot, window, page)
    assert [field(page, k).text() for k in ("labour_share", "insertion_rate", "hourly_cost")] == ["50", "5",
                                                                                                   "30,00"]
    fill(qtbot, page, {"marche_id": "2023-MC", "number": "2", "label": "Peinture", "company_id": "ETTI",
                       "amount": "1 000 000"})
    lot_id = save(qtbot, window, page)
    qtbot.waitUntil(lambda: page.standing.text().startswith("Heures exigées : 833 h"), timeout=TIMEOUT)
    assert "réalisées : 0 h (0,0 %)" in page.standing.text()
    # the formula with its figures and its rounding, the blank-free parameters being the base's defaults
    assert page.standing.text().replace("\u00a0", " ").startswith(
        "Heures exigées : 833 h (1 000 000,00 € × 50 % × 5 % ÷ 30,00 € = 833,33 h, arrondi à l'heure)")
    with db.session() as s:
        [line] = lot_lines(s, date(2024, 1, 1), ClauseFilter(lot_ids=(lot_id,)))
    assert line.obligation.required == D("833") and line.company == "ETTI du Bassin"
    # a value the clause refuses is said under its field, and nothing is saved
    rate = field(page, "insertion_rate")
    rate.selectAll()
    type_into(qtbot, rate, "500")
    press(qtbot, window, Qt.Key_Tab)
    assert page.form.error_text("insertion_rate") == "Le taux d'insertion est un pourcentage : 100 au plus."
    press(qtbot, window, Qt.Key_Escape)


def test_the_months_of_the_lot_clicked_realised_cumulated_and_expected(qtbot, qtmodeltester, db, clauses_dataset):
    window = open_window(qtbot, db, "clauses")
    page = _page(qtbot, window)
    _set_date(qtbot, page, AS_OF_RUNNING)
    assert page.months.rowCount() == 0 and "choisissez un lot" in page.month_title.text()
    table = page.lot_table
    row = next(i for i, line in enumerate(page.lots.rows) if line.label == "Gros œuvre")
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualRect(page.lots.index(row, 4)).center())
    assert page.month_title.text() == ("Heures mois par mois — Lot 1 — Gros œuvre (2021-MC-001), Bâtiment Gohelle : "
                                       "441,92 h réalisées au 31/03/2022")
    months = page.months
    shown = [tuple(months.data(months.index(r, c)) for c in range(5)) for r in range(months.rowCount())]
    assert shown[0] == ("07/2021", "0 h", "0 h", "70,75 h", "− 70,75 h")  # the works start, nothing done
    assert shown[-3:] == [("01/2022", "100,25 h", "100,25 h", "490,67 h", "− 390,42 h"),
                          ("02/2022", "201,67 h", "301,92 h", "554,57 h", "− 252,65 h"),
                          ("03/2022", "140 h", "441,92 h", "625,32 h", "− 183,4 h")]
    assert len(shown) == 9
    assert months.data(months.index(8, 4), Qt.ForegroundRole).name() == "#b5533c"  # behind: in red
    qtmodeltester.check(months)
    # the keyboard moves to the next lot: its months follow
    table.setFocus()
    qtbot.keyClick(table, Qt.Key_Down)
    assert page.month_title.text().startswith("Heures mois par mois — " + page.lots.rows[row + 1].title)
    # on the titulaires' tab, a company's lots added up
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(1).center())
    companies = page.company_table
    gohelle = next(i for i, c in enumerate(page.companies.rows) if c.name == "Bâtiment Gohelle")
    qtbot.mouseClick(companies.viewport(), Qt.LeftButton,
                     pos=companies.visualRect(page.companies.index(gohelle, 1)).center())
    assert page.month_title.text() == ("Heures mois par mois — Bâtiment Gohelle, 2 lots : 441,92 h réalisées au "
                                       "31/03/2022")
    # a company's sums (tens of thousands of hours, as on the demo) show whole, not cut with « … »
    headers = [column[0] for column in page.companies.columns]
    for header in ("Exigées", "Réalisées", "Attendues", "Manque"):
        assert companies.fontMetrics().horizontalAdvance("17\u00a0310,39 h") + 8 <= companies.columnWidth(
            headers.index(header)), header
    last = months.rowCount() - 1
    assert tuple(months.data(months.index(last, c)) for c in range(5)) == (
        "03/2022", "140 h", "441,92 h", "625,32 h", "− 183,4 h")  # « Isolation » not begun: nothing expected


def test_the_base_defaults_and_tolerance_changed_from_the_page(qtbot, db, clauses_dataset):
    from erbm_desk.services.clauses.parameters import clause_defaults
    from erbm_desk.ui.clauses.settings_dialog import ClauseSettingsDialog

    window = open_window(qtbot, db, "clauses")
    page = _page(qtbot, window)
    _set_date(qtbot, page, AS_OF_RUNNING)
    assert page.summary.text().startswith("au 31/03/2022 — 3 lots, 2 en retard")
    qtbot.mouseClick(page.settings_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ClauseSettingsDialog)), timeout=TIMEOUT)
    dialog = next(d for d in window.findChildren(ClauseSettingsDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=TIMEOUT)
    assert [dialog.edits[k].text() for k in ("labour_share", "insertion_rate", "hourly_cost", "tolerance")] == [
        "50", "5", "30", "10"]

    def type_in(name: str, text: str) -> None:
        edit = dialog.edits[name]
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, text)

    # a tolerance beyond 100 % is refused, said in the dialog, and nothing is stored
    type_in("tolerance", "150")
    type_in("hourly_cost", "24")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() == "Tolérance : entre 0 et 100.", timeout=TIMEOUT)
    assert dialog.isVisible()
    with db.session() as s:
        assert clause_defaults(s).hourly_cost == D("30")
    # 30 %: the « Gros œuvre » lot's 441,92 h are within 625,32 h − 30 %; the « Isolation » lot, left to the
    # defaults, now requires 360 000 € × 50 % × 5 % ÷ 24 € = 375 h
    type_in("tolerance", "30")
    qtbot.keyClick(dialog.edits["tolerance"], Qt.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: page.summary.text().startswith("au 31/03/2022 — 3 lots, 1 en retard"), timeout=TIMEOUT)
    assert _shown(page)[:2] == [
        ("En retard", "ETTI du Bassin", "Lot 2 — Menuiseries extérieures", "120 h", "0 h", "29,59 h", "29,59 h"),
        ("Dans les temps", "Bâtiment Gohelle", "Lot 1 — Gros œuvre", "833 h", "441,92 h", "625,32 h", "183,4 h"),
    ]
    assert _shown(page)[2][2:4] == ("Lot 1 — Isolation", "375 h")
    with db.session() as s:
        defaults = clause_defaults(s)
    assert (defaults.hourly_cost, defaults.tolerance, defaults.labour_share) == (D("24"), D("30"), D("50"))


def test_a_facilitator_reads_the_clause_settings_but_cannot_change_them(qtbot, db, clauses_dataset):
    from erbm_desk.services.security.authz import Role
    from erbm_desk.ui.clauses.settings_dialog import ClauseSettingsDialog
    from tests.security.helpers import make_accounts, sign_in_as

    make_accounts(db)
    sign_in_as(db, Role.FACILITATOR)
    window = open_window(qtbot, db, "clauses")
    page = _page(qtbot, window)
    qtbot.mouseClick(page.settings_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ClauseSettingsDialog)), timeout=TIMEOUT)
    dialog = next(d for d in window.findChildren(ClauseSettingsDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.edits["tolerance"].text() == "10", timeout=TIMEOUT)
    assert not dialog.save_button.isEnabled() and not dialog.edits["tolerance"].isEnabled()
    assert dialog.error.text() == "Votre rôle permet de consulter ces réglages, pas de les modifier."
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert not dialog.isVisible()


def _section_center(header, section: int):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)


def _dialog(qtbot, window):
    from erbm_desk.ui.clauses.document_dialogs import DocumentDialog

    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DocumentDialog)), timeout=TIMEOUT)
    return next(d for d in window.findChildren(DocumentDialog) if d.isVisible())


def _message(qtbot, window) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.isVisible() and b.objectName() == "clause_message"
                                for b in window.findChildren(QMessageBox)), timeout=TIMEOUT)
    return next(b for b in window.findChildren(QMessageBox) if b.isVisible() and b.objectName() == "clause_message")
