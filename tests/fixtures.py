"""A small dataset built by hand, with its indicators worked out on paper (see test_indicators.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Commune
from erbm_desk.domain.enums import CompanyKind, ContractType, DeliveryMethod, Funder, OperationNature, Phase, Sex
from erbm_desk.services.records.writes import save_record

SIRET_A = "73282932000074"  # a real, Luhn-valid SIRET
SIRET_B = "35600000000048"  # La Poste's head office


def _commune(s: Session, insee: str) -> int:
    return s.scalar(select(Commune.id).where(Commune.insee_code == insee))


def _bailleur(s: Session, name: str) -> int:
    return s.scalar(select(Bailleur.id).where(Bailleur.name == name))


def build_small_dataset(s: Session) -> dict[str, int]:
    ids: dict[str, int] = {}

    def add(key, entity, **values):
        ids[key] = save_record(s, entity, values).id

    add("cite_a", "cite", name="Cité Test A", commune_id=_commune(s, "62498"),  # Lens, CA Lens-Liévin
        bailleur_id=_bailleur(s, "Maisons & Cités"), homes=60, priority=True)
    add("cite_b", "cite", name="Cité Test B", commune_id=_commune(s, "59172"),  # Denain, CA Porte du Hainaut
        bailleur_id=_bailleur(s, "SIA Habitat"), homes=30)
    add("op_a1", "operation", name="Réhabilitation A1", cite_id=ids["cite_a"], nature=OperationNature.REHABILITATION,
        phase=Phase.DELIVERED, homes=40, start_date=date(2021, 6, 1), end_date=date(2022, 6, 30),
        delivery_date=date(2022, 6, 30), energy_before=D("320"), energy_after=D("110.5"), hours_required=D("1000"))
    add("op_a2", "operation", name="Réhabilitation A2", cite_id=ids["cite_a"], nature=OperationNature.REHABILITATION,
        phase=Phase.WORKS, homes=20, start_date=date(2023, 1, 1), hours_required=D("500.50"))
    add("op_b1", "operation", name="Études B1", cite_id=ids["cite_b"], nature=OperationNature.REHABILITATION,
        phase=Phase.STUDY, homes=30)
    add("f1", "funding", operation_id=ids["op_a1"], funder=Funder.STATE, amount=D("100000.10"))
    add("f2", "funding", operation_id=ids["op_a1"], funder=Funder.REGION, amount=D("50000"))
    add("f3", "funding", operation_id=ids["op_b1"], funder=Funder.EPCI, amount=D("25000"))
    add("co_a", "company", name="Bâtiment Gohelle", siret=SIRET_A, kind=CompanyKind.COMPANY)
    add("co_b", "company", name="ETTI du Bassin", siret=SIRET_B, kind=CompanyKind.ETTI)
    add("p1", "beneficiary", last_name="DURAND", first_name="Léa", birth_date=date(2000, 3, 15), sex=Sex.FEMALE)
    add("p2", "beneficiary", last_name="MARTIN", first_name="Kévin", birth_date=date(1996, 2, 1), sex=Sex.MALE)
    add("p3", "beneficiary", last_name="NOWAK", first_name="Piotr", birth_date=date(1980, 5, 5), sex=Sex.MALE)
    add("p4", "beneficiary", last_name="LEROY", first_name="Hugo", birth_date=date(1999, 6, 1), sex=Sex.MALE)
    # Each person's eligibility check at entry into the clause (the start of their first contract).
    for key, person, day, criteria in (("e1", "p1", date(2022, 1, 10), dict(rsa=True, qpv=True)),
                                       ("e2", "p2", date(2022, 2, 1), dict(deld=True)),
                                       ("e3", "p3", date(2023, 1, 1), dict(rsa=True, deld=True)),
                                       ("e4", "p4", date(2023, 3, 1), {})):
        add(key, "eligibility_check", beneficiary_id=ids[person], check_date=day, **criteria)
    common = dict(contract_type=ContractType.CDD, delivery_method=DeliveryMethod.DIRECT_HIRE)
    add("c1", "contract", beneficiary_id=ids["p1"], company_id=ids["co_a"], operation_id=ids["op_a1"],
        start_date=date(2022, 1, 10), **{**common, "contract_type": ContractType.CDI})
    # P2 turns 26 on the day the contract starts: not « moins de 26 ans ».
    add("c2", "contract", beneficiary_id=ids["p2"], company_id=ids["co_a"], operation_id=ids["op_a1"],
        start_date=date(2022, 2, 1), end_date=date(2022, 3, 31), **common)
    add("c3", "contract", beneficiary_id=ids["p3"], company_id=ids["co_b"], operation_id=ids["op_b1"],
        start_date=date(2023, 1, 1), end_date=date(2023, 6, 30), contract_type=ContractType.INTERIM,
        delivery_method=DeliveryMethod.ETTI)
    add("c4", "contract", beneficiary_id=ids["p4"], company_id=ids["co_a"], operation_id=ids["op_a2"],
        start_date=date(2023, 3, 1), end_date=date(2023, 9, 30), **common)
    for key, contract, month, hours in (
        ("h1", "c1", date(2022, 1, 1), D("100.25")),
        ("h2", "c1", date(2022, 2, 1), D("50")),
        ("h3", "c2", date(2022, 2, 1), D("151.67")),
        ("h4", "c2", date(2022, 3, 1), D("140")),
        ("h5", "c3", date(2023, 1, 1), D("35.5")),
        ("h6", "c3", date(2023, 2, 1), D("0")),
    ):
        add(key, "hours_entry", contract_id=ids[contract], month=month, hours=hours)
    return ids
