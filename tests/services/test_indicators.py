"""Indicators against the hand-built dataset of tests/fixtures.py, every number worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from erbm_desk.db.models import Contract
from erbm_desk.domain.enums import AgeBand, ContractType, DeliveryMethod, Phase, Sex
from erbm_desk.domain.reporting import delivered_in, under_26_at_start
from erbm_desk.services.period_filters import contract_active_in
from erbm_desk.services.records.writes import save_record
from erbm_desk.services.reporting.engine import report
from erbm_desk.services.reporting.indicators import Period, Scope, ScopeError, compute_indicators


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
        anon = save_record(s, "beneficiary", {"pseudonym": "B-0001", "sex": Sex.MALE})
        save_record(s, "eligibility_check", {"beneficiary_id": anon.id, "check_date": date(2023, 4, 1), "rsa": True})
        c = save_record(s, "contract", dict(beneficiary_id=anon.id, company_id=ids["co_a"], operation_id=ids["op_a2"],
                                            contract_type=ContractType.CDDI, delivery_method=DeliveryMethod.DIRECT_HIRE,
                                            start_date=date(2023, 4, 1), age_band=AgeBand.UNDER_26))
        save_record(s, "hours_entry", {"contract_id": c.id, "month": date(2023, 4, 1), "hours": Decimal("10")})
    with db.session() as s:
        ind = compute_indicators(s)
    assert (ind.people, ind.people_rsa, ind.people_under_26) == (4, 3, 2)


def test_the_groups_of_a_report_add_up_to_its_scope(db, small_dataset):
    with db.session() as s:
        r = report(s, by="cite")
        total = r.total
        for by in ("cite", "epci", "commune"):
            rows = r.grouped(by)
            for attr, expected in (("hours_realised", total.hours_realised), ("hours_required", total.hours_required),
                                   ("contracts", total.contracts), ("operations", total.operations),
                                   ("homes_planned", total.homes_planned), ("homes_in_works", total.homes_in_works),
                                   ("homes_delivered", total.homes_delivered), ("funding", total.funding_total)):
                assert sum(getattr(row, attr) for row in rows) == expected, (by, attr)
        # People are distinct persons per group: P1 (RSA, QPV, 21) and P2 (DELD, 26 at start) on Cité Test A.
        a = next(row for row in r.groups if row.id == small_dataset["cite_a"])
        assert (a.people, a.people_rsa, a.people_under_26, a.people_deld, a.people_qpv, a.people_women) == (
            2, 1, 1, 1, 1, 1)
        caph = next(row for row in r.grouped("epci") if row.epci == "CAPH")
        ind = compute_indicators(s, Scope("epci", "CAPH"))
        assert (caph.hours_realised, caph.people, caph.people_rsa, caph.contracts, caph.funding, caph.cites) == (
            ind.hours_realised, ind.people, ind.people_rsa, ind.contracts, ind.funding_total, 3)
        with pytest.raises(ValueError, match="Regroupement inconnu"):
            r.grouped("region")


def test_the_rules_of_a_period_and_of_a_person():
    feb = Period.of_month(date(2022, 2, 14))
    assert (feb.first_day, feb.last_day) == (date(2022, 2, 1), date(2022, 2, 28))
    assert feb.contains_day(date(2022, 2, 28)) and not feb.contains_day(date(2022, 3, 1))
    assert feb.overlaps(date(2022, 1, 10), None) and feb.overlaps(date(2022, 2, 28), date(2022, 5, 1))
    assert not feb.overlaps(date(2022, 3, 1), None) and not feb.overlaps(date(2021, 1, 1), date(2022, 1, 31))
    assert Period().is_whole and Period().overlaps(date(2030, 1, 1), None)
    # Homes delivered: by delivery date, over the whole programme too; an undated delivery counts nowhere (it is
    # listed among the data to complete instead).
    assert not delivered_in(Phase.DELIVERED, None, Period()) and not delivered_in(Phase.DELIVERED, None, feb)
    assert delivered_in(Phase.DELIVERED, date(2019, 5, 2), Period())
    assert delivered_in(Phase.DELIVERED, date(2022, 2, 1), feb) and not delivered_in(Phase.WORKS, date(2022, 2, 1), feb)
    # Under 26 at a contract's start: the birth date when known, else the age band typed.
    assert under_26_at_start(date(2000, 3, 15), date(2026, 3, 14), None)
    assert not under_26_at_start(date(1996, 2, 1), date(2022, 2, 1), AgeBand.UNDER_26)
    assert under_26_at_start(None, date(2023, 4, 1), AgeBand.UNDER_26) and not under_26_at_start(None, date(2023, 4, 1), None)


@pytest.mark.parametrize("period, active", [
    (Period(), "c1 c2 c3 c4"), (Period(date(2022, 2, 1), date(2022, 2, 1)), "c1 c2"), (Period(date(2023, 7, 1)), "c1 c4"),
    (Period(None, date(2022, 12, 1)), "c1 c2"), (Period(date(2022, 4, 1), date(2022, 12, 1)), "c1"),
])
def test_a_contract_active_in_a_period_is_one_rule_in_python_and_in_sql(db, small_dataset, period, active):
    with db.session() as s:
        in_sql = set(s.scalars(select(Contract.id).where(contract_active_in(period))))
        in_python = {cid for cid, start, end in s.execute(select(Contract.id, Contract.start_date, Contract.end_date))
                     if period.overlaps(start, end)}
    assert in_sql == in_python == {small_dataset[c] for c in active.split()}
