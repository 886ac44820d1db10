"""The records of a file matched with those of the base: a person whatever the case and accents of her name, a
company by its SIRET, a cité by name and commune, an operation by its title within the cité; a record « à créer »
matched by hand with a record of the base, remembered in the mapping."""

from __future__ import annotations

from datetime import date

import openpyxl
from sqlalchemy import func, select

from erbm_desk.db.models import Beneficiary, Cite, Commune, Company, Operation
from erbm_desk.domain.enums import CompanyKind, OperationNature, Phase, Sex
from erbm_desk.services.exchange.mapping.intake import Intake, analyse, apply_review
from erbm_desk.services.exchange.mapping.matches import CHOSEN, EXISTING, TO_CREATE, choose, match_rows
from erbm_desk.services.exchange.mapping.saved import list_mappings
from erbm_desk.services.records.writes import save_record
from tests.intake.conftest import indicators, review_of
from tests.intake.workbooks import SIRET_A, TOTAL_HOURS, wide_workbook


def _base_with_the_story(db) -> dict[str, int]:
    with db.session() as s:
        lens = s.scalar(select(Commune.id).where(Commune.insee_code == "62498"))
        ids = {
            "lea": save_record(s, "beneficiary", dict(last_name="Durand", first_name="Lea",
                                                      birth_date=date(2000, 3, 15), sex=Sex.FEMALE)).id,
            "piotr": save_record(s, "beneficiary", dict(last_name="NOWAK", first_name="Piotr",
                                                        birth_date=date(1996, 5, 6), sex=Sex.MALE)).id,
            "gohelle": save_record(s, "company", dict(name="Bâtiment Gohelle", siret=SIRET_A,
                                                      kind=CompanyKind.COMPANY)).id,
        }
        save_record(s, "eligibility_check", dict(beneficiary_id=ids["lea"], check_date=date(2024, 1, 8), rsa=True,
                                                 qpv=True))
        save_record(s, "eligibility_check", dict(beneficiary_id=ids["piotr"], check_date=date(2024, 2, 20),
                                                 rsa=True))
        ids["fleurs"] = save_record(s, "cite", dict(name="Cite des fleurs", commune_id=lens)).id
        ids["op"] = save_record(s, "operation", dict(name="Réhabilitation Cité des Fleurs", cite_id=ids["fleurs"],
                                                     nature=OperationNature.REHABILITATION, phase=Phase.WORKS)).id
    return ids


def test_records_of_the_base_are_found_whatever_the_spelling(tmp_path, sqlite_db):
    ids = _base_with_the_story(sqlite_db)
    intake = Intake.open(wide_workbook(tmp_path / "suivi.xlsx"))
    with sqlite_db.sessions() as s:
        analysis = analyse(s, intake)
        people = {r.label: r for r in match_rows(analysis.db, analysis.records.groups, "beneficiary")}
        companies = match_rows(analysis.db, analysis.records.groups, "company")
        cites = {r.label: r for r in match_rows(analysis.db, analysis.records.groups, "cite")}
    lea = people["DURAND Léa (15/03/2000)"]
    assert lea.status == EXISTING and lea.group.db_id == ids["lea"]  # « Durand Lea » in the base
    assert {(r.label, r.status) for r in companies} == {
        ("Bâtiment Gohelle (73282932000074)", EXISTING), ("ETTI du Bassin (35600000000048)", TO_CREATE)}
    assert cites["Cité des Fleurs, Lens (INSEE 62498)"].group.db_id == ids["fleurs"]
    piotr = people["NOWAK Piotr (05/05/1996)"]  # born the 6th in the base: another person, unless said so
    assert piotr.status == TO_CREATE
    assert piotr.candidates[0][1] == "NOWAK Piotr (06/05/1996)"


def test_a_record_matched_by_hand_is_not_created_and_keeps_the_base_identity(tmp_path, sqlite_db):
    ids = _base_with_the_story(sqlite_db)
    intake = Intake.open(wide_workbook(tmp_path / "suivi.xlsx"))
    with sqlite_db.sessions() as s:
        analysis = analyse(s, intake)
        [piotr] = [r for r in match_rows(analysis.db, analysis.records.groups, "beneficiary")
                   if r.label.startswith("NOWAK")]
    choose(intake.mapping, piotr, piotr.candidates[0][0])
    result = review_of(sqlite_db, intake)
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts["beneficiary"]["new"] == 1  # MARTIN only
    apply_review(sqlite_db, intake, result, save_as="Suivi PLIE")
    with sqlite_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 3
        assert s.get(Beneficiary, ids["piotr"]).birth_date == date(1996, 5, 6)
        assert s.scalar(select(func.count()).select_from(Operation)) == 2
        assert s.scalar(select(func.count()).select_from(Company)) == 2
        assert s.scalar(select(func.count()).select_from(Cite).where(Cite.name.ilike("%fleurs%"))) == 1
    figures = indicators(sqlite_db)
    assert figures.hours_realised == TOTAL_HOURS and (figures.people, figures.people_rsa) == (3, 2)
    # the next file of this layout proposes the same match
    with sqlite_db.sessions() as s:
        saved = [m.mapping for m in list_mappings(s)]
    again = Intake.open(wide_workbook(tmp_path / "suivi-avril.xlsx"), saved)
    with sqlite_db.sessions() as s:
        analysis = analyse(s, again)
        [piotr] = [r for r in match_rows(analysis.db, analysis.records.groups, "beneficiary")
                   if r.label.startswith("NOWAK")]
    assert piotr.status == CHOSEN and piotr.group.db_id == ids["piotr"]


def test_an_operation_is_found_by_its_title_within_its_cite_only(tmp_path, sqlite_db):
    ids = _base_with_the_story(sqlite_db)
    path = wide_workbook(tmp_path / "suivi.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["L5"] = "Cité Bellevue"  # Léa's operation title, but on another cité
    wb.active["M5"] = "Harnes"
    wb.save(path)
    with sqlite_db.sessions() as s:
        analysis = analyse(s, Intake.open(path))
        ops = {r.label: r for r in match_rows(analysis.db, analysis.records.groups, "operation")}
    assert ops["Réhabilitation Cité des Fleurs / Cité Bellevue, Harnes (INSEE 62413)"].status == TO_CREATE
    assert ops["Réhabilitation Cité des Fleurs / Cité des Fleurs, Lens (INSEE 62498)"].group.db_id == ids["op"]
