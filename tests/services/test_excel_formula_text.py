"""Text that a spreadsheet would take for a formula, that XlsxWriter would take for rich-text XML (« <r>…</r> »), or
a control character an older base may hold, goes through the exchange workbook as plain text and comes back
unchanged."""

from __future__ import annotations

from datetime import date

import openpyxl
from sqlalchemy import text

from erbm_desk.domain.enums import Sex
from erbm_desk.services.exchange.model import Status
from erbm_desk.services.records.writes import save_record
from tests.services.test_excel_support import export, fresh_db, import_file, plan, workbook_values

NASTY = ['=HYPERLINK("http://evil.example","clic")', "+33 6 12", "-moins", "@SUM(A1)", "<r>Dupont</r>",
         '<r><t>a</t></r></is></c></row><row r="9"><r>', "Ab\x01c"]


def _with_nasty_names(db):
    with db.session() as s:
        for i, name in enumerate(NASTY):
            saved = save_record(s, "beneficiary", dict(last_name=name.replace("\x01", ""), first_name=f"P{i}",
                                                       birth_date=date(1990, 1, i + 1), sex=Sex.FEMALE))
            # a control character can no longer be saved; a base from an older version may hold one
            s.execute(text("UPDATE beneficiary SET last_name = :v WHERE id = :id"), {"v": name, "id": saved.id})


def test_formula_like_and_control_text_round_trips(tmp_path, db, small_dataset):
    _with_nasty_names(db)
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    ws = openpyxl.load_workbook(path)["Bénéficiaires"]
    header = [c.value for c in ws[1]]
    names = [row[header.index("Nom")] for row in ws.iter_rows(min_row=2)][-len(NASTY):]
    assert [c.value for c in names] == NASTY[:-1] + ["Abc"]
    assert all(c.data_type == "s" for c in names)
    assert all(c.quotePrefix for c in names[:4])  # text, never a formula
    updated = ws.cell(row=2, column=header.index("Modifié le (UTC)") + 1)
    assert updated.is_date and updated.number_format == "dd/mm/yyyy hh:mm:ss"
    other = fresh_db(tmp_path, "other")
    import_file(other, path)
    again = plan(other, path)
    assert again.ok and {s for s in Status if again.count(s)} == {Status.UNCHANGED}
    assert workbook_values(export(other, tmp_path / "y.xlsx", anonymous=False))["Bénéficiaires"][1:] \
        == workbook_values(path)["Bénéficiaires"][1:]
    other.close()
