"""The « À faire » list from the records that carry it: the next action of each person, the situation six months
after an exit, a missing eligibility check — overdue first, done as soon as what settles it is recorded."""

from __future__ import annotations

from datetime import date

from erbm_desk.domain.enums import ActionKind, SixMonthSituation
from erbm_desk.services.parcours.todo import CHECK, NEXT_ACTION, SITUATION, todo_counts, todo_items
from erbm_desk.services.records.writes import save_record


LIST_DAY = date(2026, 1, 15)


def _items(db, day=LIST_DAY):
    with db.session() as s:
        return todo_items(s, day)


def test_what_is_left_to_do_overdue_first(db, path_dataset):
    items = _items(db)
    assert [(i.due, i.kind, i.person) for i in items] == [
        (date(2025, 1, 1), CHECK, "EPSILON Emma"),  # a contract since 01/01/2025, no check
        (date(2025, 7, 15), NEXT_ACTION, "ALPHA Anna"),  # « Point d'embauche », planned at her interview
        (date(2025, 9, 30), SITUATION, "GAMMA Chloé"),  # six months after 31/03/2025
        (date(2025, 12, 30), SITUATION, "ALPHA Anna"),  # six months after 30/06/2025
    ]  # DELTA's review was followed by a later action; BETA's situation is recorded
    action = items[1]
    assert (action.what, action.in_charge, action.context) == ("Point d'embauche", "C. Delattre",
                                                                "Entretien du 01/05/2025")
    counts = todo_counts(items, date(2025, 8, 1))
    assert (counts.overdue, counts.soon, counts.total) == (2, 0, 4)
    assert counts.message == "À faire : 2 en retard."
    assert todo_counts(items, date(2025, 9, 15)).message == "À faire : 2 en retard, 1 dans les 30 jours."
    assert todo_counts(items, date(2024, 1, 1)).message == ""


def test_a_situation_missed_for_over_a_year_leaves_the_list(db, path_dataset):
    # GAMMA's fell due on 30/09/2025, ALPHA's on 30/12/2025: a year later they are no longer to do (the
    # indicators still count them « non relevée »); the planned action and the missing check stay.
    assert [i.kind for i in _items(db, date(2026, 10, 15))] == [CHECK, NEXT_ACTION, SITUATION]
    assert [i.kind for i in _items(db, date(2027, 1, 15))] == [CHECK, NEXT_ACTION]


def test_an_item_goes_once_what_settles_it_is_recorded(db, path_dataset):
    ids = path_dataset
    with db.session() as s:
        save_record(s, "followup_action", dict(beneficiary_id=ids["A"], action_date=date(2025, 7, 16),
                                               kind=ActionKind.HIRING))
        save_record(s, "path_exit", dict(situation_6m=SixMonthSituation.JOB_SEEKING,
                                         situation_date=date(2025, 10, 2)), ids["xC"])
        save_record(s, "eligibility_check", dict(beneficiary_id=ids["E"], check_date=date(2025, 1, 1)))
    assert [(i.kind, i.person) for i in _items(db)] == [(SITUATION, "ALPHA Anna")]
