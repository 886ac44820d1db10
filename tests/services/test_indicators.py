"""Indicators against the hand-built dataset of tests/fixtures.py, every number worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from erbm_desk.domain.enums import AgeBand, ContractType, DeliveryMethod, Sex
from erbm_desk.services.reporting.indicators import Period, Scope, ScopeError, compute_indicators
from erbm_desk.services.records.writes import save_record


def test_territory(db, small_dataset):
    with db.session() as s:
        ind = compute_indicators(s)
    assert ind.hours_realised == Decimal("477.42")  # 100.25 + 50 + 151.67 + 140 + 35.5 + 0
    assert ind.hours_required == Decimal("1500.50")
    assert (ind.people, ind.people_rsa, ind.people_under_26) == (3, 2, 1)  # P4 has no hours; P2 is 26 at start
    assert (ind.people_deld, ind.people_women, ind.people_qpv) == (2, 1, 1)
    assert ind.contracts == 4
    assert ind.contracts_by_type == {"cdd": 2, "cdi": 1, "interim": 1}
    assert ind.contracts_by_delivery == {"embauche_directe": 3, "mad_etti": 1}
    assert ind.operations == 3 and ind.operations_by_phase == {"etudes": 1, "livree": 1, "travaux": 1}
    assert (ind.homes_planned, ind.homes_in_works, ind.homes_delivered) == (90, 20, 40)
    assert ind.funding_total == Decimal("175000.10")
    assert ind.funding_by_funder == {"etat": Decimal("100000.10"), "region": Decimal("50000"), "epci": Decimal("25000")}
    assert ind.sentence == (
        "477 heures d'insertion réalisées par 3 personnes dont 2 bénéficiaires du RSA et 1 jeune de moins de 26 ans"
    )
    assert ind.hours_rate == Decimal("31.8")


def test_scopes(db, small_dataset):
    with db.session() as s:
        cite = compute_indicators(s, Scope("cite", "cité test a"))
        epci = compute_indicators(s, Scope("epci", "CAPH"))
        bailleur = compute_indicators(s, Scope("bailleur", "SIA Habitat"))
        operation = compute_indicators(s, Scope("operation", small_dataset["op_a1"]))
    assert (cite.hours_realised, cite.people, cite.people_under_26, cite.contracts) == (Decimal("441.92"), 2, 1, 3)
    assert (epci.hours_realised, epci.people, epci.people_rsa, epci.people_under_26) == (Decimal("35.5"), 1, 1, 0)
    assert bailleur.funding_total == Decimal("25000") and bailleur.homes_planned == 30
    assert operation.hours_required == Decimal("1000") and operation.contracts == 2


def test_period(db, small_dataset):
    with db.session() as s:
        feb = compute_indicators(s, period=Period(date(2022, 2, 1), date(2022, 2, 1)))
        summer = compute_indicators(s, period=Period(date(2022, 6, 1), date(2022, 6, 1)))
    assert feb.hours_realised == Decimal("201.67") and feb.people == 2
    assert feb.contracts == 2  # c1 (no end) and c2 overlap February 2022
    assert feb.homes_delivered == 0 and summer.homes_delivered == 40


def test_unknown_scope_says_so(db, small_dataset):
    with db.session() as s, pytest.raises(ScopeError, match="introuvable"):
        compute_indicators(s, Scope("cite", "Cité inconnue"))


def test_anonymous_person_counts_through_the_age_band(db, small_dataset):
    ids = small_dataset
    with db.session() as s:
        anon = save_record(s, "beneficiary", {"pseudonym": "B-0001", "sex": Sex.MALE, "rsa": True})
        c = save_record(s, "contract", dict(beneficiary_id=anon.id, company_id=ids["co_a"], operation_id=ids["op_a2"],
                                            contract_type=ContractType.CDDI, delivery_method=DeliveryMethod.DIRECT_HIRE,
                                            start_date=date(2023, 4, 1), age_band=AgeBand.UNDER_26))
        save_record(s, "hours_entry", {"contract_id": c.id, "month": date(2023, 4, 1), "hours": Decimal("10")})
    with db.session() as s:
        ind = compute_indicators(s)
    assert (ind.people, ind.people_rsa, ind.people_under_26) == (4, 3, 2)
