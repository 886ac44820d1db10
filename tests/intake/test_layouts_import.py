"""Each layout people keep goes in whole, with the indicators the story of tests/intake/workbooks.py gives, and a
second import of the same file changes nothing."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import (
    Beneficiary,
    Cite,
    Company,
    Contract,
    EligibilityCheck,
    HoursEntry,
    Operation,
    PathExit,
)
from erbm_desk.domain.enums import CompanyKind, ContractType, DeliveryMethod, OperationNature, Phase, Sex
from erbm_desk.services.exchange.mapping.intake import Intake, apply_review
from erbm_desk.services.exchange.snapshot import database_token
from tests.intake.conftest import bring_in, counts, indicators, review_of
from tests.intake.workbooks import (
    SIRET_A,
    SIRET_B,
    TOTAL_HOURS,
    csv_file,
    grouped_header_workbook,
    long_workbook,
    ods_file,
    other_tool_workbook,
    school_year_workbook,
    sheet_per_month_workbook,
    wide_workbook,
)

LAYOUTS = {
    "wide-dates": lambda folder: wide_workbook(folder / "suivi.xlsx", "dates"),
    "wide-text": lambda folder: wide_workbook(folder / "suivi.xlsx", "text"),
    "wide-two-header-rows": lambda folder: grouped_header_workbook(folder / "tableau.xlsx"),
    "long": lambda folder: long_workbook(folder / "heures.xlsx"),
    "long-months-typed-as-text": lambda folder: long_workbook(folder / "heures.xlsx", "text"),
    "long-hours-typed-as-text": lambda folder: long_workbook(folder / "heures.xlsx", hours_cells="text"),
    "one-sheet-per-month": lambda folder: sheet_per_month_workbook(folder / "heures-par-mois.xlsx"),
    "other-tool": lambda folder: other_tool_workbook(folder / "export_outil.xlsx"),
    "csv-semicolon-utf8": lambda folder: csv_file(folder / "suivi.csv", ";", "utf-8"),
    "csv-comma-windows-1252": lambda folder: csv_file(folder / "suivi.csv", ",", "cp1252"),
    "csv-excel-utf8-with-bom": lambda folder: csv_file(folder / "suivi.csv", ";", "utf-8-sig"),
}


def _expected_story(db) -> None:
    ind = indicators(db)
    assert ind.hours_realised == TOTAL_HOURS  # 35,5 + 70 + 70,25 + 151,67 + 140 + 20 + 100
    assert (ind.people, ind.people_rsa, ind.people_under_26, ind.people_women) == (3, 2, 1, 1)
    assert ind.people_deld == 1 and ind.people_qpv == 1
    assert ind.contracts == 3
    assert ind.contracts_by_type == {"cddi": 1, "interim": 1, "cdd": 1}
    assert ind.contracts_by_delivery == {"embauche_directe": 2, "mad_etti": 1}
    assert ind.sentence == ("587 heures d'insertion réalisées par 3 personnes dont 2 bénéficiaires du RSA et "
                            "1 jeune de moins de 26 ans")
    with db.sessions() as s:
        lea = s.scalars(select(Beneficiary).where(Beneficiary.last_name == "DURAND")).one()
        assert (lea.first_name, lea.birth_date, lea.sex) == ("Léa", date(2000, 3, 15), Sex.FEMALE)
        # The criteria of each person's row: one eligibility check, dated at the start of their first contract
        checks = {(name, c.check_date): (c.rsa, c.qpv, c.deld) for c, name in s.execute(
            select(EligibilityCheck, Beneficiary.last_name).join(Beneficiary))}
        assert checks == {("DURAND", date(2024, 1, 15)): (True, True, False),
                          ("MARTIN", date(2024, 2, 1)): (False, False, True),
                          ("NOWAK", date(2024, 3, 1)): (True, False, False)}
        assert s.scalar(select(func.count()).select_from(PathExit)) == 0  # no exit column, no exit
        companies = {c.siret: c for c in s.scalars(select(Company))}
        assert companies[SIRET_A].kind is CompanyKind.COMPANY and companies[SIRET_B].kind is CompanyKind.ETTI
        fleurs = s.scalars(select(Cite).where(Cite.name == "Cité des Fleurs")).one()
        assert fleurs.commune.insee_code == "62498"  # « Lens »
        ops = {o.name: o for o in s.scalars(select(Operation))}
        assert ops["Réhabilitation Cité des Fleurs"].nature is OperationNature.REHABILITATION
        assert ops["Réhabilitation Cité des Fleurs"].phase is Phase.WORKS
        assert ops["Résidentialisation Cité Bellevue"].cite.commune.insee_code == "62413"  # the seeded cité
        lea_contract = s.scalars(select(Contract).where(Contract.beneficiary_id == lea.id)).one()
        assert (lea_contract.contract_type, lea_contract.delivery_method) == (ContractType.CDDI,
                                                                              DeliveryMethod.DIRECT_HIRE)
        assert (lea_contract.start_date, lea_contract.end_date) == (date(2024, 1, 15), date(2024, 6, 30))
        hours = {(h.contract_id, h.month): h.hours for h in s.scalars(select(HoursEntry))}
        assert hours[(lea_contract.id, date(2024, 1, 1))] == Decimal("35.50")  # « 35,5 »: a decimal comma


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_layout_goes_in_with_the_indicators_of_its_story(tmp_path, sqlite_db, layout):
    path = LAYOUTS[layout](tmp_path)
    _intake, result, summary = bring_in(sqlite_db, path)
    assert result.counts["beneficiary"]["new"] == 3 and result.counts["hours_entry"]["new"] == 7
    assert result.counts["cite"]["unchanged"] == 1  # Cité Bellevue (Harnes) is in the reference data
    assert result.counts["eligibility_check"]["new"] == 3  # the criteria of each person's row
    assert summary.total == 21
    _expected_story(sqlite_db)


def test_the_wide_layout_goes_in_on_both_backends(tmp_path, db):
    bring_in(db, wide_workbook(tmp_path / "suivi.xlsx"))
    _expected_story(db)


@pytest.mark.parametrize("layout", ["wide-text", "wide-two-header-rows"])  # the .ods keeps no merged cells
def test_an_ods_file_saved_by_libreoffice_goes_in_the_same_way(tmp_path, sqlite_db, layout):
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) est nécessaire pour fabriquer le fichier .ods de ce test")
    path = ods_file(LAYOUTS[layout](tmp_path), tmp_path / "ods")
    intake, _result, _summary = bring_in(sqlite_db, path)
    assert intake.book.kind == "ods"
    _expected_story(sqlite_db)


@pytest.mark.parametrize("layout", ["wide-dates", "long", "one-sheet-per-month", "other-tool",
                                    "csv-semicolon-utf8"])
def test_importing_the_same_file_again_changes_nothing(tmp_path, sqlite_db, layout):
    path = LAYOUTS[layout](tmp_path)
    intake, _result, _summary = bring_in(sqlite_db, path)
    before = counts(sqlite_db)
    with sqlite_db.sessions() as s:
        token = database_token(s)
    again = review_of(sqlite_db, Intake.open(path))
    assert again.ok and again.writes == 0
    assert all(c["new"] == 0 and c["changed"] == 0 for c in again.counts.values())
    assert apply_review(sqlite_db, intake, again).total == 0
    assert counts(sqlite_db) == before
    with sqlite_db.sessions() as s:
        assert database_token(s)[:-1] == token[:-1]  # no record added, changed or deleted
    _expected_story(sqlite_db)


def test_a_value_changed_in_the_file_is_a_change_of_that_record_only(tmp_path, sqlite_db):
    path = wide_workbook(tmp_path / "suivi.xlsx")
    bring_in(sqlite_db, path)
    wb = openpyxl.load_workbook(path)
    wb.active["W6"] = 160  # MARTIN's March hours: 140 → 160
    wb.save(path)
    intake = Intake.open(path)
    result = review_of(sqlite_db, intake)
    assert result.ok
    assert result.counts["hours_entry"]["changed"] == 1 and result.counts["hours_entry"]["unchanged"] == 6
    assert sum(c["changed"] + c["new"] for e, c in result.counts.items() if e != "hours_entry") == 0
    [change] = result.changes
    assert [d[1:] for d in change.differences] == [("140", "160")]
    assert (change.sheet, change.row) == ("Suivi 2024", 6)
    assert change.label == ("MARTIN Kévin (01/02/1980) / ETTI du Bassin (35600000000048) / début 01/02/2024 — "
                            "03/2024")
    apply_review(sqlite_db, intake, result)
    assert indicators(sqlite_db).hours_realised == TOTAL_HOURS + 20


def test_month_columns_that_run_over_the_new_year_are_of_the_next_year_after_december(tmp_path, sqlite_db):
    from erbm_desk.services.exchange.mapping.intake import analyse, review

    intake = Intake.open(school_year_workbook(tmp_path / "annee.xlsx"))
    assert intake.mapping.year is None  # « 2023-2024 »: which year the first column is, is not guessed
    intake.mapping.year = 2023  # typed by the user: the year of « Septembre »
    with sqlite_db.sessions() as s:
        analysis = analyse(s, intake)
        assert analysis.gaps == []
        result = review(s, intake, analysis)
    assert result.ok, [str(p) for p in result.problems]
    apply_review(sqlite_db, intake, result)
    _expected_story(sqlite_db)  # January to April are of 2024


def test_a_file_without_lots_leaves_the_contracts_on_their_lots(tmp_path, sqlite_db):
    """Contracts put on a lot in the base since the last import: a file that has no lot column keeps them there."""
    from erbm_desk.services.records.writes import save_record

    path = wide_workbook(tmp_path / "suivi.xlsx")
    bring_in(sqlite_db, path)
    with sqlite_db.session() as s:
        lea_contract = s.scalars(select(Contract).join(Beneficiary).where(Beneficiary.last_name == "DURAND")).one()
        marche = save_record(s, "marche", dict(operation_id=lea_contract.operation_id, reference="2024-MC-0001"))
        lot = save_record(s, "lot", dict(marche_id=marche.id, number="1", label="Gros œuvre",
                                         company_id=lea_contract.company_id))
        lot_id, contract_id = lot.id, lea_contract.id
        save_record(s, "contract", dict(lot_id=lot_id), contract_id)
    again = review_of(sqlite_db, Intake.open(path))
    assert again.ok and again.writes == 0, [c.differences for c in again.changes]
    with sqlite_db.sessions() as s:
        assert s.get(Contract, contract_id).lot_id == lot_id
