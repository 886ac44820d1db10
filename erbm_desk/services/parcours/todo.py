"""The « À faire » list: what the follow-up of each person asks for next, with its due date, overdue first.

Three kinds of items, each read from the records that carry it:

- **the next action** of a person: their latest follow-up action (by date) gives a « prochaine action le »; the
  item is done as soon as a later action is recorded;
- **the situation six months after an exit**, due six months after the exit day, until it is recorded on the exit
  — for a year after it fell due: a follow-up missed by more than that is no longer something to do (the
  indicators still count it « non relevée »), and an upgraded database does not list every exit of its past;
- **the eligibility check** of a person who has a contract but no check, due on their first contract's start
  (the indicators count them in no public until then).

Plain functions run in a worker (the window) or the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Contract, EligibilityCheck, FollowUpAction, PathExit
from erbm_desk.domain.enums import ActionKind
from erbm_desk.domain.french import format_date
from erbm_desk.domain.parcours import six_months_after
from erbm_desk.services.records.naming import label, named

SOON_DAYS = 30  # « bientôt »: due within this many days
SITUATION_KEPT_DAYS = 365  # a six-month situation stays on the list this long after it fell due


def today() -> date:
    """The day the list is drawn up (tests set it)."""
    return date.today()

NEXT_ACTION, SITUATION, CHECK = "action", "situation", "diagnostic"
KIND_LABELS = {NEXT_ACTION: "Action de suivi", SITUATION: "Situation à 6 mois", CHECK: "Diagnostic d'éligibilité"}


@dataclass(frozen=True)
class TodoItem:
    due: date
    kind: str  # NEXT_ACTION, SITUATION or CHECK
    what: str  # what to do, in French
    beneficiary_id: int
    person: str  # the person's name (a pseudonym, or nothing for a role that may not see names)
    in_charge: str
    entity: str  # the record to open to do it: followup_action (a new one), path_exit, eligibility_check (new)
    record_id: int | None  # the exit to complete; None: a new record under the person
    context: str  # the last action, the exit, or the first contract

    def overdue(self, today: date) -> bool:
        return self.due < today

    def days_late(self, today: date) -> int:
        return (today - self.due).days


@dataclass(frozen=True)
class TodoCounts:
    overdue: int
    soon: int  # due today or within SOON_DAYS
    total: int

    @property
    def message(self) -> str:
        """The start-up reminder, or "" when nothing is overdue or due soon."""
        parts = []
        if self.overdue:
            parts.append(f"{self.overdue} en retard")
        if self.soon:
            parts.append(f"{self.soon} dans les {SOON_DAYS} jours")
        return f"À faire : {', '.join(parts)}." if parts else ""


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    alias, query = named("beneficiary")
    found = {}
    for start in range(0, len(ids), 900):
        chunk = sorted(ids)[start:start + 900]
        for name, pid in session.execute(query.add_columns(alias.id).where(alias.id.in_(chunk))):
            found[pid] = label("beneficiary", name)
    return found


def _latest_actions(session: Session) -> dict[int, tuple]:
    """Each person's latest follow-up action (by date, then as recorded)."""
    latest: dict[int, tuple] = {}
    for row in session.execute(select(FollowUpAction.beneficiary_id, FollowUpAction.id, FollowUpAction.action_date,
                                      FollowUpAction.kind, FollowUpAction.next_action_date, FollowUpAction.next_action,
                                      FollowUpAction.in_charge)
                               .order_by(FollowUpAction.beneficiary_id, FollowUpAction.action_date, FollowUpAction.id)):
        latest[row.beneficiary_id] = row
    return latest


def _next_actions(latest: dict[int, tuple]) -> list[TodoItem]:
    items = []
    for pid, row in latest.items():
        if row.next_action_date is None:
            continue
        items.append(TodoItem(
            row.next_action_date, NEXT_ACTION, row.next_action or f"Action suivante ({row.kind.label.lower()} du "
                                                                  f"{format_date(row.action_date)})",
            pid, "", row.in_charge or "", "followup_action", None,
            f"{row.kind.label} du {format_date(row.action_date)}"))
    return items


def _situations(session: Session, day_of_list: date) -> list[TodoItem]:
    items = []
    oldest = day_of_list - timedelta(days=SITUATION_KEPT_DAYS)
    for exit_id, pid, day, outcome in session.execute(
            select(PathExit.id, PathExit.beneficiary_id, PathExit.exit_date, PathExit.outcome)
            .where(PathExit.situation_6m.is_(None))):
        if six_months_after(day) < oldest:
            continue
        items.append(TodoItem(six_months_after(day), SITUATION, "Relever la situation six mois après la sortie",
                              pid, "", "", "path_exit", exit_id, f"Sortie du {format_date(day)} : {outcome.label}"))
    return items


def _missing_checks(session: Session) -> list[TodoItem]:
    checked = select(EligibilityCheck.beneficiary_id)
    query = (select(Contract.beneficiary_id, func.min(Contract.start_date))
             .where(Contract.beneficiary_id.not_in(checked)).group_by(Contract.beneficiary_id))
    return [TodoItem(first, CHECK, "Saisir le diagnostic d'éligibilité à l'entrée", pid, "", "",
                     "eligibility_check", None, f"Premier contrat le {format_date(first)}")
            for pid, first in session.execute(query)]


def todo_items(session: Session, day_of_list: date | None = None) -> list[TodoItem]:
    """Every open item on `day_of_list` (today), by due date (so the overdue ones first), then person."""
    day_of_list = day_of_list or today()
    latest = _latest_actions(session)
    items = _next_actions(latest) + _situations(session, day_of_list) + _missing_checks(session)
    names = _names(session, {i.beneficiary_id for i in items})
    # who follows the person: the one named on their latest action
    in_charge = {pid: row.in_charge or "" for pid, row in latest.items()}
    items = [TodoItem(**{**i.__dict__, "person": names.get(i.beneficiary_id, ""),
                         "in_charge": i.in_charge or in_charge.get(i.beneficiary_id, "")}) for i in items]
    return sorted(items, key=lambda i: (i.due, i.person, i.kind))


def todo_counts(items: list[TodoItem], day_of_list: date | None = None) -> TodoCounts:
    day_of_list = day_of_list or today()
    soon_end = day_of_list + timedelta(days=SOON_DAYS)
    overdue = sum(1 for i in items if i.due < day_of_list)
    soon = sum(1 for i in items if day_of_list <= i.due <= soon_end)
    return TodoCounts(overdue, soon, len(items))


def suggested_action(item: TodoItem) -> ActionKind:
    """The kind of action a new record for this item most likely is."""
    return ActionKind.SIX_MONTH_REVIEW if item.kind == SITUATION else ActionKind.INTERVIEW
