"""The list filters select the persons the indicators count: the publics at entry into the clause in SQL
(services/entry_filters.py) against the same rules in Python (domain/parcours.py), on the path's dataset."""

from __future__ import annotations

import pytest

from erbm_desk.domain.parcours import PUBLIC_CODES
from erbm_desk.services.records.lists import ListQuery, select_ids
from erbm_desk.services.parcours.person_facts import person_facts


@pytest.mark.parametrize("code", PUBLIC_CODES)
def test_the_public_filter_is_the_indicators_rule(db, path_dataset, code):
    with db.sessions() as s:
        in_sql = set(select_ids(s, ListQuery("beneficiary", filters={"public": code})))
        in_python = {pid for pid, facts in person_facts(s, None).items() if code in facts.publics}
    assert in_sql == in_python


def test_the_publics_of_the_path_dataset(db, path_dataset):
    ids = path_dataset

    def people(code):
        with db.sessions() as s:
            return {k for k in "ABCDEF" if ids[k] in set(select_ids(s, ListQuery("beneficiary",
                                                                                  filters={"public": code})))}

    assert people("under_26") == {"A", "D"}  # ALPHA at 25 on her first contract, even on her second at 26
    assert people("deld") == {"B", "D"} and people("detld") == {"B"}  # BETA: DETLD only
    assert people("rsa") == {"A", "C", "F"}  # GAMMA's later check does not remove her; PHI has no hours but a check
    with db.sessions() as s:  # a contract's public is its person's
        contracts = set(select_ids(s, ListQuery("contract", filters={"public": "under_26"})))
    assert contracts == {ids["A1"], ids["A2"], ids["D1"]}


def test_the_path_filter_tells_who_left(db, path_dataset):
    ids = path_dataset
    with db.sessions() as s:
        left = set(select_ids(s, ListQuery("beneficiary", filters={"path": "closed"})))
        staying = set(select_ids(s, ListQuery("beneficiary", filters={"path": "open"})))
    assert left == {ids["A"], ids["B"], ids["C"]} and {ids["D"], ids["E"], ids["F"]} <= staying
