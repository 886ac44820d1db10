"""A person's criteria, prescriber and exit in someone's own workbook (« BRSA », « Orienté par », « Date de
sortie »…) land where the person's path keeps them: one eligibility check dated at the person's entry into the
clause (the start of their first contract) and one exit at its date — the rule a version-1 exchange workbook
follows — so the indicators count the publics at entry, and a second import changes nothing."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from erbm_desk.db.models import Beneficiary, EligibilityCheck, PathExit
from erbm_desk.domain.enums import ExitOutcome, Prescriber, Sex
from erbm_desk.services.exchange.mapping.columns import EXACT, propose_columns
from erbm_desk.services.exchange.mapping.intake import Intake, apply_review
from erbm_desk.services.exchange.mapping.value_words import SYNONYMS
from erbm_desk.services.records.writes import save_record
from tests.intake.conftest import bring_in, indicators, review_of
from tests.intake.workbooks import TOTAL_HOURS, long_workbook, wide_workbook


def _checks(db) -> dict[str, tuple]:
    with db.sessions() as s:
        return {name: (c.check_date, c.rsa, c.qpv, c.deld, c.prescriber) for c, name in s.execute(
            select(EligibilityCheck, Beneficiary.last_name).join(Beneficiary).order_by(EligibilityCheck.check_date))}


def _exits(db) -> dict[str, tuple]:
    with db.sessions() as s:
        return {name: (e.exit_date, e.outcome) for e, name in s.execute(
            select(PathExit, Beneficiary.last_name).join(Beneficiary))}


def _with_path_columns(path):
    """The long layout whose people sheet says the criteria as people write them, with the prescriber and the
    exit: DURAND left on 30/06/2024 for a CDI, NOWAK on 31/12/2024 for a training, MARTIN is still in."""
    long_workbook(path)
    wb = openpyxl.load_workbook(path)
    people = wb["Participants"]
    for col, header in zip("EFGHIJ", ("Allocataire du RSA", "Quartier prioritaire",
                                      "Demandeur d'emploi de longue durée", "Orienté par", "Date de sortie",
                                      "Situation à la sortie")):
        people[f"{col}2"] = header
    for row, (prescriber, left, outcome) in zip((3, 4, 5), (("Mission locale", "30/06/2024", "CDI"),
                                                            ("Pôle emploi", None, None),
                                                            ("PLIE", "31/12/2024", "Formation qualifiante"))):
        people[f"H{row}"], people[f"I{row}"], people[f"J{row}"] = prescriber, left, outcome
    wb.save(path)
    return path


def test_criteria_prescriber_and_exit_become_a_check_at_entry_and_an_exit(tmp_path, sqlite_db):
    path = _with_path_columns(tmp_path / "parcours.xlsx")
    intake, result, _summary = bring_in(sqlite_db, path)
    found = {c.header: c.target for c in intake.mapping.sheet("Participants").columns}
    assert found["Allocataire du RSA"] == "beneficiary.rsa" and found["Orienté par"] == "beneficiary.prescriber"
    assert found["Date de sortie"] == "beneficiary.exit_date"
    assert (result.counts["eligibility_check"]["new"], result.counts["path_exit"]["new"]) == (3, 2)
    assert _checks(sqlite_db) == {
        "DURAND": (date(2024, 1, 15), True, True, False, Prescriber.MISSION_LOCALE),  # her CDDI's start
        "MARTIN": (date(2024, 2, 1), False, False, True, Prescriber.FRANCE_TRAVAIL),
        "NOWAK": (date(2024, 3, 1), True, False, False, Prescriber.PLIE),
    }
    assert _exits(sqlite_db) == {"DURAND": (date(2024, 6, 30), ExitOutcome.SUSTAINABLE_JOB),
                                 "NOWAK": (date(2024, 12, 31), ExitOutcome.TRAINING)}
    figures = indicators(sqlite_db)
    assert (figures.people, figures.people_rsa, figures.people_deld, figures.people_qpv) == (3, 2, 1, 1)
    assert figures.hours_realised == TOTAL_HOURS

    again = review_of(sqlite_db, Intake.open(path))
    assert again.ok and again.writes == 0
    assert apply_review(sqlite_db, intake, again).total == 0


def test_a_person_the_file_names_without_her_criteria_keeps_those_of_the_base(tmp_path, sqlite_db):
    """DURAND is in the base with her diagnostic; the file lists her hours but not her among its participants:
    her check is not replaced by an empty one (she stays counted RSA and QPV)."""
    with sqlite_db.session() as s:
        lea = save_record(s, "beneficiary", dict(last_name="DURAND", first_name="Léa", birth_date=date(2000, 3, 15),
                                                 sex=Sex.FEMALE)).id
        save_record(s, "eligibility_check", dict(beneficiary_id=lea, check_date=date(2024, 1, 8), rsa=True, qpv=True,
                                                 prescriber=Prescriber.PLIE))
    path = long_workbook(tmp_path / "heures.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Participants"].delete_rows(3)  # DURAND's row; her hours remain on the « Heures » sheet
    wb.save(path)
    _intake, result, _summary = bring_in(sqlite_db, path)
    assert result.counts["eligibility_check"]["new"] == 2  # MARTIN and NOWAK, from their rows
    assert _checks(sqlite_db)["DURAND"] == (date(2024, 1, 8), True, True, False, Prescriber.PLIE)
    figures = indicators(sqlite_db)
    assert (figures.people, figures.people_rsa, figures.people_qpv, figures.people_deld) == (3, 2, 1, 1)


def test_a_file_without_criteria_columns_leaves_the_checks_of_the_base_alone(tmp_path, sqlite_db):
    bring_in(sqlite_db, wide_workbook(tmp_path / "suivi.xlsx"))
    before = _checks(sqlite_db)
    path = tmp_path / "sans-criteres.xlsx"
    wide_workbook(path)
    wb = openpyxl.load_workbook(path)
    wb.active.delete_cols(5, 3)  # « BRSA », « QPV », « DELD »
    wb.save(path)
    again = review_of(sqlite_db, Intake.open(path))
    assert again.ok and again.writes == 0
    assert _checks(sqlite_db) == before


@pytest.mark.parametrize("header, code", [
    ("BRSA", "beneficiary.rsa"), ("Allocataire du RSA", "beneficiary.rsa"), ("QPV", "beneficiary.qpv"),
    ("Habitant QPV", "beneficiary.qpv"), ("Quartier prioritaire", "beneficiary.qpv"), ("DELD", "beneficiary.deld"),
    ("Demandeur d'emploi de longue durée", "beneficiary.deld"), ("DETLD", "beneficiary.detld"),
    ("TH", "beneficiary.rqth"), ("BOETH", "beneficiary.rqth"), ("Travailleur handicapé", "beneficiary.rqth"),
    ("ASS", "beneficiary.ass_aah"), ("AAH", "beneficiary.ass_aah"),
    ("Faible qualification", "beneficiary.low_qualification"), ("Infra bac", "beneficiary.low_qualification"),
    ("Prescripteur", "beneficiary.prescriber"), ("Orienteur", "beneficiary.prescriber"),
    ("Orienté par", "beneficiary.prescriber"), ("Date de sortie", "beneficiary.exit_date"),
    ("Sortie PLIE", "beneficiary.exit_date"), ("Motif de sortie", "beneficiary.exit_outcome"),
    ("Situation à la sortie", "beneficiary.exit_outcome"),
])
def test_the_headers_people_give_their_criteria_and_exit_are_the_persons(header, code):
    [proposal] = propose_columns([(0, "Nom", "Nom"), (1, header, header)])[1:]
    assert (proposal.target, proposal.state) == (code, EXACT)


def test_in_a_sheet_of_dated_checks_or_exits_those_headers_are_the_records_own():
    headers = ["Nom", "Prénom", "Date de naissance", "Date du diagnostic", "RSA", "QPV", "Prescripteur"]
    proposals = propose_columns([(i, h, h) for i, h in enumerate(headers)])
    assert [p.target for p in proposals[3:]] == ["eligibility_check.check_date", "eligibility_check.rsa",
                                                 "eligibility_check.qpv", "eligibility_check.prescriber"]
    headers = ["Nom", "Prénom", "Date de naissance", "Date de sortie", "Motif de sortie", "Situation à 6 mois"]
    proposals = propose_columns([(i, h, h) for i, h in enumerate(headers)])
    assert [p.target for p in proposals[3:]] == ["path_exit.exit_date", "path_exit.outcome", "path_exit.situation_6m"]


@pytest.mark.parametrize("choices", list(SYNONYMS), ids=lambda c: c.__name__)
def test_every_usual_spelling_stands_for_a_choice_of_today(choices):
    """A usual spelling of a value that names a choice no longer offered would fail the import of its file."""
    for code in SYNONYMS[choices]:
        assert choices(code).label


def test_people_without_a_contract_keep_the_date_of_their_check_when_the_file_comes_back(tmp_path, sqlite_db,
                                                                                          monkeypatch):
    """A list of participants alone (no contract, no entry date): their check is dated the day of the first
    import, and the same file imported months later changes nothing."""
    from erbm_desk.services.exchange import plan

    path = long_workbook(tmp_path / "participants.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb["Heures"]
    wb.save(path)
    real_now = plan.utcnow
    monkeypatch.setattr(plan, "utcnow", lambda: real_now().replace(year=2025, month=1, day=6))
    bring_in(sqlite_db, path)
    assert {day for day, *_ in _checks(sqlite_db).values()} == {date(2025, 1, 6)}
    monkeypatch.setattr(plan, "utcnow", real_now)
    again = review_of(sqlite_db, Intake.open(path))
    assert again.ok and again.writes == 0
