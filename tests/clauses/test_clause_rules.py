"""The clause rules of domain/clauses.py, figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from erbm_desk.domain.clauses import (
    ClauseDefaults,
    ClauseStatus,
    ClauseTerms,
    combined,
    elapsed_share,
    hours_expected,
    hours_required,
    lot_obligation,
    penalty,
    shortfall,
    status,
)


def test_the_issue_example_gives_833_hours():
    terms = ClauseTerms(amount=D("1000000"), labour_share=D("50"), insertion_rate=D("5"), hourly_cost=D("30"))
    assert hours_required(terms) == D("833.00")  # 833,33 rounded to the whole hour


def test_half_an_hour_rounds_up_and_less_rounds_down():
    # 1 000 200 € × 2,5 % ÷ 30 € = 833,5 h → 834 h; 1 000 199 € → 833,49… h → 833 h
    assert hours_required(ClauseTerms(amount=D("1000200"))) == D("834")
    assert hours_required(ClauseTerms(amount=D("1000199"))) == D("833")


def test_blank_parameters_take_the_base_defaults():
    defaults = ClauseDefaults(labour_share=D("40"), insertion_rate=D("7"), hourly_cost=D("28"))
    # 500 000 € × 40 % × 7 % ÷ 28 € = 500 h
    assert hours_required(ClauseTerms(amount=D("500000")), defaults) == D("500")
    # the lot's own share wins: 500 000 × 60 % × 7 % ÷ 28 = 750 h
    assert hours_required(ClauseTerms(amount=D("500000"), labour_share=D("60")), defaults) == D("750")


def test_hours_stated_by_the_marche_replace_the_formula():
    assert hours_required(ClauseTerms(amount=D("1000000"), hours_stated=D("1200.5"))) == D("1200.50")
    assert hours_required(ClauseTerms(hours_stated=D("35"))) == D("35")


def test_no_amount_and_no_stated_hours_require_nothing_known():
    assert hours_required(ClauseTerms()) is None
    assert hours_required(ClauseTerms(amount=D("1000"), hourly_cost=D("0"))) is None


def test_elapsed_share_counts_days_inclusively_and_stays_between_0_and_1():
    start, end = date(2021, 7, 1), date(2022, 6, 30)
    assert elapsed_share(start, end, date(2021, 6, 30)) == 0
    assert elapsed_share(start, end, date(2021, 7, 1)) == D(1) / D(365)
    assert elapsed_share(start, end, date(2022, 3, 31)) == D(274) / D(365)
    assert elapsed_share(start, end, date(2022, 6, 30)) == 1
    assert elapsed_share(start, end, date(2030, 1, 1)) == 1
    assert elapsed_share(None, end, date(2022, 1, 1)) is None


def test_expected_to_date_is_required_times_elapsed_share_to_the_hundredth():
    assert hours_expected(D("833"), D(274) / D(365)) == D("625.32")
    assert hours_expected(None, D("0.5")) is None


def test_status_with_a_tolerance_of_ten_percent():
    tolerance = D("10")
    assert status(D("89.99"), D("100"), tolerance) == ClauseStatus.BEHIND
    assert status(D("90"), D("100"), tolerance) == ClauseStatus.ON_TRACK
    assert status(D("110"), D("100"), tolerance) == ClauseStatus.ON_TRACK
    assert status(D("110.01"), D("100"), tolerance) == ClauseStatus.AHEAD
    assert status(D("0"), D("0"), tolerance) == ClauseStatus.ON_TRACK  # works not started, nothing done
    assert status(D("5"), D("0"), tolerance) == ClauseStatus.AHEAD
    assert status(D("5"), None, tolerance) is None


def test_shortfall_and_penalty():
    assert shortfall(D("441.92"), D("833")) == D("391.08")
    assert shortfall(D("900"), D("833")) == 0
    assert penalty(D("391.08"), D("50")) == D("19554.00")
    assert penalty(D("391.08"), None) is None


def test_a_finished_lot_with_a_shortfall_implies_its_penalty():
    terms = ClauseTerms(amount=D("1000000"), labour_share=D("50"), insertion_rate=D("5"), hourly_cost=D("30"),
                        penalty_per_hour=D("50"))
    ob = lot_obligation(terms, ClauseDefaults(), date(2021, 7, 1), date(2022, 6, 30), D("441.92"), date(2022, 12, 31))
    assert (ob.required, ob.expected, ob.status, ob.shortfall, ob.finished) == (
        D("833"), D("833"), ClauseStatus.BEHIND, D("391.08"), True)
    assert ob.rate == D("53.1") and ob.remaining == D("391.08")


def test_a_company_sums_its_lots_and_is_behind_when_one_of_them_is():
    a = lot_obligation(ClauseTerms(hours_stated=D("100")), ClauseDefaults(), date(2022, 1, 1), date(2022, 12, 31),
                       D("0"), date(2023, 1, 1))
    b = lot_obligation(ClauseTerms(hours_stated=D("300")), ClauseDefaults(), date(2022, 1, 1), date(2022, 12, 31),
                       D("390"), date(2023, 1, 1))
    both = combined([a, b], D("10"))
    assert (both.required, both.realised, both.expected, both.shortfall) == (D("400"), D("390"), D("400"), D("100"))
    assert both.status == ClauseStatus.BEHIND  # lot a is behind, though 390 ≥ 400 − 10 % on the sums
    c = lot_obligation(ClauseTerms(hours_stated=D("100")), ClauseDefaults(), date(2022, 1, 1), date(2022, 12, 31),
                       D("200"), date(2023, 1, 1))
    assert combined([b, c], D("10")).status == ClauseStatus.AHEAD  # 590 h for 400: the status of the sums
