"""Consolidating the workbooks of several sites: union without duplicates, a change at one site since the last
exchange is taken, a change on both sides is a conflict showing both versions, and the user's choice is applied."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from erbm_desk.db.models import Beneficiary, Cite, Commune, Company, Contract, HoursEntry, Operation
from erbm_desk.domain.enums import CompanyKind, ContractType, DeliveryMethod, OperationNature, Phase, Sex
from erbm_desk.services.exchange.apply import PlanNotReady, PlanOutdated
from erbm_desk.services.exchange.model import Status
from erbm_desk.services.records.writes import save_record
from tests.fixtures import SIRET_A, SIRET_B
from tests.services.test_excel_support import export, fresh_db, import_file, indicators, plan

import pytest


def _id(s, model, **where):
    return s.scalar(select(model.id).filter_by(**where))


def add_shared(db) -> None:
    """What the comité sends every site first: a cité, an operation, a company."""
    with db.session() as s:
        lens = _id(s, Commune, insee_code="62498")
        cite = save_record(s, "cite", dict(name="Cité Partagée", commune_id=lens, homes=80))
        save_record(s, "operation", dict(name="Réhabilitation commune", cite_id=cite.id,
                                         nature=OperationNature.REHABILITATION, phase=Phase.WORKS, homes=40,
                                         start_date=date(2023, 1, 1), hours_required=Decimal("2000")))
        save_record(s, "company", dict(name="Bâtiment Gohelle", siret=SIRET_A, kind=CompanyKind.COMPANY))


def add_people(db, names: list[str], hours: Decimal, birth_year: int = 1990) -> None:
    with db.session() as s:
        op = _id(s, Operation, name="Réhabilitation commune")
        company = _id(s, Company, siret=SIRET_A)
        for i, name in enumerate(names):
            person = save_record(s, "beneficiary", dict(last_name=name, first_name="Alex",
                                                        birth_date=date(birth_year + i, 5, 5), sex=Sex.MALE))
            save_record(s, "eligibility_check", dict(beneficiary_id=person.id, check_date=date(2023, 3, 1),
                                                     rsa=i % 2 == 0))
            contract = save_record(s, "contract", dict(
                beneficiary_id=person.id, company_id=company, operation_id=op, contract_type=ContractType.CDD,
                delivery_method=DeliveryMethod.DIRECT_HIRE, start_date=date(2023, 3, 1), end_date=date(2023, 12, 31)))
            save_record(s, "hours_entry", dict(contract_id=contract.id, month=date(2023, 3, 1), hours=hours))


def set_value(db, model, name: str, **values) -> None:
    with db.session() as s:
        entity = model.__tablename__
        save_record(s, entity, values, _id(s, model, name=name))


@pytest.fixture
def sites(tmp_path):
    comite, a, b = fresh_db(tmp_path, "comite"), fresh_db(tmp_path, "site_a"), fresh_db(tmp_path, "site_b")
    add_shared(comite)
    reference = export(comite, tmp_path / "reference.xlsx", anonymous=False)
    import_file(a, reference)
    import_file(b, reference)
    add_people(a, ["ALPHA", "BRAVO"], Decimal("100"))
    add_people(b, ["CHARLIE", "DELTA", "ECHO"], Decimal("10.5"), birth_year=2001)
    with b.session() as s:  # a company B recorded by itself, also known to A: same SIRET, no identifier shared
        save_record(s, "company", dict(name="ETTI du Bassin", siret=SIRET_B, kind=CompanyKind.ETTI))
    with a.session() as s:
        save_record(s, "company", dict(name="ETTI du Bassin", siret=SIRET_B, kind=CompanyKind.ETTI))
    yield comite, a, b
    for db in (comite, a, b):
        db.close()


def count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_two_sites_merge_into_their_union(sites, tmp_path):
    comite, a, b = sites
    from_a = import_file(comite, export(a, tmp_path / "a.xlsx", organisation="PLIE A"))
    assert from_a.count(Status.CONFLICT) == 0 and from_a.count(Status.NEW) > 0
    from_b = import_file(comite, export(b, tmp_path / "b.xlsx", organisation="PLIE B"))
    assert from_b.count(Status.CONFLICT) == 0
    assert from_b.sheets["cite"].counts[Status.NEW] == 0 and from_b.sheets["operation"].counts[Status.UNCHANGED] == 1
    assert from_b.sheets["company"].counts[Status.UNCHANGED] == 2  # same SIRET twice: one company, not two
    assert count(comite, Company) == 2 and count(comite, Cite) == count(a, Cite)
    assert count(comite, Beneficiary) == 5 and count(comite, Contract) == 5 and count(comite, HoursEntry) == 5
    ind = indicators(comite)
    assert ind["people"] == 5 and ind["hours_realised"] == 231.5  # 2 × 100 + 3 × 10,5
    assert ind["people_under_26"] == 3  # born 2001-2003, contracts in 2023, anonymous bands travelled
    # importing both again changes nothing
    for name in ("a.xlsx", "b.xlsx"):
        again = plan(comite, tmp_path / name)
        assert again.writes == 0 and again.already_imported


def test_a_change_at_one_site_since_the_last_exchange_is_taken(sites, tmp_path):
    comite, a, b = sites
    import_file(comite, export(a, tmp_path / "a1.xlsx"))
    import_file(comite, export(b, tmp_path / "b1.xlsx"))
    set_value(a, Operation, "Réhabilitation commune", homes=44)
    p = import_file(comite, export(a, tmp_path / "a2.xlsx"))
    assert p.sheets["operation"].counts[Status.CHANGED] == 1 and not p.conflicts
    with comite.session() as s:
        assert s.scalar(select(Operation.homes)) == 44
    # B has not seen that change: its older value does not win back, B did not change it since
    p = import_file(comite, export(b, tmp_path / "b2.xlsx"))
    assert p.sheets["operation"].counts[Status.KEPT] == 1 and not p.conflicts
    with comite.session() as s:
        assert s.scalar(select(Operation.homes)) == 44


def test_a_change_on_both_sides_is_a_conflict_the_user_settles(sites, tmp_path):
    comite, a, b = sites
    import_file(comite, export(a, tmp_path / "a1.xlsx"))
    import_file(comite, export(b, tmp_path / "b1.xlsx"))
    set_value(comite, Operation, "Réhabilitation commune", phase=Phase.DELIVERED, delivery_date=date(2024, 6, 30))
    set_value(b, Operation, "Réhabilitation commune", homes=38)
    path = export(b, tmp_path / "b2.xlsx")
    p = plan(comite, path)
    assert p.ok and len(p.conflicts) == 1
    conflict = p.conflicts[0]
    assert conflict.sheet == "Opérations" and conflict.label.startswith("Réhabilitation commune")
    shown = {label: (here, there) for label, here, there in conflict.differences}
    assert shown["Phase"] == ("Livrée", "En travaux") and shown["Logements"] == ("40", "38")
    with pytest.raises(PlanNotReady):
        with comite.session() as s:
            from erbm_desk.services.exchange import apply_import

            apply_import(s, p)
    # the user keeps the file's version
    import_file(comite, path, choice="file")
    with comite.session() as s:
        assert s.execute(select(Operation.homes, Operation.phase)).one() == (38, Phase.WORKS)


def test_keeping_the_local_version_leaves_the_record_as_it_is(sites, tmp_path):
    comite, a, b = sites
    import_file(comite, export(a, tmp_path / "a1.xlsx"))
    set_value(comite, Cite, "Cité Partagée", homes=81)
    set_value(a, Cite, "Cité Partagée", homes=82)
    p = import_file(comite, export(a, tmp_path / "a2.xlsx"), choice="local")
    assert len(p.conflicts) == 1 and p.conflicts[0].differences == [("Logements", "81", "82")]
    with comite.session() as s:
        assert s.scalar(select(Cite.homes).where(Cite.name == "Cité Partagée")) == 81


def test_a_preview_is_refused_once_the_database_has_changed(sites, tmp_path):
    comite, a, _ = sites
    path = export(a, tmp_path / "a.xlsx")
    p = plan(comite, path)
    set_value(comite, Cite, "Cité Partagée", homes=90)
    with pytest.raises(PlanOutdated):
        with comite.session() as s:
            from erbm_desk.services.exchange import apply_import

            apply_import(s, p)
    assert count(comite, Beneficiary) == 0
