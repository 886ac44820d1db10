"""Helpers shared by the Excel exchange tests (no test here): open a fresh database, export, import, and read
a workbook back as plain values sheet by sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook
from sqlalchemy import select

from erbm_desk.db.models import MODELS
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.exchange import ExportOptions, apply_import, export_workbook, plan_import
from erbm_desk.services.exchange.sheet_format import README_SHEET
from erbm_desk.services.reporting.indicators import compute_indicators

VARYING_README_ROWS = ("Exporté le (UTC)", "Identifiant de la base")  # differ from one database to another


def fresh_db(folder: Path, name: str):
    return open_database(str(folder / f"{name}.sqlite"))


def export(db, path: Path, **options: Any) -> Path:
    with db.session() as s:
        export_workbook(s, path, ExportOptions(**options))
    return path


def plan(db, path: Path):
    with db.session() as s:
        return plan_import(s, path)


def import_file(db, path: Path, choice: str | None = None):
    """Plan and apply in one transaction (like the CLI); returns the plan. Conflicts take `choice`."""
    with db.session() as s:
        p = plan_import(s, path)
        assert p.ok, [str(e) for e in p.errors]
        for c in p.conflicts:
            c.choice = choice
        apply_import(s, p, check_database=False)
    return p


def workbook_values(path: Path, skip_varying: bool = True) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if name == README_SHEET and skip_varying:
            rows = [r for r in rows if not r or r[0] not in VARYING_README_ROWS]
        out[name] = rows
    wb.close()
    return out


def sheet_dicts(path: Path, sheet: str) -> list[dict[str, Any]]:
    rows = workbook_values(path)[sheet]
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:]]


def table_dump(db) -> dict[str, list[tuple]]:
    """Every record of every entity table, all columns (timestamps and versions included)."""
    out = {}
    with db.session() as s:
        for entity in ("bailleur", "cite", "operation", "funding", "company", "beneficiary", "contract",
                       "hours_entry", "eligibility_check", "path_exit", "followup_action"):
            table = MODELS[entity].__table__
            out[entity] = [tuple(r) for r in s.execute(select(table).order_by(table.c.id))]
    return out


def indicators(db, scope=None, period=None):
    from erbm_desk.services.reporting.indicators import Period, Scope

    with db.session() as s:
        return compute_indicators(s, scope or Scope(), period or Period()).to_json()
