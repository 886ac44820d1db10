"""Unsafe files get a clear French message and change nothing; text that looks like a formula is neutralised and
control characters are cleaned on export."""

from __future__ import annotations

import zipfile
from datetime import date

import openpyxl
from sqlalchemy import text
import pytest

from erbm_desk.domain.enums import Sex
from erbm_desk.services.exchange import ExcelFileError
from erbm_desk.services.exchange import file_checks
from erbm_desk.services.records.writes import save_record
from tests.services.test_excel_support import export, plan, table_dump, workbook_values


def _expect(db, path, words: str):
    before = table_dump(db)
    with pytest.raises(ExcelFileError) as info:
        plan(db, path)
    assert words in str(info.value), str(info.value)
    assert table_dump(db) == before
    return str(info.value)


def test_not_a_workbook(tmp_path, db):
    path = tmp_path / "notes.xlsx"
    path.write_text("nom;prénom\nDURAND;Léa\n", encoding="utf-8")
    _expect(db, path, "n'est pas un classeur Excel (.xlsx)")
    empty = tmp_path / "vide.xlsx"
    empty.write_bytes(b"")
    _expect(db, empty, "est vide")
    _expect(db, tmp_path / "absent.xlsx", "n'existe pas")


def test_corrupt_workbook(tmp_path, db, small_dataset):
    good = export(db, tmp_path / "good.xlsx")
    data = good.read_bytes()
    truncated = tmp_path / "tronque.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    _expect(db, truncated, "endommagé")
    flipped = bytearray(data)
    for i in range(2000, 2400):
        flipped[i] ^= 0x5A
    broken = tmp_path / "abime.xlsx"
    broken.write_bytes(bytes(flipped))
    _expect(db, broken, "endommagé")


def test_password_protected_and_old_formats(tmp_path, db):
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    protected = tmp_path / "protege.xlsx"
    protected.write_bytes(cfb + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1000)
    _expect(db, protected, "protégé par un mot de passe")
    old = tmp_path / "ancien.xls"
    old.write_bytes(cfb + b"\0" * 1000)
    _expect(db, old, "Excel 97-2003")
    ods = tmp_path / "calc.ods"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    _expect(db, ods, "OpenDocument")


def _bomb(path, declared_ok: bool):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<" + "a" * (40 * 1024 * 1024) + "/>")
    if declared_ok:  # lie in the headers: a small declared size for a 40 MB entry
        with zipfile.ZipFile(path) as zf:
            real = zf.getinfo("xl/worksheets/sheet1.xml").file_size.to_bytes(4, "little")
        path.write_bytes(path.read_bytes().replace(real, (1024).to_bytes(4, "little")))
    return path


@pytest.fixture
def readers(monkeypatch):
    """What read a refused file: the guarded reading's child processes started, and the files this process's
    own parser opened."""
    from erbm_desk.services.exchange import guarded_reading, reader

    seen = {"scouts": [], "opened": []}

    class Recorded(guarded_reading.Scout):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            seen["scouts"].append(self)

    opener = reader._open_unguarded
    monkeypatch.setattr(guarded_reading, "Scout", Recorded)
    monkeypatch.setattr(reader, "_open_unguarded", lambda path: seen["opened"].append(path) or opener(path))
    return seen


def test_zip_bombs_are_refused_before_the_apps_parser(tmp_path, db, readers):
    _expect(db, _bomb(tmp_path / "bombe.xlsx", declared_ok=False), "taux de compression anormal")
    assert readers["scouts"] == []  # refused from the zip index: nothing was parsed anywhere
    message = _expect(db, _bomb(tmp_path / "menteur.xlsx", declared_ok=True), "menteur.xlsx")
    assert "déclare" in message or "endommagé" in message
    assert readers["opened"] == []
    # the child process that may have started reading it while its entries were inflated is gone
    assert all(scout.proc.poll() is not None for scout in readers["scouts"])


def test_a_doctype_deep_in_a_sheet_is_refused_before_the_apps_parser(tmp_path, db, small_dataset, readers):
    good = export(db, tmp_path / "good.xlsx")
    bad = tmp_path / "entites.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/") and b"</sheetData>" in data:
                data = data.replace(b"</sheetData>", b"</sheetData><!DOCTYPE x [<!ENTITY a 'b'>]>", 1)
            dst.writestr(info, data)
    _expect(db, bad, "DOCTYPE")
    assert readers["opened"] == []
    assert all(scout.proc.poll() is not None for scout in readers["scouts"])


def test_oversized_file(tmp_path, db, small_dataset, monkeypatch):
    path = export(db, tmp_path / "x.xlsx")
    monkeypatch.setattr(file_checks, "MAX_FILE_BYTES", 1000)
    _expect(db, path, "trop volumineux")


def test_formulas_are_neutralised_and_control_characters_cleaned(tmp_path, db):
    nasty = ['=HYPERLINK("http://evil.example","clic")', "+33 6 12", "-moins", "@SUM(A1)", "=1+1"]
    with db.session() as s:
        for i, name in enumerate(nasty):
            saved = save_record(s, "beneficiary", dict(last_name=name, first_name=f"Abc{i}",
                                                       birth_date=date(1990, 1, i + 1), sex=Sex.FEMALE))
            # A control character can no longer be saved (Column.value_problem); a base written by an older
            # version may still hold one: put it there behind the rules' back, the export must still clean it.
            s.execute(text("UPDATE beneficiary SET first_name = :v WHERE id = :id"),
                      {"v": f"Ab\x01c{i}", "id": saved.id})
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    ws = openpyxl.load_workbook(path)["Bénéficiaires"]
    header = [c.value for c in ws[1]]
    cells = [row[header.index("Nom")] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == nasty
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # text, never a formula
    firsts = [row[header.index("Prénom")].value for row in ws.iter_rows(min_row=2)]
    assert firsts == [f"Abc{i}" for i in range(5)]
    assert not any(str(v).startswith("=") and c.data_type == "f" for c, v in ((c, c.value) for c in cells))
    # and they come back as the same text
    values = workbook_values(path)["Bénéficiaires"]
    assert [r[header.index("Nom")] for r in values[1:]] == nasty


@pytest.mark.parametrize("cut", [0, 1, 4, 8])
def test_markers_across_the_checks_pieces_are_found(tmp_path, monkeypatch, cut):
    """The checks inflate each part in pieces: a DOCTYPE (any case) or a formula element split between two pieces,
    at any point, is found as in one piece, in a small part or in the largest one."""
    monkeypatch.setattr(file_checks, "_CHUNK", 64)
    padding = b"<row>" + b"x" * (64 - 5 - cut)

    def workbook(name: str, sheet: bytes) -> object:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("[Content_Types].xml", b"<Types/>")
            zf.writestr("xl/workbook.xml", b"<workbook/>")
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
            zf.writestr("xl/worksheets/sheet2.xml", b"<worksheet>" + b"<c><v>1</v></c>" * 5000 + b"</worksheet>")
        return path

    with pytest.raises(file_checks.UnsafeWorkbook, match="DOCTYPE"):
        file_checks.check_workbook_file(workbook("entites.xlsx", padding + b"<!DocType x []>" + b"y" * 200))
    found: set[str] = set()
    file_checks.check_workbook_file(workbook("formule.xlsx", padding + b"<c><f>1+1</f></c>" + b"y" * 200), found)
    assert found == {"xl/worksheets/sheet1.xml"}
    found.clear()
    file_checks.check_workbook_file(workbook("sans.xlsx", padding + b"<c><v>2</v></c>" + b"y" * 200), found)
    assert found == set()


def test_each_sheet_is_parsed_by_the_guarded_child_and_only_there(tmp_path, db, small_dataset, monkeypatch):
    """This process opens the workbook once the child has, but parses no sheet: it checks the rows the child
    read — every one of them."""
    from erbm_desk.services.exchange import reader

    parsed: list[str] = []
    opener = reader._open_unguarded

    class Watched:
        def __init__(self, wb):
            self._wb = wb

        def __getattr__(self, name):
            return getattr(self._wb, name)

        def get_sheet_by_name(self, name):
            parsed.append(name)
            return self._wb.get_sheet_by_name(name)

    monkeypatch.setattr(reader, "_open_unguarded", lambda path: Watched(opener(path)))
    path = export(db, tmp_path / "echange.xlsx")
    checked = plan(db, path)
    assert checked.ok and parsed == []
    values = workbook_values(path)
    assert checked.sheets and all(len(sp.rows) == len(values[sp.sheet]) - 1 for sp in checked.sheets.values())
