"""The error report: every problem with its sheet, row, column and a French message; nothing written."""

from __future__ import annotations

import openpyxl
import pytest

from erbm_desk.cli.main import main
from erbm_desk.services.exchange import apply_import, plan_import
from erbm_desk.services.exchange.apply import PlanNotReady
from erbm_desk.services.progress import Cancelled
from tests.services.test_excel_support import export, fresh_db, plan, table_dump


def _sheet(wb, title, rows):
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)


def faulty(path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Cités", [
        ["Nom de la cité", "Commune", "Logements"],
        ["Cité Bis", "Atlantis", 10],
        ["Cité Ter", "Lens", -3],
        ["Cité Ter", "62498", 5],
    ])
    _sheet(wb, "Entreprises", [
        ["Raison sociale", "SIRET", "Type de structure"],
        ["Mauvais SIRET", "73282932000075", "Entreprise"],
        ["Sans type", "35600000000048", "Banque"],
    ])
    _sheet(wb, "Opérations", [
        ["Intitulé", "Cité", "Nature", "Phase", "Début des travaux", "Fin prévue"],
        ["Op 1", "Cité Ter", "Réhabilitation", "Études", "31/02/2024", None],
        ["Op 2", "Cité Inconnue", "Réhabilitation", "Études", "01/03/2024", "01/01/2024"],
    ])
    _sheet(wb, "Heures", [["Mois", "Heures"], ["01/2024", 12]])
    wb.save(path)
    return path


EXPECTED = {
    ("Cités", 2, "« Commune » (B)"): "commune inconnue « Atlantis »",
    ("Cités", 3, "« Logements » (C)"): "Le nombre de logements ne peut pas être négatif.",
    ("Cités", 4, "« Nom de la cité » (A)"): "doublon de la ligne 3",
    ("Entreprises", 2, "« SIRET » (B)"): "SIRET invalide : la clé de contrôle (son dernier chiffre) ne correspond pas.",
    ("Entreprises", 3, "« Type de structure » (C)"): "« Banque » n'est pas un choix possible",
    ("Opérations", 2, "« Début des travaux » (E)"): "« 31/02/2024 » n'est pas une date valide (jj/mm/aaaa).",
    ("Opérations", 3, "« Cité » (B)"): "« Cité Inconnue » est introuvable",
    ("Opérations", 3, "« Fin prévue » (F)"): "La date de fin doit être postérieure ou égale à la date de début.",
    ("Heures", 1, None): "colonne obligatoire absente : « Contrat ».",
}


def test_every_problem_is_reported_with_its_place_and_nothing_is_written(tmp_path, db):
    path = faulty(tmp_path / "erreurs.xlsx")
    before = table_dump(db)
    p = plan(db, path)
    found = {(e.sheet, e.row, e.column): e.message for e in p.errors}
    for where, message in EXPECTED.items():
        assert where in found, (where, sorted(found))
        assert message in found[where], (where, found[where])
    with pytest.raises(PlanNotReady):
        with db.session() as s:
            apply_import(s, p)
    assert table_dump(db) == before
    text = str(p.errors[0])
    assert text.startswith("feuille « Cités », ligne 2, colonne « Commune » (B) : ")


def test_the_cli_lists_the_errors_and_exits_1(tmp_path, capsys):
    db_path = tmp_path / "cli.sqlite"
    path = faulty(tmp_path / "erreurs.xlsx")
    assert main(["--db", str(db_path), "import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Erreur — feuille « Entreprises », ligne 2, colonne « SIRET » (B)" in out
    assert err.count("\n") == 1 and "rien n'a été importé" in err
    db, pristine = fresh_db(tmp_path, "cli"), fresh_db(tmp_path, "pristine")
    try:
        assert table_dump(db)["cite"] == table_dump(pristine)["cite"]
    finally:
        db.close()
        pristine.close()


class CancelAfter:
    """A progress that asks to cancel after `n` steps."""

    def __init__(self, n: int):
        self.n = n
        self.steps = 0

    def start(self, total: int, label: str = "") -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        self.steps += steps

    def cancelled(self) -> bool:
        return self.steps >= self.n


def test_a_cancelled_import_writes_nothing(tmp_path, db, small_dataset):
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    other = fresh_db(tmp_path, "other")
    before = table_dump(other)
    with pytest.raises(Cancelled):
        with other.session() as s:
            p = plan_import(s, path)
            apply_import(s, p, CancelAfter(1), check_database=False)
    assert table_dump(other) == before
    other.close()


def test_a_cancelled_export_leaves_no_file(tmp_path, db, small_dataset):
    from erbm_desk.services.exchange import ExportOptions, export_workbook

    target = tmp_path / "x.xlsx"
    with pytest.raises(Cancelled):
        with db.session() as s:
            export_workbook(s, target, ExportOptions(), CancelAfter(1))
    assert not target.exists() and not list(tmp_path.glob(".x.xlsx.*"))


def test_a_contract_without_start_date_is_reported_not_a_crash(tmp_path, db, small_dataset):
    """Found by the fuzz run (seed 7): the hours of a contract whose start date cell is blank."""
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["Contrats"]
    header = [c.value for c in ws[1]]
    column = header.index("Début") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row, column).value = None
    wb.save(path)
    other = fresh_db(tmp_path, "other")
    before = table_dump(other)
    try:
        p = plan(other, path)
        assert any(e.sheet == "Contrats" and "Début" in (e.column or "") for e in p.errors)
        assert table_dump(other) == before
    finally:
        other.close()


def test_contracts_naming_a_faulty_operation_by_identifier_are_reported_not_a_crash(tmp_path, db, small_dataset):
    """An operation row whose cité cannot be found (so it has no text to be named by), and the contracts referring
    to it by its identifier: the preview lists the errors; the checking does not stop on a traceback."""
    path = export(db, tmp_path / "echange.xlsx")
    wb = openpyxl.load_workbook(path)
    contracts = wb["Contrats"]
    named = [c.value for c in contracts[1]].index("Opération (identifiant)")
    operation = contracts.cell(row=2, column=named + 1).value
    ws = wb["Opérations"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=header.index("Identifiant") + 1).value
               == operation)
    ws.cell(row=row, column=header.index("Cité") + 1).value = "Cité introuvable"
    ws.cell(row=row, column=header.index("Cité (identifiant)") + 1).value = None
    wb.save(path)
    other = fresh_db(tmp_path, "autre")  # every row new: references to rows of the file, not to records
    try:
        checked = plan(other, path)
    finally:
        other.close()
    assert not checked.ok
    assert ("Opérations", row) in [(e.sheet, e.row) for e in checked.errors]
