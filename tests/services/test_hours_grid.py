from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from erbm_desk.db.models import HoursEntry
from erbm_desk.services.hours.month_grid import MonthInvalid, month_rows, save_month
from erbm_desk.services.progress import Cancelled, NullProgress


def _hours(s, month):
    return dict(s.execute(select(HoursEntry.contract_id, HoursEntry.hours).where(HoursEntry.month == month)).all())


def test_month_rows_lists_every_contract_active_that_month(db, small_dataset):
    ids = small_dataset
    with db.sessions() as s:
        rows = month_rows(s, date(2022, 2, 14))  # any day means its month
        assert [(r.contract_id, r.beneficiary, r.hours) for r in rows] == [
            (ids["c1"], "DURAND Léa", D("50.00")),
            (ids["c2"], "MARTIN Kévin", D("151.67")),
        ]
        assert rows[0][2:7] == ("Bâtiment Gohelle", "Réhabilitation A1", "Cité Test A", date(2022, 1, 10), None)
        # c2 ended in March; c1 is open-ended; c4 starts in March 2023 and c3 ended in June 2023.
        assert [r.contract_id for r in month_rows(s, date(2022, 4, 1))] == [ids["c1"]]
        march = month_rows(s, date(2023, 3, 1))
        assert {r.contract_id for r in march} == {ids["c1"], ids["c3"], ids["c4"]}
        assert all(r.hours is None for r in march)
        assert [r.contract_id for r in month_rows(s, date(2023, 3, 1), company_id=ids["co_b"])] == [ids["c3"]]
        assert [r.contract_id for r in month_rows(s, date(2023, 3, 1), operation_id=ids["op_a2"])] == [ids["c4"]]
        assert month_rows(s, date(2021, 12, 1)) == []


def test_save_month_creates_updates_and_erases_in_one_go(db, small_dataset):
    ids = small_dataset
    feb = date(2022, 2, 1)
    with db.session() as s:
        written = save_month(s, feb, {ids["c1"]: None, ids["c2"]: D("12.5")})
        assert written == 2
    with db.session() as s:
        written = save_month(s, date(2023, 3, 1), {ids["c1"]: D("7"), ids["c3"]: D("0"), ids["c4"]: None})
        assert written == 2  # c4 had nothing to erase
    with db.sessions() as s:
        assert _hours(s, feb) == {ids["c2"]: D("12.50")}
        assert _hours(s, date(2023, 3, 1)) == {ids["c1"]: D("7.00"), ids["c3"]: D("0.00")}
        before = s.scalar(select(HoursEntry.updated_at).where(HoursEntry.contract_id == ids["c2"]))
    with db.session() as s:
        assert save_month(s, feb, {ids["c2"]: D("12.50")}) == 0  # unchanged: not rewritten
    with db.sessions() as s:
        assert s.scalar(select(HoursEntry.updated_at).where(HoursEntry.contract_id == ids["c2"])) == before


def test_save_month_lists_every_problem_and_writes_nothing(db, small_dataset):
    ids = small_dataset
    feb = date(2022, 2, 1)
    with db.session() as s:
        with pytest.raises(MonthInvalid) as err:
            save_month(s, date(2022, 4, 1), {
                ids["c1"]: D("10"),  # valid, yet not written either
                ids["c2"]: D("5"),  # c2 ended in March
                ids["c3"]: D("250"),  # over the maximum and outside the contract
                99999: D("1"),
            })
    problems = dict(err.value.problems)
    assert set(problems) == {ids["c2"], ids["c3"], 99999}
    assert "hors de la période du contrat" in problems[ids["c2"]]
    assert "maximum légal de 208 h" in problems[ids["c3"]]
    assert "n'existe plus" in problems[99999]
    assert "MARTIN Kévin (contrat n° " in str(err.value) and "Contrat n° 99999" in str(err.value)
    with db.session() as s:
        with pytest.raises(MonthInvalid, match="négatif"):
            save_month(s, feb, {ids["c1"]: D("-1"), ids["c2"]: None})
    with db.sessions() as s:
        assert _hours(s, date(2022, 4, 1)) == {}
        assert _hours(s, feb) == {ids["c1"]: D("50.00"), ids["c2"]: D("151.67")}


def test_cancelling_a_save_rolls_the_whole_month_back(db, small_dataset):
    ids = small_dataset

    class CancelAfterTwo(NullProgress):
        done = 0

        def advance(self, steps=1):
            self.done += steps

        def cancelled(self):
            return self.done >= 2

    with pytest.raises(Cancelled):
        with db.session() as s:
            save_month(s, date(2023, 3, 1), {ids["c1"]: D("5"), ids["c3"]: D("6"), ids["c4"]: D("7")},
                       CancelAfterTwo())
    with db.sessions() as s:
        assert _hours(s, date(2023, 3, 1)) == {}
