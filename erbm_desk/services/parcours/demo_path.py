"""The person's path in the demo dataset: each person's eligibility check at entry (and, for some, a later one
where the situation changed), their exit with its six-month situation, and their follow-up actions.

Drawn from a random generator of their own, so that adding them left every other figure of a seed as it was;
the exits keep the outcomes the dataset always drew, put in the PLIE's categories as the schema upgrade does.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from erbm_desk.db.models import EligibilityCheck, FollowUpAction, PathExit
from erbm_desk.domain.enums import ActionKind, ExitOutcome, Prescriber, SixMonthSituation
from erbm_desk.domain.parcours import six_months_after

# The outcomes the dataset drew before the PLIE's categories, in that order (the same draws give the same people).
DEMO_OUTCOMES = ("emploi_durable", "emploi_transition", "formation", "sortie_positive", "sans_solution",
                 "demenagement", "abandon", "autre")
_OTHER = {"sans_solution": "Sans solution", "demenagement": "Déménagement", "abandon": "Abandon"}
STAFF = ("C. Delattre", "M. Benali", "S. Lefebvre", "J. Wojcik", "A. Carpentier", "N. Dumont")
_SITUATIONS = {  # six months after an exit of this outcome: the situations and their weights
    ExitOutcome.SUSTAINABLE_JOB: ((SixMonthSituation.SUSTAINABLE_JOB, 80), (SixMonthSituation.TRANSITION_JOB, 8),
                                  (SixMonthSituation.JOB_SEEKING, 8), (SixMonthSituation.UNREACHABLE, 4)),
    ExitOutcome.TRANSITION_JOB: ((SixMonthSituation.SUSTAINABLE_JOB, 30), (SixMonthSituation.TRANSITION_JOB, 35),
                                 (SixMonthSituation.JOB_SEEKING, 30), (SixMonthSituation.UNREACHABLE, 5)),
    ExitOutcome.TRAINING: ((SixMonthSituation.TRAINING, 45), (SixMonthSituation.SUSTAINABLE_JOB, 25),
                           (SixMonthSituation.JOB_SEEKING, 25), (SixMonthSituation.OTHER, 5)),
}
_DEFAULT_SITUATIONS = ((SixMonthSituation.JOB_SEEKING, 45), (SixMonthSituation.TRANSITION_JOB, 20),
                       (SixMonthSituation.SUSTAINABLE_JOB, 10), (SixMonthSituation.OTHER, 15),
                       (SixMonthSituation.UNREACHABLE, 10))


@dataclass(frozen=True)
class DemoPath:
    beneficiary_id: int
    entry: date  # the start of the person's first contract
    criteria: dict[str, bool]
    prescriber: Prescriber
    exit_date: date | None
    outcome: str | None  # one of DEMO_OUTCOMES


def demo_path_records(paths: list[DemoPath], rng: random.Random, stamp: datetime, last_month: date) -> dict:
    """Rows to insert, by model: checks, exits, actions."""

    def meta() -> dict:
        return {"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "created_at": stamp,
                "updated_at": stamp, "version": 1}

    checks, exits, actions = [], [], []
    for p in paths:
        staff = rng.choice(STAFF)
        checks.append(dict(beneficiary_id=p.beneficiary_id, check_date=p.entry, prescriber=p.prescriber,
                           validated_by=staff, **p.criteria, **meta()))
        later = p.entry + timedelta(days=rng.randint(200, 500))
        if rng.random() < 0.15 and later <= last_month:  # the situation changed: a new check, past bilans stay
            changed = dict(p.criteria, rsa=not p.criteria["rsa"], qpv=p.criteria["qpv"] or rng.random() < 0.3)
            checks.append(dict(beneficiary_id=p.beneficiary_id, check_date=later, prescriber=p.prescriber,
                               validated_by=staff, **changed, **meta()))
        actions.append(_action(p.beneficiary_id, p.entry - timedelta(days=rng.randint(10, 40)),
                               ActionKind.INTERVIEW, staff, meta()))
        actions.append(_action(p.beneficiary_id, p.entry, ActionKind.HIRING, staff, meta()))
        if p.exit_date is None:  # still in a path: a review planned
            review = max(last_month - timedelta(days=rng.randint(10, 120)), p.entry)  # a recent review
            actions.append(_action(p.beneficiary_id, review, ActionKind.CONTRACT_REVIEW, staff, meta(),
                                   next_date=review + timedelta(days=rng.randint(20, 90)),
                                   next_action="Point avec l'employeur"))
            continue
        outcome, detail = ExitOutcome.OTHER, _OTHER.get(p.outcome)
        if p.outcome not in _OTHER and p.outcome != "autre":
            outcome = ExitOutcome(p.outcome)
        due = six_months_after(p.exit_date)
        situation = situation_date = None
        if due <= last_month and rng.random() < 0.85:
            kinds, weights = zip(*_SITUATIONS.get(outcome, _DEFAULT_SITUATIONS))
            situation = rng.choices(kinds, weights=weights)[0]
            situation_date = due + timedelta(days=rng.randint(0, 20))
            actions.append(_action(p.beneficiary_id, situation_date, ActionKind.SIX_MONTH_REVIEW, staff, meta()))
        exits.append(dict(beneficiary_id=p.beneficiary_id, exit_date=p.exit_date, outcome=outcome, detail=detail,
                          situation_6m=situation, situation_date=situation_date, **meta()))
    return {EligibilityCheck: checks, PathExit: exits, FollowUpAction: actions}


def _action(pid: int, day: date, kind: ActionKind, staff: str, meta: dict, next_date: date | None = None,
            next_action: str | None = None) -> dict:
    return dict(beneficiary_id=pid, action_date=day, kind=kind, note=None, in_charge=staff,
                next_action_date=next_date, next_action=next_action, **meta)
