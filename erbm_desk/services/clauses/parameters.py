"""The base's defaults for a lot's blank clause parameters and the status's tolerance (settings of the database)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from erbm_desk.domain.clauses import ClauseDefaults
from erbm_desk.services.security import database_settings as settings


def clause_defaults(session: Session) -> ClauseDefaults:
    read = settings.read_database_setting
    return ClauseDefaults(
        labour_share=read(session, settings.CLAUSE_LABOUR_SHARE),
        insertion_rate=read(session, settings.CLAUSE_INSERTION_RATE),
        hourly_cost=read(session, settings.CLAUSE_HOURLY_COST),
        tolerance=read(session, settings.CLAUSE_TOLERANCE),
    )
