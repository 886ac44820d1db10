"""The follow-up of the clauses as plain records (JSON for `erbm-desk clauses --json`) and French text lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from erbm_desk.domain.clauses import CompanyLine, LotLine, MonthLine, Obligation
from erbm_desk.domain.french import format_count, format_date, format_hours, format_percent


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _obligation(o: Obligation) -> dict[str, Any]:
    return {
        "required": _number(o.required), "realised": _number(o.realised), "expected": _number(o.expected),
        "rate": _number(o.rate), "status": o.status.value if o.status else None, "shortfall": _number(o.shortfall),
        "remaining": _number(o.remaining), "finished": o.finished,
    }


def lot_record(line: LotLine) -> dict[str, Any]:
    t = line.terms
    return {
        "lot_id": line.id, "lot": line.number, "label": line.label, "marche": line.marche, "owner": line.owner,
        "operation": line.operation, "cite": line.cite, "epci": line.epci, "titulaire": line.company,
        "siret": line.siret, "start": line.start.isoformat() if line.start else None,
        "end": line.end.isoformat() if line.end else None, "amount": _number(t.amount),
        "labour_share": _number(t.labour_share), "insertion_rate": _number(t.insertion_rate),
        "hourly_cost": _number(t.hourly_cost), "hours_stated": _number(t.hours_stated),
        "penalty_per_hour": _number(line.penalty_per_hour), "penalty": _number(line.penalty),
        **_obligation(line.obligation),
        "by_month": {m.strftime("%Y-%m"): _number(h) for m, h in line.by_month.items()},
    }


def months_record(months: list[MonthLine]) -> list[dict[str, Any]]:
    """A lot's or a titulaire's months (domain/clauses.py::months_of) as the page's table shows them."""
    return [{"month": m.month.strftime("%Y-%m"), "realised": _number(m.realised), "cumulated": _number(m.cumulated),
             "expected": _number(m.expected)} for m in months]


def company_record(line: CompanyLine) -> dict[str, Any]:
    return {"titulaire": line.name, "siret": line.siret, "kind": line.kind, "lots": line.lots,
            "lots_behind": line.lots_behind, **_obligation(line.obligation)}


def status_text(o: Obligation) -> str:
    return o.status.label if o.status else "sans période"


def lot_text(line: LotLine) -> str:
    """« CALL · Cité Test A · 2021-MC-001 lot 1 Gros œuvre — Bâtiment Gohelle : 441,92 h / 833 h (53,1 %),
    attendu 625,32 h — En retard, manque 183,4 h »."""
    o = line.obligation
    required = f"{format_hours(o.required)} h" if o.required is not None else "heures inconnues"
    rate = f" ({format_percent(o.rate)})" if o.rate is not None else ""
    expected = f", attendu {format_hours(o.expected)} h" if o.expected is not None else ""
    missing = f", manque {format_hours(o.shortfall)} h" if o.shortfall else ""
    end = f", terminé le {format_date(line.end)}" if o.finished and line.end else ""
    return (f"{line.epci} · {line.cite} · {line.marche} lot {line.number} {line.label} — {line.company} : "
            f"{format_hours(o.realised)} h / {required}{rate}{expected} — {status_text(o)}{missing}{end}")


def company_text(line: CompanyLine) -> str:
    o = line.obligation
    required = f"{format_hours(o.required)} h" if o.required is not None else "?"
    return (f"{line.name} ({line.siret}) : {format_count(line.lots, 'lot')} dont {line.lots_behind} en retard — "
            f"{format_hours(o.realised)} h / {required}, manque {format_hours(o.shortfall)} h à date — "
            f"{status_text(o)}")


def as_of_text(as_of: date) -> str:
    return f"au {format_date(as_of)}"
