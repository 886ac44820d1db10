"""What keeps a report's figures from being complete, said in French beside them (stats, dashboard, bilan,
Synthèse): records that carry no date cannot be placed in any period (a « Livrée » operation without delivery
date counts nowhere; an undated funding line or requirement counts over the whole programme only), and persons
without an eligibility check count in no public of a criterion. Each line names what to complete."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Funding
from erbm_desk.domain.enums import Phase
from erbm_desk.domain.french import format_int

SHOWN_NAMES = 3  # operations named in a line; the others are counted


def _names(names: list[str]) -> str:
    shown = ", ".join(f"« {n} »" for n in names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return shown + (f" et {format_int(more)} autre{'s' if more > 1 else ''}" if more > 0 else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{format_int(n)} {one if n < 2 else many}"


def data_problems(session: Session, operations: list, operation_ids: Select | None, unchecked_people: int) -> list[str]:
    """The lines for a report: its operations (rows with name, phase, dates, hours required), the SELECT of its
    operation ids (None: every operation), and the number of its persons without any eligibility check."""
    lines = []
    undelivered = [op.name for op in operations if op.phase == Phase.DELIVERED and op.delivery_date is None]
    if undelivered:
        whose = "ses" if len(undelivered) < 2 else "leurs"
        lines.append(f"{_count(len(undelivered), 'opération « Livrée » sans date de livraison', 'opérations « Livrée » sans date de livraison')} "
                     f"({_names(undelivered)}) : {whose} logements ne sont comptés comme livrés dans aucune période.")
    undated = [op.name for op in operations if op.hours_required and op.phase != Phase.ABANDONED
               and op.start_date is None and op.delivery_date is None]
    if undated:
        whose = "ses" if len(undated) < 2 else "leurs"
        lines.append(f"{_count(len(undated), 'opération sans date de travaux', 'opérations sans date de travaux')} "
                     f"({_names(undated)}) : {whose} heures exigées ne comptent que sur toute la durée du programme.")
    query = select(func.count(Funding.id)).where(Funding.granted_on.is_(None))
    if operation_ids is not None:
        query = query.where(Funding.operation_id.in_(operation_ids))
    undated_funding = session.scalar(query) or 0
    if undated_funding:
        lines.append(f"{_count(undated_funding, 'ligne de financement sans date', 'lignes de financement sans date')} "
                     "d'attribution : " + ("comptée" if undated_funding < 2 else "comptées")
                     + " sur toute la durée du programme seulement.")
    if unchecked_people:
        lines.append(f"{_count(unchecked_people, 'personne sans diagnostic', 'personnes sans diagnostic')} "
                     "d'éligibilité : " + ("comptée" if unchecked_people < 2 else "comptées")
                     + " dans aucun public (RSA, DELD, QPV…).")
    return lines
