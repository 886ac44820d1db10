"""A database made by the version before the person's path (tests/data/base-schema-0004.sqlite) upgrades: its
indicators whose definition did not change stay exactly those it gave (tests/data/base-schema-0004.stats.json),
the ones whose definition changed take the values written here, and the criteria and exits become dated
records without losing anything."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from erbm_desk.db.models import EligibilityCheck, PathExit
from erbm_desk.domain.reporting import Period, Scope
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.reporting.indicators import compute_indicators

DATA = Path(__file__).parents[1] / "data"
BEFORE = json.loads((DATA / "base-schema-0004.stats.json").read_text(encoding="utf-8"))
# Definitions changed by the person's path (docs/indicateurs.md, « Historique des définitions »): abandoned
# operations require nothing; a period's hours required are its months of works; funding counts at its grant
# date. On this database no person is younger than 26 at entry only, nor DETLD only: those counts stay.
AFTER = {
    "": {"hours_required": 400855, "hours_rate": 53.4},
    "--bailleur Maisons & Cités": {"hours_required": 378955, "hours_rate": 53.5},
    "--epci CALL": {"hours_required": 123150, "hours_rate": 57.4},
    "--from 2021-01 --to 2021-12": {"hours_required": 51508.83, "hours_rate": 60.7, "funding_total": 9997473.72,
                                    "funding_by_funder": {"bailleur": 1399836.48, "departement": 1165647.96,
                                                          "epci": 2873816.41, "etat": 1142448.58,
                                                          "feder": 938135.81, "region": 2477588.48}},
    "--from 2024-01": {"hours_required": 169691.22, "hours_rate": 35.0, "funding_total": 18146520.55,
                       "funding_by_funder": {"bailleur": 5067054.01, "departement": 2359645.78, "epci": 2309462.5,
                                             "etat": 3244894.81, "feder": 2555261.96, "region": 2610201.49}},
}
FLAGS = ("rsa", "deld", "detld", "rqth", "ass_aah", "low_qualification", "qpv")
NAMESPACE = uuid.UUID("3f0d1c2e-6a55-4c39-9d0e-2b8f5e0c7a11")


def _scope_and_period(options: str) -> tuple[Scope, Period]:
    words = options.split(" ", 1)
    if words[0] == "--bailleur":
        return Scope("bailleur", words[1]), Period()
    if words[0] == "--epci":
        return Scope("epci", words[1]), Period()
    parts = options.split()
    start = end = None
    for flag, value in zip(parts[::2], parts[1::2]):
        year, month = map(int, value.split("-"))
        if flag == "--from":
            start = date(year, month, 1)
        else:
            end = date(year, month, 1)
    return Scope(), Period(start, end)


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("base-0004")
    path = folder / "base.sqlite"
    shutil.copy(DATA / "base-schema-0004.sqlite", path)
    with sqlite3.connect(path) as conn:  # what the version before held, read before the upgrade
        conn.row_factory = sqlite3.Row
        people = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM beneficiary")}
        firsts = dict(conn.execute("SELECT beneficiary_id, MIN(start_date) FROM contract GROUP BY beneficiary_id"))
        abandoned = conn.execute("SELECT SUM(hours_required) FROM operation WHERE phase = 'abandonnee'").fetchone()[0]
        funding_2021 = conn.execute("SELECT SUM(amount) FROM funding WHERE granted_on BETWEEN '2021-01-01' AND "
                                    "'2021-12-31'").fetchone()[0]
    conn.close()
    db = open_database(str(path))
    yield db, people, firsts, abandoned, funding_2021
    db.close()


@pytest.mark.parametrize("options", list(BEFORE))
def test_unchanged_definitions_give_the_same_figures(upgraded, options):
    db = upgraded[0]
    scope, period = _scope_and_period(options)
    with db.session() as s:
        now = compute_indicators(s, scope, period).to_json()
    before = BEFORE[options]
    changed = AFTER[options]
    for key, value in before.items():
        if key in changed:
            assert now[key] == changed[key], (options, key, value, now[key])
        else:
            assert now[key] == value, (options, key)


def test_the_changed_figures_are_the_new_definitions(upgraded):
    db, _people, _firsts, abandoned, funding_2021 = upgraded
    # Over the whole programme: the old requirement without the abandoned operations'.
    assert AFTER[""]["hours_required"] == BEFORE[""]["hours_required"] - abandoned / 100
    # 2021: the lines granted in 2021, read straight from the file.
    assert AFTER["--from 2021-01 --to 2021-12"]["funding_total"] == funding_2021 / 100


def test_flags_became_a_check_at_entry_and_exits_records(upgraded):
    db, people, firsts, _abandoned, _funding = upgraded
    with db.session() as s:
        checks = {c.beneficiary_id: c for c in s.scalars(select(EligibilityCheck))}
        exits = {x.beneficiary_id: x for x in s.scalars(select(PathExit))}
    assert len(checks) == len(people) == 300
    for pid, person in people.items():
        check = checks[pid]
        entry = firsts.get(pid) or person["entry_date"]
        assert check.check_date.isoformat() == entry, pid  # entry into the clause: the first contract's start
        assert {f: getattr(check, f) for f in FLAGS} == {f: bool(person[f]) for f in FLAGS}, pid
        assert (check.prescriber.value if check.prescriber else None) == person["prescriber"]
        assert check.uuid == str(uuid.uuid5(NAMESPACE, f"{person['uuid']}:diagnostic"))
        if person["exit_date"] is None:
            assert pid not in exits
            continue
        left = exits[pid]
        assert left.exit_date.isoformat() == person["exit_date"]
        old = person["exit_outcome"]
        if old in ("sans_solution", "demenagement", "abandon"):
            assert (left.outcome.value, left.detail) == ("autre", {"sans_solution": "Sans solution",
                                                                   "demenagement": "Déménagement",
                                                                   "abandon": "Abandon"}[old])
        else:
            assert (left.outcome.value, left.detail) == (old, None)
    assert len(exits) == 236
