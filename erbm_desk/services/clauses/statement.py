"""The monthly statement of a company: its contracts active in a month, by lot. The relevé d'heures workbook
(services/exchange/releve.py) and the reminder letter's statement to send back both list these rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, literal, or_, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Beneficiary, Cite, Contract, Lot, Marche, Operation
from erbm_desk.domain import rules
from erbm_desk.services.security import authz

NO_LOT = "Sans lot"


def lot_caption(number: str | None, label: str | None, reference: str | None) -> str:
    """« Lot 2 — Menuiseries (marché 2021-MC-001) », or « Sans lot »."""
    if number is None:
        return NO_LOT
    return f"Lot {number} — {label} (marché {reference})"


def person_caption(row: Any) -> str:
    """« NOM Prénom », or for a role that may not see names the person's pseudonym — the one the exchange
    workbooks derive from the identifier when none is stored (exchange/sheet_format.derived_pseudonym; a test
    keeps both equal)."""
    if row.last_name and row.first_name:
        return f"{row.last_name} {row.first_name}"
    return row.pseudonym or "B-" + row.ben_uuid.replace("-", "")[:12].upper()


def active_contracts(session: Session, company_id: int, month: date) -> list[Any]:
    """The contracts `company_id` employs that run in `month`, by lot (contracts without a lot last), then person.
    Names are NULL for a role that may not see them."""
    first, last = rules.month_start(month), rules.month_end(month)
    last_name, first_name = authz.name_columns(session)
    rows = session.execute(
        select(Contract.uuid, Contract.start_date, Contract.end_date, Contract.hours_planned, last_name,
               first_name, Beneficiary.pseudonym, Beneficiary.uuid.label("ben_uuid"), Operation.name,
               Cite.name.label("cite"), Lot.number.label("lot_number"), Lot.label.label("lot_label"),
               Marche.reference.label("marche"))
        .join(Beneficiary, Contract.beneficiary_id == Beneficiary.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .join(Cite, Operation.cite_id == Cite.id)
        .outerjoin(Lot, Contract.lot_id == Lot.id)
        .outerjoin(Marche, Lot.marche_id == Marche.id)
        .where(Contract.company_id == company_id, Contract.start_date <= last,
               or_(Contract.end_date.is_(None), Contract.end_date >= first))
        .order_by(case((Lot.id.is_(None), literal(1)), else_=literal(0)), Marche.reference, Lot.number,
                  last_name, first_name, Beneficiary.pseudonym, Contract.start_date)
    ).all()
    return rows
