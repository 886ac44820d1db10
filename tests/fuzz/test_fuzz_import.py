"""A short fuzzing run in the suite (the full 1 000-file run: python -m tests.fuzz.fuzz_import)."""

import pytest

pytest.importorskip("erbm_desk.services.exchange")


def test_mutated_workbooks_are_refused_cleanly_or_imported(tmp_path):
    from tests.fuzz.fuzz_import import run

    report = run(files=30, seed=3, workdir=tmp_path)
    assert report.tried == 30
    assert report.crashes == 0, report.summary()
    assert report.changed_after_rejection == 0, report.summary()
    assert report.imported >= 3 and report.rejected >= 10, report.summary()


def test_file_checks_refuse_macros_and_nir_columns_are_found(tmp_path):
    import zipfile

    from erbm_desk.services.exchange import file_checks, nir

    assert nir.looks_like_nir("1 85 05 78 006 084 36") is (97 - 1850578006084 % 97 == 36)
    assert nir.looks_like_nir("2850562123456") and not nir.looks_like_nir("62498")
    assert nir.looks_like_nir("1 69 05 2A 123 456 " + f"{97 - 1690519123456 % 97:02d}")
    assert [nir.is_nir_header(h) for h in ("NIR", "N° sécu", "Numéro de sécurité sociale", "N° SS",
                                           "Code INSEE", "Commune", "Nom")] == [True] * 4 + [False] * 3
    assert nir.nir_columns(["Nom", "Numéro"], [["A", "1850578006084"], ["B", "2850562123456"]]) == [1]
    book = tmp_path / "m.xlsx"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/vbaProject.bin", b"x")
    with pytest.raises(file_checks.UnsafeWorkbook, match="macros"):
        file_checks.check_workbook_file(book)
    typed = tmp_path / "t.xlsx"
    with zipfile.ZipFile(typed, "w") as zf:  # declared by its content types only
        zf.writestr("[Content_Types].xml", '<Types><Default ContentType="application/vnd.ms-excel.sheet.macroEnabled'
                                           '.main+xml"/></Types>')
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(file_checks.UnsafeWorkbook, match="macros"):
        file_checks.check_workbook_file(typed)
    with pytest.raises(file_checks.UnsafeWorkbook, match=r"\.xlsm"):
        file_checks.check_workbook_file(tmp_path / "classeur.xlsm")
    rows = list(file_checks.limited_rows([[1] * 3] * 5, "S", max_rows=5, max_columns=3))
    assert len(rows) == 5
    with pytest.raises(file_checks.UnsafeWorkbook, match="lignes"):
        list(file_checks.limited_rows([[1]] * 6, "S", max_rows=5))
    with pytest.raises(file_checks.UnsafeWorkbook, match="colonnes"):
        list(file_checks.limited_rows([[1] * 4], "S", max_columns=3))


def test_values_found_by_the_full_run_are_french_errors():
    """Crashes found by `python -m tests.fuzz.fuzz_import --files 1000 --seed 7` (first run): now refusals."""
    from erbm_desk.domain.values import parse_decimal, parse_int
    from erbm_desk.services.exchange.reader import parse_timestamp

    for raw in ("1e308", 10**20, 1e308):
        with pytest.raises(ValueError, match="trop grand"):
            parse_decimal(raw)
        with pytest.raises(ValueError):
            parse_int(raw)
    for raw in (10**20, 1e308):
        with pytest.raises(ValueError, match="date et heure"):
            parse_timestamp(raw)
