"""The comité's indicators for a scope (territory, EPCI, cité, bailleur, operation) and a period of months: what
`erbm-desk stats` prints, the scope's total of the reporting engine (`engine.report`).

The vocabulary of a report — Scope, Period, ScopeError, Indicators — is defined in `domain.reporting` (the
charts use it too) and importable from here with `compute_indicators`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from erbm_desk.domain.reporting import (  # noqa: F401 - the vocabulary callers of compute_indicators use
    SCOPE_KINDS,
    SCOPE_LABELS,
    Indicators,
    Period,
    Scope,
    ScopeError,
    comite_sentence,
)
from erbm_desk.services.reporting.engine import report


def compute_indicators(session: Session, scope: Scope = Scope(), period: Period = Period()) -> Indicators:
    """The indicators of `scope` over `period`. Raises ScopeError when the scope names nothing."""
    return report(session, scope, period).total
