"""Every list filter declared in the entity descriptions selects, in SQL, what its declaration says.

The SQL built from each `ListFilter` is compared with the same declaration read in plain Python over the
loaded records, for every value a user can pick, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from erbm_desk.db.models import MODELS
from erbm_desk.domain import rules
from erbm_desk.domain.entities import ALL_SPECS, SPECS, FilterKind, Match
from erbm_desk.services.records.lists import ListQuery, select_ids
from erbm_desk.services.parcours.person_facts import person_facts


def _follow(session, entity: str, obj, steps: tuple[str, ...]):
    """The value at the end of a path of references, read record by record (None when a link is empty)."""
    for step in steps[:-1]:
        ref_id = getattr(obj, step)
        if ref_id is None:
            return None
        entity = ALL_SPECS[entity].column(step).ref
        obj = session.get(MODELS[entity], ref_id)
    return getattr(obj, steps[-1])


def _expected(session, entity: str, f, value) -> set[int]:
    found = set()
    publics = {pid: facts.publics for pid, facts in person_facts(session, None).items()}  # the indicators' rule
    for obj in session.scalars(select(MODELS[entity])):
        if f.match is Match.PUBLIC:
            person = obj if not f.steps else session.get(MODELS["beneficiary"], getattr(obj, f.steps[0]))
            ok = value in publics[person.id]
        elif f.match is Match.HAS_RECORD:
            other = MODELS[f.ref]
            has = session.scalar(select(other.id).where(getattr(other, f.of) == obj.id).limit(1)) is not None
            ok = has == (value == "closed")
        else:
            at = _follow(session, entity, obj, f.steps)
            match f.match:
                case Match.EQUALS:
                    ok = at == value
                case Match.SAME_MONTH:
                    ok = at == rules.month_start(value)
                case Match.OPEN_OR_CLOSED:
                    ok = (at is None) == (value == "open")
                case Match.ACTIVE_IN_MONTH:
                    end = getattr(obj, f.until)
                    ok = at <= rules.month_end(value) and (end is None or end >= rules.month_start(value))
        if ok:
            found.add(obj.id)
    return found


def _values(session, f) -> list:
    if f.kind is FilterKind.REF:
        return list(session.scalars(select(MODELS[f.ref].id)))
    if f.kind is FilterKind.MONTH:
        return [date(2021, 12, 1), date(2022, 1, 1), date(2022, 3, 15), date(2022, 4, 1), date(2023, 6, 1)]
    return [value for _label, value in f.choices]


def test_every_declared_filter_selects_what_it_declares(db, small_dataset):
    checked = 0
    with db.sessions() as s:
        for entity, spec in SPECS.items():
            for f in spec.filters:
                for value in _values(s, f):
                    got = set(select_ids(s, ListQuery(entity, filters={f.key: value})))
                    assert got == _expected(s, entity, f, value), (entity, f.key, value)
                    checked += 1
    assert checked > 50
