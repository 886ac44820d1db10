"""The dashboard's figures as JSON and back, exactly (report_cache.py keeps them in the database).

Decimals, dates, tuples, the dataclasses of domain.figures, domain.reporting and domain.clauses (the lots on
the dashboard) and their enums are tagged; decoding builds
only those classes (never an arbitrary one: a database file may come from anyone). The map's boundaries are not
written (they come from seeds/, read once per process).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from erbm_desk.domain import clauses, figures, reporting

_CLASSES = {cls.__name__: cls for cls in (
    figures.MonthlyHours, figures.HomesPace, figures.EnergyRow, figures.GroupRow, figures.MapCite, figures.MapData,
    figures.DashboardData, reporting.Indicators, reporting.Scope, reporting.Period, clauses.LotLine,
    clauses.CompanyLine, clauses.Obligation, clauses.ClauseTerms)}
_ENUMS = {cls.__name__: cls for cls in (clauses.ClauseStatus,)}
_SKIPPED = {"MapData": ("shapes", "outlines")}


def encode(value: Any) -> Any:
    cls = value.__class__
    if value is None or cls in (str, int, float, bool):
        return value
    if cls is Decimal:
        return {"$d": str(value)}
    if cls is date:
        return {"$date": value.isoformat()}
    if cls is list:
        return [encode(v) for v in value]
    if cls is tuple:
        return {"$t": [encode(v) for v in value]}
    if cls is dict:
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    if cls.__name__ in _ENUMS:
        return {"$e": cls.__name__, "v": value.value}
    if is_dataclass(value) and cls.__name__ in _CLASSES:
        skipped = _SKIPPED.get(cls.__name__, ())
        return {"$c": cls.__name__,
                "f": {f.name: encode(getattr(value, f.name)) for f in fields(value) if f.name not in skipped}}
    raise TypeError(f"Valeur inattendue dans les indicateurs : {cls.__name__}")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$d" in value:
        return Decimal(value["$d"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$t" in value:
        return tuple(decode(v) for v in value["$t"])
    if "$m" in value:
        return {_key(decode(k)): decode(v) for k, v in value["$m"]}
    if "$e" in value:
        return _ENUMS[value["$e"]](value["v"])
    cls = _CLASSES[value["$c"]]
    return cls(**{name: decode(v) for name, v in value["f"].items()})


def _key(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def dumps(data: figures.DashboardData) -> str:
    return json.dumps(encode(data), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> figures.DashboardData:
    data = decode(json.loads(text))
    if not isinstance(data, figures.DashboardData):
        raise ValueError("pas un tableau de bord")
    today = date.today()
    if data.period.end is None and (data.homes.as_of.year, data.homes.as_of.month) != (today.year, today.month):
        raise ValueError("calculé un autre mois")  # the homes still needed count the months to come from today
    return data


@cache
def rules_fingerprint() -> str:
    """What makes figures computed by another version of the app unusable: the code that computes them (the
    reporting services, the domain, the models and the migrations), or the version of a frozen build."""
    from erbm_desk import __version__

    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256(__version__.encode())
    for folder in ("domain", "services/reporting", "db"):
        for path in sorted((root / folder).rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    filters = root / "services" / "period_filters.py"
    h.update(filters.read_bytes() if filters.exists() else b"")
    return h.hexdigest()[:32]
