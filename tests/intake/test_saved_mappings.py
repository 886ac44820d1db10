"""A mapping is remembered under a name with the import that used it, proposed again for the next file of the same
shape (other months, another year, a renamed sheet), written to a JSON file and read back; a base made by the
previous version gains the table on opening, its figures unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from erbm_desk.db import migrate
from erbm_desk.db.engine import make_engine
from erbm_desk.services.exchange.mapping.fields import MONTH_HOURS
from erbm_desk.services.exchange.mapping.intake import Intake
from erbm_desk.services.exchange.mapping.model import Mapping, MappingFileError
from erbm_desk.services.exchange.mapping.saved import export_mapping, list_mappings, read_mapping_file
from tests.intake.conftest import bring_in, review_of
from tests.intake.workbooks import wide_workbook

DATA = Path(__file__).resolve().parents[1] / "data"


def _next_year(path: Path, target: Path) -> Path:
    """The same layout a year later: months of 2025 (typed as text), the sheet renamed."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.title = "Suivi 2025"
    for cell in ws[4]:
        if cell.is_date:
            cell.value = f"{cell.value:%m}/2025"
    wb.save(target)
    return target


def test_the_mapping_of_an_import_is_proposed_for_the_next_file_of_the_same_shape(tmp_path, sqlite_db):
    first = wide_workbook(tmp_path / "suivi-2024.xlsx")
    bring_in(sqlite_db, first, save_as="Suivi PLIE Lens")
    with sqlite_db.sessions() as s:
        [saved] = list_mappings(s)
    assert saved.name == "Suivi PLIE Lens" and saved.last_used_at is not None
    later = Intake.open(_next_year(first, tmp_path / "suivi-2025.xlsx"), [saved.mapping])
    assert later.saved_name == "Suivi PLIE Lens"
    assert [s.sheet for s in later.mapping.sheets] == ["Suivi 2025"]
    months = [c.header for c in later.mapping.sheets[0].columns if c.target == MONTH_HOURS]
    assert months[0] == "01/2025" and len(months) == 12


def test_a_file_of_another_shape_is_not_offered_a_saved_mapping(tmp_path, sqlite_db):
    first = wide_workbook(tmp_path / "suivi.xlsx")
    bring_in(sqlite_db, first, save_as="Suivi PLIE Lens")
    wb = openpyxl.load_workbook(first)
    wb.active["E4"] = "Allocataire RSA"
    wb.save(tmp_path / "autre.xlsx")
    with sqlite_db.sessions() as s:
        saved = [m.mapping for m in list_mappings(s)]
    assert Intake.open(tmp_path / "autre.xlsx", saved).saved_name is None


def test_a_workbook_kept_one_sheet_per_month_brings_its_new_months_with_the_saved_mapping(tmp_path, sqlite_db):
    from tests.intake.workbooks import sheet_per_month_workbook

    first = sheet_per_month_workbook(tmp_path / "heures.xlsx")
    bring_in(sqlite_db, first, save_as="Heures par mois")
    wb = openpyxl.load_workbook(first)
    may = wb.copy_worksheet(wb["Mars 2024"])
    may.title = "Mai 2024"  # a month more: NOWAK's hours of May are the ones of March, 20
    may.delete_rows(2, 2)
    wb.save(tmp_path / "heures-mai.xlsx")
    with sqlite_db.sessions() as s:
        saved = [m.mapping for m in list_mappings(s)]
    later = Intake.open(tmp_path / "heures-mai.xlsx", saved)
    assert later.saved_name == "Heures par mois"
    assert [s.sheet for s in later.mapping.sheets] == ["Janvier 2024", "Février 2024", "Mars 2024", "Feuil4",
                                                       "Mai 2024"]
    result = review_of(sqlite_db, later)
    assert result.ok and result.counts["hours_entry"]["new"] == 1 and result.counts["hours_entry"]["unchanged"] == 7


def test_a_mapping_of_no_sheet_is_offered_to_no_file(tmp_path):
    empty = Mapping(name="Vide")  # e.g. a hand-edited file whose sheets were deleted
    assert Intake.open(wide_workbook(tmp_path / "suivi.xlsx"), [empty]).saved_name is None


def test_a_mapping_goes_to_a_json_file_and_comes_back_the_same(tmp_path):
    intake = Intake.open(wide_workbook(tmp_path / "suivi.xlsx"))
    intake.mapping.name = "Suivi PLIE"
    intake.mapping.constants["contract.hours_planned"] = "151,67"
    intake.mapping.matches["beneficiary"] = {"nowak|piotr|1996-05-05": "8d6c1c1e-0000-4000-8000-000000000001"}
    path = export_mapping(intake.mapping, tmp_path / "suivi-plie.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "ERBM Desk — correspondance d'import" and data["version"] == 1
    back = read_mapping_file(path)
    assert back.to_dict() == intake.mapping.to_dict()
    assert back.shape == intake.mapping.shape


def test_a_file_that_is_no_mapping_is_refused_in_french(tmp_path):
    path = tmp_path / "autre.json"
    path.write_text('{"bonjour": 1}', encoding="utf-8")
    with pytest.raises(MappingFileError, match="n'est pas une correspondance"):
        read_mapping_file(path)
    with pytest.raises(MappingFileError, match="JSON illisible"):
        Mapping.from_json("{")


def test_a_base_of_the_previous_version_gains_the_mappings_table_with_its_figures_unchanged(tmp_path):
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.reporting.indicators import compute_indicators

    path = tmp_path / "ancienne.sqlite"
    shipped = DATA / "base-schema-0004.sqlite"
    if shipped.exists():
        shutil.copy(shipped, path)
    else:  # the same schema, made here: an empty base at revision 0004
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine, "0004_audit_key")
        engine.dispose()
    engine = make_engine(f"sqlite:///{path}")
    assert migrate.current_revision(engine) == "0004_audit_key"
    engine.dispose()
    db = open_database(str(path))
    try:
        with db.sessions() as s:
            figures = compute_indicators(s)
            assert list_mappings(s) == []
        if shipped.exists():
            stats = json.loads((DATA / "base-schema-0004.stats.json").read_text(encoding="utf-8"))[""]
            assert float(figures.hours_realised) == stats["hours_realised"] and figures.people == stats["people"]
    finally:
        db.close()
