"""What a workbook holds but a person does not see in its cell — a record named only by the hidden identifier
column, a formula stored without its result — is said in the import preview, on its row and column, never taken
silently."""

from __future__ import annotations

import zipfile

import openpyxl
from sqlalchemy import select

from erbm_desk.db.models import Cite, Operation
from tests.fuzz.fuzz_import import rezip
from tests.services.test_excel_support import export, import_file, plan


def _notices(p) -> list[str]:
    return [str(n) for n in p.notices]


def _sheet_row(ws, header: str, value) -> int:
    titles = [c.value for c in ws[1]]
    return next(r[0].row for r in ws.iter_rows(min_row=2) if r[titles.index(header)].value == value)


def test_a_name_erased_while_its_identifier_stays_is_said_and_the_record_kept(tmp_path, db, small_dataset):
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["Opérations"]
    titles = [c.value for c in ws[1]]
    row = _sheet_row(ws, "Intitulé", "Réhabilitation A2")
    cite_text = ws.cell(row=row, column=titles.index("Cité") + 1).value
    ws.cell(row=row, column=titles.index("Cité") + 1).value = None
    wb.save(path)
    p = plan(db, path)
    assert p.ok, [str(e) for e in p.errors]
    said = [n for n in _notices(p) if f"ligne {row}," in n and "« Cité »" in n]
    assert said == [f"feuille « Opérations », ligne {row}, colonne « Cité » : case vide : la ligne est rattachée à "
                    f"« {cite_text} » par sa colonne d'identifiant (masquée)."]
    assert p.writes == 0  # the operation stays in its cité
    import_file(db, path)
    with db.session() as s:
        cite = s.scalar(select(Cite.name).join(Operation, Operation.cite_id == Cite.id)
                        .where(Operation.name == "Réhabilitation A2"))
    assert cite and cite in cite_text


def test_a_formula_stored_without_its_result_is_said_where_it_is(tmp_path, db, small_dataset):
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["Cités"]
    titles = [c.value for c in ws[1]]
    ws.cell(row=2, column=titles.index("Remarques") + 1).value = "=1+1"  # openpyxl stores no result
    wb.save(path)
    p = plan(db, path)
    assert p.ok
    assert "feuille « Cités », ligne 2, colonne « Remarques » (" in "\n".join(
        n for n in _notices(p) if "formule enregistrée sans son résultat : la case est lue vide" in n)


def test_a_formula_saved_with_its_result_is_read_without_remark(tmp_path, db, small_dataset):
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["Cités"]
    titles = [c.value for c in ws[1]]
    ws.cell(row=2, column=titles.index("Remarques") + 1).value = '="Vue "&"sur le terril"'
    wb.save(path)
    with zipfile.ZipFile(path) as zf:  # as Excel and LibreOffice save it: the result beside the formula
        part = next(n for n in zf.namelist() if n.startswith("xl/worksheets/") and b"<f>" in zf.read(n))
        xml = zf.read(part)
    opening = xml[:xml.index(b"<f>")].rsplit(b"<c ", 1)[1]  # the formula cell's attributes
    saved = xml.replace(b"<c " + opening, b"<c " + opening.replace(b">", b' t="str">', 1), 1)
    saved = saved.replace(b"</f><v />", b"</f><v>Vue sur le terril</v>")
    path.write_bytes(rezip(path.read_bytes(), {part: saved}))
    p = plan(db, path)
    assert p.ok
    assert not [n for n in _notices(p) if "formule" in n]
    row = next(r for r in p.sheets["cite"].rows if r.row == 2)
    assert (row.values or row.final)["notes"] == "Vue sur le terril"
