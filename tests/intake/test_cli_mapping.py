"""`erbm-desk import FICHIER --mapping auto|MAPPING.json|NOM` and `erbm-desk mappings`: the window's steps from the
command line; a file that cannot be mapped without doubt is refused with the French list of what is missing."""

from __future__ import annotations

import json

import openpyxl

from erbm_desk.cli.main import main
from tests.intake.conftest import counts, indicators
from tests.intake.workbooks import TOTAL_HOURS, csv_file, other_tool_workbook, wide_workbook


def _db(sqlite_db) -> str:
    return sqlite_db.url.removeprefix("sqlite:///")


def test_auto_imports_a_file_whose_every_column_is_clear(tmp_path, sqlite_db, capsys):
    path = wide_workbook(tmp_path / "suivi.xlsx")
    assert main(["--db", _db(sqlite_db), "import", str(path), "--mapping", "auto", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Diagnostics d'éligibilité : 3 nouveaux" in out  # the criteria of each person's row
    assert "Essai à blanc : 21 lignes seraient écrites" in out
    assert "-26 ANS — ignorée : calculé par l'application" in out
    assert counts(sqlite_db)["beneficiary"] == 0
    assert main(["--db", _db(sqlite_db), "import", str(path), "--mapping", "auto",
                 "--enregistrer", "Suivi PLIE"]) == 0
    out = capsys.readouterr().out
    assert "Bénéficiaires : 3 ajoutés" in out and "Correspondance enregistrée sous « Suivi PLIE »" in out
    assert indicators(sqlite_db).hours_realised == TOTAL_HOURS


def test_auto_refuses_a_file_with_unmapped_fields_and_writes_nothing(tmp_path, sqlite_db, capsys):
    path = wide_workbook(tmp_path / "suivi.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["D4"] = "Statut"  # the sex column: a header that names nothing
    ws["E5"] = "en attente"  # a criterion nobody can read as yes or no
    wb.save(path)
    before = counts(sqlite_db)
    assert main(["--db", _db(sqlite_db), "import", str(path), "--mapping", "auto"]) == 1
    captured = capsys.readouterr()
    assert "Correspondance incomplète" in captured.out
    assert "« Sexe » (bénéficiaire) : aucune colonne ne le donne, alors qu'il faut créer 3 bénéficiaires." \
        in captured.out
    assert "« Bénéficiaire du RSA (bénéficiaire) » : valeur sans correspondance « en attente »." in captured.out
    assert "rien n'a été importé" in captured.err and "Traceback" not in captured.err
    assert counts(sqlite_db) == before


def test_a_file_with_errors_is_refused_with_each_cell_named(tmp_path, sqlite_db, capsys):
    path = wide_workbook(tmp_path / "suivi.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["S6"] = "32/13/2024"
    wb.save(path)
    before = counts(sqlite_db)
    assert main(["--db", _db(sqlite_db), "import", str(path), "--mapping", "auto"]) == 1
    captured = capsys.readouterr()
    assert "Erreur — feuille « Suivi 2024 », ligne 6, colonne « Date de début » (S) :" in captured.out
    assert "1 erreur dans" in captured.err
    assert counts(sqlite_db) == before


def test_a_saved_or_exported_mapping_is_used_by_name_or_file(tmp_path, sqlite_db, capsys):
    db = _db(sqlite_db)
    path = other_tool_workbook(tmp_path / "export.xlsx")
    assert main(["--db", db, "import", str(path), "--mapping", "auto", "--enregistrer", "Outil régional"]) == 0
    assert main(["--db", db, "mappings"]) == 0
    out = capsys.readouterr().out
    assert "Outil régional — « export » — 19 colonnes associées et 12 mois" in out
    target = tmp_path / "outil.json"
    assert main(["--db", db, "mappings", "--export", "Outil régional", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["mapping"]["name"] == "Outil régional"
    capsys.readouterr()
    assert main(["--db", db, "import", str(path), "--mapping", str(target)]) == 0
    assert "Rien à importer" in capsys.readouterr().out
    assert main(["--db", db, "import", str(path), "--mapping", "Outil régional"]) == 0
    assert main(["--db", db, "import", str(wide_workbook(tmp_path / "suivi.xlsx")), "--mapping",
                 "Outil régional"]) == 1
    assert "ne convient pas" in capsys.readouterr().err


def test_a_csv_file_goes_through_the_same_flow(tmp_path, sqlite_db, capsys):
    path = csv_file(tmp_path / "suivi.csv", ";", "cp1252")
    assert main(["--db", _db(sqlite_db), "import", str(path)]) == 1
    assert "--mapping auto" in capsys.readouterr().err  # a CSV needs a mapping: said how
    assert main(["--db", _db(sqlite_db), "import", str(path), "--mapping", "auto"]) == 0
    assert "encodage Windows-1252, séparateur « ; »" in capsys.readouterr().out
    assert indicators(sqlite_db).people == 3


def test_our_own_workbook_given_a_mapping_is_imported_as_always(tmp_path, sqlite_db, small_dataset_file, capsys):
    assert main(["--db", _db(sqlite_db), "import", str(small_dataset_file), "--mapping", "auto"]) == 0
    out = capsys.readouterr().out
    assert "est un classeur d'échange ERBM Desk : importé tel quel" in out
    assert indicators(sqlite_db).people == 3

