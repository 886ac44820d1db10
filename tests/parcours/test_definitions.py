"""Every definition of docs/indicateurs.md on the hand-built dataset of tests/parcours/dataset.py, with the numbers
worked out there: publics at entry, DETLD ⊂ DELD, hours required spread over the works months, funding by grant
date, abandoned and undated operations, contracts against people, exits and six months later, ETP, SIAE."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from erbm_desk.domain import parcours
from erbm_desk.domain.enums import AgeBand, Phase
from erbm_desk.domain.reporting import Period, Scope, required_in, works_months
from erbm_desk.services.reporting.engine import report
from erbm_desk.services.reporting.indicators import compute_indicators

H1_2025 = Period(date(2025, 1, 1), date(2025, 6, 1))
YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 1))
SOMAIN = Scope("cite", "Cité Bellevue (Somain)")
HARNES = Scope("cite", "Cité Bellevue (Harnes)")


def figures(db, scope=Scope(), period=Period()):
    with db.session() as s:
        return compute_indicators(s, scope, period)


def test_a_person_who_started_at_25_stays_young_later_and_elsewhere(db, path_dataset):
    # ALPHA started her first contract at 25 in Harnes, her second at 26 in Somain.
    assert figures(db).people_under_26 == 2  # ALPHA and DELTA (22)
    h1 = figures(db, period=H1_2025)
    assert (h1.people, h1.people_under_26) == (3, 1)  # ALPHA, GAMMA, EPSILON; ALPHA still a « jeune »
    somain = figures(db, SOMAIN, H1_2025)
    assert (somain.people, somain.people_under_26) == (3, 1)
    assert h1.sentence == ("250 heures d'insertion réalisées par 3 personnes dont 2 bénéficiaires du RSA et "
                           "1 jeune de moins de 26 ans")


def test_the_publics_are_those_of_the_check_at_entry(db, path_dataset):
    whole = figures(db)
    # RSA: ALPHA and GAMMA (whose check of 15/01/2025 no longer says RSA: it does not rewrite her entry).
    assert whole.people_rsa == 2 and figures(db, period=H1_2025).people_rsa == 2
    # DELD: BETA (DETLD only) and DELTA (a check typed ten days after his hire is his entry check).
    assert whole.people_deld == 2 and whole.people_by_public["detld"] == 1
    assert whole.people_by_public == {"rsa": 2, "under_26": 2, "deld": 2, "detld": 1, "qpv": 1, "rqth": 0,
                                      "ass_aah": 0, "low_qualification": 1, "women": 3}
    assert whole.hours_by_public == {"rsa": Decimal(730), "under_26": Decimal(610), "deld": Decimal(260),
                                     "detld": Decimal(200), "qpv": Decimal(180), "rqth": 0, "ass_aah": 0,
                                     "low_qualification": Decimal(60), "women": Decimal(750)}


def test_detld_only_counts_in_deld():
    publics = parcours.person_publics(date(1980, 1, 1), False, date(2024, 1, 10), None,
                                      [parcours.Check(date(2024, 1, 5), frozenset({"detld"}))])
    assert publics == {"deld", "detld"}


def test_the_check_at_entry_and_the_age_at_entry_rules():
    early, late = parcours.Check(date(2024, 1, 5), frozenset({"rsa"})), parcours.Check(date(2025, 1, 1), frozenset())
    assert parcours.check_at_entry([late, early], date(2024, 3, 1)) is early  # the latest on or before entry
    assert parcours.check_at_entry([late], date(2024, 3, 1)) is late  # all later: the earliest
    assert parcours.check_at_entry([], date(2024, 3, 1)) is None
    assert parcours.under_26_at_entry(date(1998, 6, 15), date(2024, 3, 1), None)  # 25
    assert not parcours.under_26_at_entry(date(1998, 6, 15), date(2024, 6, 15), None)  # 26 that day
    assert parcours.under_26_at_entry(None, date(2024, 3, 1), AgeBand.UNDER_26)  # anonymous: the first band
    assert parcours.entry_into_clause(None, date(2023, 9, 1)) == date(2023, 9, 1)
    assert parcours.six_months_after(date(2025, 8, 31)) == date(2026, 2, 28)
    assert parcours.fte(Decimal("16070")) == Decimal("10.00") and parcours.fte(Decimal("477.42")) == Decimal("0.30")


def test_a_period_rate_compares_like_with_like(db, path_dataset):
    # 2024: Réhabilitation Bellevue requires 100 h a month; the abandoned operation nothing.
    year = figures(db, period=YEAR_2024)
    assert (year.hours_realised, year.hours_required, year.hours_rate) == (Decimal(760), Decimal(1200),
                                                                           Decimal("63.3"))
    h1 = figures(db, period=H1_2025)  # only Bellevue Somain's six months of works
    assert (h1.hours_realised, h1.hours_required, h1.hours_rate) == (Decimal(250), Decimal(600), Decimal("41.7"))
    half = figures(db, period=Period(date(2024, 1, 1), date(2024, 6, 1)))
    assert half.hours_required == Decimal(600)
    whole = figures(db)
    assert (whole.hours_required, whole.hours_rate) == (Decimal(1800), Decimal("56.1"))  # 1 200 + 600, no 500


def test_hours_required_are_spread_exactly():
    months = works_months(date(2024, 1, 15), date(2024, 3, 10), None)
    assert months == (date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1))
    assert required_in(Decimal(100), Phase.WORKS, months, Period(date(2024, 1, 1), date(2024, 2, 1))) == \
        Decimal("66.66")
    assert required_in(Decimal(100), Phase.WORKS, months, Period(date(2024, 3, 1), date(2024, 3, 1))) == \
        Decimal("33.34")  # the remainder on the last month: the months add up to 100
    assert required_in(Decimal(100), Phase.ABANDONED, months, Period()) == 0
    assert required_in(Decimal(100), Phase.STUDY, None, Period()) == Decimal(100)  # undated: the whole only
    assert required_in(Decimal(100), Phase.STUDY, None, Period(date(2024, 1, 1))) == 0


def test_abandoned_and_undated_operations(db, path_dataset):
    whole = figures(db)
    assert (whole.homes_planned, whole.homes_in_works, whole.homes_delivered) == (90, 50, 30)
    assert figures(db, period=H1_2025).homes_delivered == 30 and figures(db, period=YEAR_2024).homes_delivered == 0
    assert whole.data_problems == [
        "1 opération « Livrée » sans date de livraison (« Façades sans date ») : ses logements ne sont comptés comme "
        "livrés dans aucune période.",
        "1 ligne de financement sans date d'attribution : comptée sur toute la durée du programme seulement.",
        "1 personne sans diagnostic d'éligibilité : comptée dans aucun public (RSA, DELD, QPV…).",
    ]


def test_funding_tranches_count_at_their_grant_date(db, path_dataset):
    assert figures(db).funding_by_funder == {"etat": Decimal(150000), "region": Decimal(30000)}
    assert figures(db, period=YEAR_2024).funding_by_funder == {"etat": Decimal(100000)}
    assert figures(db, period=H1_2025).funding_total == Decimal(50000)  # the second État tranche; not the undated


def test_contracts_and_people_say_which_population_they_count(db, path_dataset):
    whole = figures(db)
    assert (whole.contracts, whole.contracts_with_hours, whole.people) == (8, 7, 5)  # PHI's contract: no hour
    year = figures(db, period=YEAR_2024)
    assert (year.contracts, year.contracts_with_hours, year.people) == (5, 4, 4)
    h1 = figures(db, period=H1_2025)
    assert (h1.contracts, h1.contracts_with_hours) == (4, 3)  # DELTA's CDI runs on without hours in 2025


def test_fte_average_and_company_kinds(db, path_dataset):
    whole = figures(db)
    assert (whole.fte, whole.hours_per_person) == (Decimal("0.63"), Decimal("202.00"))  # 1 010 h ÷ 1 607; ÷ 5
    assert whole.hours_by_company_kind == {"ei": Decimal(250), "entreprise": Decimal(760)}
    assert whole.people_by_company_kind == {"ei": 2, "entreprise": 5}
    assert (whole.hours_siae, whole.siae_share) == (Decimal(250), Decimal("24.8"))
    assert figures(db, period=H1_2025).siae_share == Decimal("60.0")  # ALPHA's 150 h in the EI out of 250


def test_exits_and_the_situation_six_months_later(db, path_dataset):
    whole = figures(db)
    assert whole.exits == 3 and whole.exits_by_outcome == {"autre": 1, "emploi_durable": 1, "formation": 1}
    assert (whole.exits_positive, whole.positive_exit_rate, whole.sustainable_exit_rate) == (
        2, Decimal("66.7"), Decimal("33.3"))
    assert (whole.situations_due, whole.situations_known, whole.employment_rate_6m) == (3, 1, Decimal("100.0"))
    h1 = figures(db, period=H1_2025)  # ALPHA (emploi durable) and GAMMA (autre sortie)
    assert (h1.exits, h1.positive_exit_rate, h1.sustainable_exit_rate, h1.situations_known) == (
        2, Decimal("50.0"), Decimal("50.0"), 0)
    assert h1.employment_rate_6m is None
    assert figures(db, period=YEAR_2024).exits_by_outcome == {"formation": 1}


def test_per_cite_tallies_add_up_and_count_a_person_once_per_group(db, path_dataset):
    with db.session() as s:
        r = report(s, by="cite")
        rows = {row.id: row for row in r.groups}
        harnes, somain = rows[path_dataset["harnes"]], rows[path_dataset["somain"]]
        assert (harnes.hours_realised, harnes.people, harnes.people_under_26, harnes.exits) == (Decimal(760), 4, 2, 3)
        assert (somain.hours_realised, somain.people, somain.people_under_26, somain.exits) == (Decimal(250), 3, 1, 2)
        assert sum(row.hours_realised for row in r.groups) == r.total.hours_realised == Decimal(1010)
        assert sum(row.contracts_with_hours for row in r.groups) == r.total.contracts_with_hours == 7
        epcis = {row.epci: row for row in r.grouped("epci")}
        assert (epcis["CALL"].people, epcis["CCO"].people, r.total.people) == (4, 3, 5)  # ALPHA, GAMMA in both
        assert (epcis["CALL"].exits, epcis["CCO"].exits, r.total.exits) == (3, 2, 3)


@pytest.mark.parametrize("scope, expected", [(HARNES, (Decimal(760), 4)), (SOMAIN, (Decimal(250), 3)),
                                             (Scope("epci", "245901152"), (Decimal(250), 3))])
def test_scopes_named_by_name_commune_or_code(db, path_dataset, scope, expected):
    ind = figures(db, scope)
    assert (ind.hours_realised, ind.people) == expected
