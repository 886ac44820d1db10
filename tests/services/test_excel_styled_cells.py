"""The two ways of making styled cells (services/exchange/styled_cells.py): openpyxl's public API, and the fast
path on its internals for the versions pyproject.toml allows. Both run here, and write the same workbook."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import text

from erbm_desk.domain.enums import Sex
from erbm_desk.services.exchange import export as export_module
from erbm_desk.services.exchange import releve, styled_cells, write_releve
from erbm_desk.services.exchange.model import Status
from erbm_desk.services.records.writes import save_record
from tests.fixtures import SIRET_A
from tests.services.test_excel_support import export, fresh_db, import_file, plan, workbook_values

NASTY = ['=HYPERLINK("http://evil.example","clic")', "+33 6 12", "-moins", "@SUM(A1)", "Ab\x01c"]
FIXED = datetime(2024, 3, 1, 12, 30, 15, 123000)


@pytest.fixture(params=[True, False], ids=["fast-cells", "public-cells"])
def cell_path(request, monkeypatch):
    monkeypatch.setattr(styled_cells, "FAST_CELLS", request.param)
    return request.param


def _with_nasty_names(db):
    with db.session() as s:
        for i, name in enumerate(NASTY):
            saved = save_record(s, "beneficiary", dict(last_name=name.replace("\x01", ""), first_name=f"P{i}",
                                                       birth_date=date(1990, 1, i + 1), sex=Sex.FEMALE))
            # a control character can no longer be saved; a base from an older version may hold one
            s.execute(text("UPDATE beneficiary SET last_name = :v WHERE id = :id"), {"v": name, "id": saved.id})


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:  # docProps/core.xml holds the time the workbook object was made
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def test_the_fast_path_is_on_for_the_openpyxl_versions_we_allow():
    assert styled_cells.FAST_CELLS, f"openpyxl {openpyxl.__version__}: check styled_cells and the pin in pyproject"


def test_both_paths_write_the_same_workbooks(tmp_path, db, small_dataset, monkeypatch):
    _with_nasty_names(db)
    monkeypatch.setattr(export_module, "utcnow", lambda: FIXED)
    monkeypatch.setattr(releve, "utcnow", lambda: FIXED)
    written = {}
    for fast in (True, False):
        monkeypatch.setattr(styled_cells, "FAST_CELLS", fast)
        book = export(db, tmp_path / f"classeur-{fast}.xlsx", anonymous=False)
        with db.session() as s:
            write_releve(s, SIRET_A, date(2022, 2, 1), tmp_path / f"releve-{fast}.xlsx")
        written[fast] = (_parts(book), _parts(tmp_path / f"releve-{fast}.xlsx"))
    assert written[True] == written[False]


def test_a_workbook_made_either_way_round_trips(tmp_path, db, small_dataset, cell_path):
    _with_nasty_names(db)
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    ws = openpyxl.load_workbook(path)["Bénéficiaires"]
    header = [c.value for c in ws[1]]
    names = [row[header.index("Nom")] for row in ws.iter_rows(min_row=2)][-len(NASTY):]
    assert [c.value for c in names] == NASTY[:-1] + ["Abc"]
    assert all(c.data_type == "s" and c.quotePrefix for c in names[:-1])  # text, never a formula
    updated = ws.cell(row=2, column=header.index("Modifié le (UTC)") + 1)
    assert updated.is_date and updated.number_format == "dd/mm/yyyy hh:mm:ss"
    other = fresh_db(tmp_path, "other")
    import_file(other, path)
    again = plan(other, path)
    assert again.ok and {s for s in Status if again.count(s)} == {Status.UNCHANGED}
    assert workbook_values(export(other, tmp_path / "y.xlsx", anonymous=False))["Bénéficiaires"][1:] \
        == workbook_values(path)["Bénéficiaires"][1:]
    other.close()
