"""The demo as a base kept by the retention rule would be: a person whose path ended more than the retention
period (setting `retention.years`, 5 by default) before the day the demo is made is already anonymised — no
name nor birth date, a pseudonym, each contract's age band kept — as the administrator's « Durée de
conservation » would have left them (db/erasure.py, the one meaning of erasing). A fresh demo then greets
nobody with hundreds of people to anonymise; the figures do not change, the age bands standing in for the
birth dates. People whose path ends within the period stay named: they become due as the months pass.

The rows are changed before they are written (plain dicts of the demo's bulk insert), with the end of a path as
services/security/gdpr.due_for_retention reads it: the latest exit date, or else the end of the last contract
when none is still open."""

from __future__ import annotations

import random
from datetime import date

from erbm_desk.db.erasure import dependent_personal_columns, erasure_of


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def path_ends(contracts: list[dict], exits: list[dict]) -> dict[int, date]:
    """Person id -> the day their path ended, for the people whose path has ended."""
    last_exit: dict[int, date] = {}
    for row in exits:
        pid, day = row["beneficiary_id"], row["exit_date"]
        if day is not None and (pid not in last_exit or day > last_exit[pid]):
            last_exit[pid] = day
    last_end: dict[int, date | None] = {}
    open_: set[int] = set()
    for row in contracts:
        pid, end = row["beneficiary_id"], row["end_date"]
        if end is None:
            open_.add(pid)
        elif last_end.get(pid) is None or end > last_end[pid]:
            last_end[pid] = end
    ends = {pid: end for pid, end in last_end.items() if pid not in open_ and end is not None}
    ends.update(last_exit)  # an exit date wins over the contracts' ends
    return ends


def anonymise_past_paths(beneficiaries: list[dict], contracts: list[dict], path_rows: dict, cutoff: date,
                         seed: int) -> int:
    """Erase the identity of the people whose path ended before `cutoff`, in the rows about to be written;
    returns how many. Pseudonyms come from their own random draws (`seed`): the same demo every time."""
    exits = next((rows for model, rows in path_rows.items() if model.__tablename__ == "path_exit"), [])
    ends = path_ends(contracts, exits)
    due = {pid for pid, end in ends.items() if end < cutoff}
    if not due:
        return 0
    rng = random.Random(seed * 104_729 + 3)
    starts: dict[int, list[tuple[int, date]]] = {}
    for row in contracts:
        if row["beneficiary_id"] in due:
            starts.setdefault(row["beneficiary_id"], []).append((row["id"], row["start_date"]))
    bands: dict[int, object] = {}
    for person in beneficiaries:
        if person["id"] in due:
            erased = erasure_of(person["birth_date"], starts.get(person["id"], ()),
                                f"ANON-{rng.getrandbits(32):08X}")
            person.update(erased.beneficiary)
            bands.update(erased.contract_age_bands)
    for row in contracts:
        if row["id"] in bands:
            row["age_band"] = bands[row["id"]]
    personal = dependent_personal_columns()
    for model, rows in path_rows.items():
        for column in personal.get(model.__tablename__, ()):
            for row in rows:
                if row.get("beneficiary_id") in due and column in row:
                    row[column] = None
    return len(due)
