"""Hostile files and what comes after an import: the bounded run of the hostile suite (the full one:
`python -m tests.hostile.runner`, tests/hostile/README.md), and the cases the issue named, each end to end."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from erbm_desk.cli.main import main
from tests.hostile.base import workbook_bytes

PER_FAMILY = 9  # 13 families: about 120 files, a couple of minutes


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from tests.hostile.base import prepare

    return prepare(tmp_path_factory.mktemp("hostile"))


def _one_french_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_bounded_hostile_run_has_no_traceback_abort_change_or_silent_coercion(tmp_path, monkeypatch):
    from tests.hostile.runner import prepare_and_select, run

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    indices = prepare_and_select(tmp_path, None, PER_FAMILY)
    tally = run(tmp_path, indices, None)
    assert tally.files >= 100
    assert tally.ok, tally.table() + "\n" + "\n".join(tally.failures[:20])
    assert tally.total("imported") >= 15 and tally.total("refused") >= 50, tally.table()


def _with_dimension(export: bytes, part: str) -> bytes:
    from tests.hostile.generators import NS, rezip

    body = (b"<worksheet " + NS + b'><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c>'
            b'</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return rezip(export, replace={part: body})


def test_a_workbook_that_kills_the_reader_is_illisible_in_the_cli(base, tmp_path, capsys):
    """The sheet claims A1:XFD1048576: python-calamine would ask for 512 GB and abort the process (SIGABRT)."""
    hostile = tmp_path / "dimension.xlsx"
    hostile.write_bytes(_with_dimension(base.export_bytes, "xl/worksheets/sheet2.xml"))
    for extra in ([], ["--dry-run"]):
        assert main(["--db", str(base.db_path), "import", str(hostile), *extra]) == 1
        line = _one_french_line(capsys.readouterr().err)
        assert "« dimension.xlsx » est illisible" in line


def test_a_reader_panic_while_converting_cells_is_illisible(base, tmp_path, capsys):
    """A date-formatted cell of -1e20 makes python-calamine panic while it converts the row."""
    from tests.hostile.generators import parts, rezip

    book = parts(base.export_bytes)["xl/worksheets/sheet3.xml"]  # Opérations: G2 is a date (« Début des travaux »)
    style = re.search(rb'<c r="G2" s="(\d+)"', book).group(1)
    hostile = tmp_path / "panique.xlsx"
    panicking = re.sub(rb'<c r="G2"[^>]*>.*?</c>', b'<c r="G2" s="' + style + b'"><v>-1e20</v></c>', book, count=1)
    hostile.write_bytes(rezip(base.export_bytes, replace={"xl/worksheets/sheet3.xml": panicking}))
    assert main(["--db", str(base.db_path), "import", str(hostile), "--dry-run"]) == 1
    assert "illisible" in _one_french_line(capsys.readouterr().err)


def _sheets_with(base, sheet: str, header: str, value) -> bytes:
    sheets = {n: [list(r) for r in rows] for n, rows in base.sheets.items()}
    j = sheets[sheet][0].index(header)
    sheets[sheet][1][j] = value
    return workbook_bytes(sheets)


@pytest.mark.parametrize("sheet,header,value,expected", [
    ("Opérations", "Fin prévue", date(9999, 12, 31), "hors des dates possibles"),
    ("Opérations", "Début des travaux", "31/12/1899", "hors des dates possibles"),
    ("Opérations", "Début des travaux", date(1, 1, 1), "pas une date valide"),  # a spreadsheet keeps no such date
    ("Heures", "Mois", "12/9999", "hors des dates possibles"),
    ("Bénéficiaires", "Nom", "Du_x0000_pont", "U+0000"),
    ("Cités", "Nom de la cité", "Cité\u202e2024", "U+202E"),
    ("Cités", "Bailleur", "B" * 100_000, "120 caractères au plus"),
])
def test_values_that_would_break_a_later_command_are_refused_at_import(base, tmp_path, capsys, sheet, header,
                                                                         value, expected):
    path = tmp_path / "valeur.xlsx"
    path.write_bytes(_sheets_with(base, sheet, header, value))
    assert main(["--db", str(base.db_path), "import", str(path), "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert expected in captured.out and "rien n'a été importé" in _one_french_line(captured.err)


def test_a_number_read_as_text_is_said_in_the_preview(base, tmp_path, capsys):
    path = tmp_path / "nombre.xlsx"
    path.write_bytes(_sheets_with(base, "Cités", "Remarques", 12.5))
    assert main(["--db", str(base.db_path), "import", str(path), "--dry-run"]) == 0
    assert "valeur 12,5 lue comme « 12,5 »" in capsys.readouterr().out


def test_a_header_below_row_30_is_refused_not_skipped(base, tmp_path, capsys):
    sheets = {n: [list(r) for r in rows] for n, rows in base.sheets.items()}
    sheets["Opérations"] = [[f"titre {k}"] for k in range(31)] + sheets["Opérations"]
    path = tmp_path / "entete.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    assert main(["--db", str(base.db_path), "import", str(path)]) == 1
    captured = capsys.readouterr()
    assert "feuille « Opérations » : aucune ligne d'en-tête reconnue dans ses 30 premières lignes" in captured.out
    _one_french_line(captured.err)


def test_a_zip_error_is_said_in_french(base, tmp_path, capsys):
    raw = bytearray(base.export_bytes)
    raw[len(raw) // 2] ^= 0xFF
    path = tmp_path / "abime.xlsx"
    path.write_bytes(bytes(raw))
    assert main(["--db", str(base.db_path), "import", str(path)]) == 1
    line = _one_french_line(capsys.readouterr().err)
    assert "endommagé" in line and "CRC" not in line and "file" not in line


def test_entity_declarations_are_refused(base, tmp_path, capsys):
    from tests.hostile.generators import parts, rezip

    strings = parts(base.export_bytes)["xl/workbook.xml"]
    path = tmp_path / "entites.xlsx"
    path.write_bytes(rezip(base.export_bytes, replace={"xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x '
                                                      b'[<!ENTITY e SYSTEM "file:///etc/passwd">]>' + strings}))
    assert main(["--db", str(base.db_path), "import", str(path)]) == 1
    assert "DOCTYPE" in _one_french_line(capsys.readouterr().err)


def test_accepted_edge_dates_survive_the_bilan_the_releve_and_a_round_trip(base, tmp_path, capsys):
    """The first and last accepted days imported, then every command that computes with dates."""
    import shutil

    copy = tmp_path / "base.sqlite"
    shutil.copy2(base.db_path, copy)
    sheets = {n: [list(r) for r in rows] for n, rows in base.sheets.items()}
    ops = sheets["Opérations"]
    ops[1][ops[0].index("Fin prévue")] = date(2099, 12, 31)
    ops[2][ops[0].index("Début des travaux")] = date(1900, 1, 1)
    ops[2][ops[0].index("Fin prévue")] = date(2099, 12, 31)
    path = tmp_path / "bornes.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    db = str(copy)
    assert main(["--db", db, "import", str(path), "--conflits", "fichier"]) == 0
    assert main(["--db", db, "bilan", str(tmp_path / "bilan.pdf")]) == 0
    assert main(["--db", db, "stats", "--from", "1900-01", "--to", "2099-12"]) == 0
    again = tmp_path / "export.xlsx"
    assert main(["--db", db, "export", str(again), "--nominatif"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "import", str(again), "--dry-run"]) == 0
    assert "0 ligne serait écrite" in capsys.readouterr().out
    assert main(["--db", db, "releve", "--siret", "74378556139237", "--mois", "9999-12",
                 str(tmp_path / "r.xlsx")]) == 2
    assert "hors des dates possibles" in _one_french_line(capsys.readouterr().err)


def test_the_scout_is_a_script_that_imports_nothing_of_the_app():
    import subprocess
    import sys

    from erbm_desk.services.exchange import calamine_scout

    code = ("import runpy, sys; sys.argv = ['x', '/nonexistent.xlsx', '10', '10', '10']\n"
            f"runpy.run_path({calamine_scout.__file__!r}, run_name='__main__')")
    probe = subprocess.run([sys.executable, "-P", "-c", code + "\n"], capture_output=True, text=True)
    assert probe.stdout.split() == ["ouvert", "fin"]
    listing = subprocess.run([sys.executable, "-P", "-X", "importtime", calamine_scout.__file__, "/x.xlsx",
                              "1", "1", "1"],
                             capture_output=True, text=True)
    imported = [line.rsplit("|", 1)[-1].strip() for line in listing.stderr.splitlines()]
    assert not [m for m in imported if m.split(".")[0] == "erbm_desk"]


def _zip_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.namelist()


def test_generators_make_files_not_commit_them():
    here = Path(__file__).parent
    assert not list(here.rglob("*.xlsx")) and not list(here.rglob("*.sqlite"))
