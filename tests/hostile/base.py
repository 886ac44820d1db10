"""What every hostile file is made from: a small demo database, its own nominative export (the « real export »
whose bytes and XML are mutated), the same workbook as plain lists of cells (for the value families, rewritten
with openpyxl), and an hours statement (relevé) of one of its companies.

Everything is generated: no workbook is committed to the repository.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

DATA_ROWS = 6  # data rows kept per sheet in the value families' workbooks (references resolve in the base)
SCALE = 0.02
SEED = 1


@dataclass
class Base:
    folder: Path
    db_path: Path  # the database every file is planned against (never written)
    export_bytes: bytes  # the app's own nominative export of that database
    sheets: dict[str, list[list[Any]]]  # the export's sheets as cells, data rows cut to DATA_ROWS
    releve_bytes: bytes  # an hours statement of one company for one month
    releve_rows: list[list[Any]]
    releve_month: date = date(2000, 1, 1)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> header -> column kind


# openpyxl cannot write infinities and NaN (they come back empty): a stand-in number is written, then replaced in
# the sheet's XML by what a hostile file would hold.
_NON_FINITE = {"inf": 987654321.25, "-inf": 987654321.5, "nan": 987654321.75}  # exact in binary


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, float) and not math.isfinite(value):
        return _NON_FINITE[repr(value)]
    return value


def workbook_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A plain .xlsx of these sheets (openpyxl write-only: values as they are, dates as dates; infinities, NaN and
    control characters written as raw XML would hold them)."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([_cell(c) for c in row])
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    stand_ins = {repr(v).encode(): k.replace("nan", "NaN").encode() for k, v in _NON_FINITE.items()}
    if not any(s in data for s in stand_ins):  # compressed: look inside
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if not any(s in zf.read(n) for n in zf.namelist() for s in stand_ins):
                return data
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            for stand_in, written in stand_ins.items():
                body = body.replace(b"<v>" + stand_in + b"</v>", b"<v>" + written + b"</v>")
            dst.writestr(info.filename, body)
    return patched.getvalue()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escaped(text: str) -> str:
    """Control characters as a workbook stores them (« _x0007_ »: OOXML's escape, which readers decode)."""
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def read_cells(data: bytes, limit: int | None = None) -> dict[str, list[list[Any]]]:
    import tempfile

    from python_calamine import CalamineWorkbook

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        fh.write(data)
        fh.flush()
        wb = CalamineWorkbook.from_path(fh.name)
        out = {}
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            out[name] = rows if limit is None or name == "Lisez-moi" else rows[: 1 + limit]
        wb.close()
    return out


def _kinds() -> dict[str, dict[str, str]]:
    from erbm_desk.domain.entities import SPECS
    from erbm_desk.services.exchange.sheet_format import Role, sheet_columns

    out: dict[str, dict[str, str]] = {}
    for spec in SPECS.values():
        if not spec.in_workbook:
            continue
        kinds = {}
        for col in sheet_columns(spec):
            kinds[col.label] = col.column.kind.value if col.role is Role.FIELD else col.role.value
        out[spec.plural] = kinds
    return out


def load(folder: Path) -> Base:
    """The base files `prepare` made in `folder` (a worker process reads them instead of building them again)."""
    import json

    export_bytes = (folder / "export.xlsx").read_bytes()
    releve_bytes = (folder / "releve.xlsx").read_bytes()
    releve = read_cells(releve_bytes)
    month = date.fromisoformat(json.loads((folder / "base.json").read_text())["releve_month"])
    return Base(folder, folder / "base.sqlite", export_bytes, read_cells(export_bytes, DATA_ROWS), releve_bytes,
                next(iter(releve.values())), month, _kinds())


def prepare(folder: Path) -> Base:
    """Build the database and the base files in `folder` (a few seconds)."""
    from sqlalchemy import select

    from erbm_desk.db.models import Company, Contract
    from erbm_desk.services.database.demo import generate_demo
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.exchange import ExportOptions, export_workbook, write_releve

    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "base.sqlite"
    db = open_database(str(db_path))
    try:
        with db.session() as s:
            generate_demo(s, seed=SEED, scale=SCALE)
        with db.session() as s:
            export_workbook(s, folder / "export.xlsx", ExportOptions(anonymous=False))
            siret, start = s.execute(select(Company.siret, Contract.start_date)
                                     .join(Contract, Contract.company_id == Company.id)
                                     .order_by(Contract.id)).first()
            month = start.replace(day=1)
            write_releve(s, siret, month, folder / "releve.xlsx")
    finally:
        db.close()
    import json

    (folder / "base.json").write_text(json.dumps({"releve_month": month.isoformat()}))
    return load(folder)
