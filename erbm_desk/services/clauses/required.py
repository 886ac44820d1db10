"""An operation's hours required: the sum of its lots' when it has lots, else the figure typed on the operation.

`with_lot_hours` is what the reporting engine calls on the operations it reads, so that every indicator (stats,
dashboard, Synthèse, bilan) follows the same rule. A base without any lot is left exactly as it was.
"""

from __future__ import annotations

from collections import namedtuple
from decimal import Decimal
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Lot, Marche
from erbm_desk.domain.clauses import ClauseTerms, hours_required
from erbm_desk.services.clauses.parameters import clause_defaults

ZERO = Decimal("0.00")


def lot_hours_by_operation(session: Session, operation_ids: list[int] | None = None) -> dict[int, Decimal]:
    """Operation id -> the sum of its lots' hours required (a lot whose hours cannot be computed counts 0), for
    the operations that have at least one lot (among `operation_ids` when given: the cités a write touched)."""
    query = select(Marche.operation_id, Lot.amount, Lot.labour_share, Lot.insertion_rate, Lot.hourly_cost,
                   Lot.hours_stated).join(Marche, Lot.marche_id == Marche.id)
    if operation_ids is not None and len(operation_ids) < 500:  # else every lot is read, as fast
        query = query.where(Marche.operation_id.in_(operation_ids))
    rows = session.execute(query).all()
    if not rows:
        return {}
    defaults = clause_defaults(session)
    sums: dict[int, Decimal] = {}
    for operation_id, *terms in rows:
        required = hours_required(ClauseTerms(*terms), defaults)
        sums[operation_id] = sums.get(operation_id, ZERO) + (required or ZERO)
    return sums


def with_lot_hours(session: Session, operations: Sequence) -> Sequence:
    """The engine's operation rows, each with `hours_required` replaced by its lots' sum when it has lots."""
    if not operations:
        return operations
    sums = lot_hours_by_operation(session, [op.id for op in operations])
    if not sums or not any(op.id in sums for op in operations):
        return operations
    row_type = namedtuple("OperationRow", operations[0]._fields)
    return [row_type(*op)._replace(hours_required=sums[op.id]) if op.id in sums else op for op in operations]
