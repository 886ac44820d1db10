"""Finding the table in a sheet as people lay it out: the header row below a merged title and blank rows, month
columns as real dates or text, every other column matched to a field of the entity descriptions whatever its
spelling, the columns the application computes itself set aside with their reason."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from erbm_desk.services.exchange.mapping.columns import AMBIGUOUS, EXACT, IGNORED, propose_columns, scored_targets
from erbm_desk.services.exchange.mapping.fields import FULL_NAME, MONTH_HOURS, YEAR, targets
from erbm_desk.services.exchange.mapping.intake import Intake
from erbm_desk.services.exchange.mapping.layout import data_rows, detect_header, is_totals_row
from erbm_desk.services.exchange.mapping.months import month_header
from erbm_desk.services.exchange.mapping.prepare import prepare
from erbm_desk.services.exchange.mapping.source import read_source
from erbm_desk.services.exchange.mapping.words import words
from tests.intake.workbooks import grouped_header_workbook, long_workbook, other_tool_workbook, wide_workbook


def _targets(intake: Intake, sheet: str) -> dict[str, str | None]:
    return {c.header: c.target for c in intake.mapping.sheet(sheet).columns}


@pytest.mark.parametrize("months", ["dates", "text"])
def test_the_header_is_found_below_the_merged_title_and_every_column_gets_its_field(tmp_path, months):
    intake = Intake.open(wide_workbook(tmp_path / "suivi.xlsx", months))
    assert [(s.sheet, s.header_row) for s in intake.mapping.sheets] == [("Suivi 2024", 4)]
    found = _targets(intake, "Suivi 2024")
    assert found["NOM"] == "beneficiary.last_name" and found["PRENOM"] == "beneficiary.first_name"
    assert found["Né(e) le"] == "beneficiary.birth_date" and found["BRSA"] == "beneficiary.rsa"
    assert found["N° SIRET"] == "company.siret" and found["Entreprise"] == "company.name"
    assert found["Cité"] == "cite.name" and found["Commune"] == "cite.commune_id"  # its neighbour is the cité
    assert found["Date de début"] == "contract.start_date"
    assert found["-26 ANS"] is None and found["Total"] is None
    month_columns = [c for c in intake.mapping.sheet("Suivi 2024").columns if c.target == MONTH_HOURS]
    assert len(month_columns) == 12
    prepared = prepare(intake.book, intake.mapping, {}, set())[0]
    assert [m.on(prepared.month_year) for _, m in prepared.months][:3] == [date(2024, 1, 1), date(2024, 2, 1),
                                                                          date(2024, 3, 1)]


def test_short_headers_under_a_merged_group_header_are_read_with_it(tmp_path):
    intake = Intake.open(grouped_header_workbook(tmp_path / "tableau.xlsx"))
    assert [(s.sheet, s.header_row) for s in intake.mapping.sheets] == [("Tableau de bord", 2)]
    by_column = {c.index: c.target for c in intake.mapping.sheet("Tableau de bord").columns}
    assert by_column[0] == "beneficiary.last_name"  # « Nom » under « Bénéficiaire »
    assert by_column[7] == "company.name"  # « Nom » under « Entreprise »
    assert by_column[9] == "company.kind"  # « Type » under « Entreprise »
    assert by_column[15] == "contract.contract_type"  # « Type » under « Contrat »
    assert intake.mapping.year == 2024  # « Heures réalisées 2024 » above « Janvier »…
    reasons = {p.index: p.reason for p in intake.proposals["Tableau de bord"]}
    assert reasons[7] == "d'après « Entreprise » au-dessus"
    assert reasons[0] == ""  # a header sure by itself keeps its own reading


def test_a_row_of_group_headers_without_merged_cells_covers_the_blank_cells_on_its_right():
    from erbm_desk.services.exchange.mapping.layout import header_cells
    from erbm_desk.services.exchange.mapping.source import SourceSheet

    sheet = SourceSheet("Suivi", [["Suivi du PLIE, mis à jour le 05/01/2025"],
                                  ["Bénéficiaire", "", "Entreprise", "", "Heures 2024", ""],
                                  ["Nom", "Prénom", "Nom", "Type", "Janvier", "Février"]])
    assert [h.group for h in header_cells(sheet, 3)] == ["Bénéficiaire", "Bénéficiaire", "Entreprise", "Entreprise",
                                                         "Heures 2024", "Heures 2024"]
    title_only = SourceSheet("Suivi", [["Suivi du PLIE, mis à jour le 05/01/2025"], ["Nom", "Prénom", "Janvier"]])
    assert [h.group for h in header_cells(title_only, 2)] == ["Suivi du PLIE, mis à jour le 05/01/2025", "", ""]


def test_the_stale_under_26_flag_and_the_total_column_are_set_aside_with_their_reason(tmp_path):
    intake = Intake.open(wide_workbook(tmp_path / "suivi.xlsx"))
    by_header = {p.header: p for p in intake.proposals["Suivi 2024"]}
    assert by_header["-26 ANS"].state == IGNORED and "calculé par l'application" in by_header["-26 ANS"].reason
    assert by_header["Total"].state == IGNORED and "total" in by_header["Total"].reason


def test_the_totals_row_and_blank_rows_are_not_data(tmp_path):
    book = read_source(wide_workbook(tmp_path / "suivi.xlsx"))
    sheet = book.sheets[0]
    assert detect_header(sheet) == 4
    rows = list(data_rows(sheet, 4))
    assert [n for n, _ in rows] == [5, 6, 7]  # the blank row 8 and the « TOTAL » row 9 are left out
    assert is_totals_row(sheet.rows[8])


@pytest.mark.parametrize("header, code", [
    ("PRENOM", "beneficiary.first_name"), ("Né(e) le", "beneficiary.birth_date"),
    ("DATE NAISSANCE", "beneficiary.birth_date"), ("BRSA", "beneficiary.rsa"), ("N° SIRET", "company.siret"),
    ("Numéro SIRET", "company.siret"), ("nom_beneficiaire", "beneficiary.last_name"),
    ("date_naissance", "beneficiary.birth_date"), ("rsa", "beneficiary.rsa"),
    ("Heures réalisées", "hours_entry.hours"),
    ("Employeur", "company.name"), ("Chantier", "operation.name"), ("Nom et prénom", FULL_NAME),
    ("Année", YEAR),
])
def test_headers_are_matched_whatever_their_case_accents_or_abbreviations(header, code):
    [proposal] = propose_columns([(0, header, header)])
    assert (proposal.target, proposal.state) == (code, EXACT)


@pytest.mark.parametrize("code", [c for c, t in targets().items() if t.column is not None])
def test_every_column_of_every_description_is_found_by_its_own_label(code):
    """A column another engineer adds without aliases is still matched by its label."""
    label = targets()[code].column.label
    best = scored_targets(label)
    assert code in [c for score, c in best if score == best[0][0]]


@pytest.mark.parametrize("entity", sorted({t.entity for t in targets().values() if t.column is not None}))
def test_no_alias_names_another_column_of_its_own_entity(entity):
    """Within one entity a header names one column: an alias equal to another column's label would make the
    import guess."""
    columns = [t for t in targets().values() if t.entity == entity and t.column is not None]
    for t in columns:
        others = {words(o.column.label) for o in columns if o is not t}
        assert not {words(a) for a in t.column.aliases} & others, t.code


def test_a_header_that_fits_two_entities_without_a_neighbour_is_left_ambiguous():
    [proposal] = propose_columns([(0, "Logements", "Logements")])
    assert proposal.state == AMBIGUOUS and proposal.target is None
    assert set(proposal.candidates[:2]) == {"cite.homes", "operation.homes"}


@pytest.mark.parametrize("header, expected", [
    ("janv.-24", (1, 2024)), ("Janvier 2024", (1, 2024)), ("01/2024", (1, 2024)), ("2024-03", (3, 2024)),
    ("heures_mois_01", (1, None)), ("Heures mars 2024", (3, 2024)), (date(2024, 5, 1), (5, 2024)),
    ("Mois", None), ("Date de début", None), ("Heures 2024", None),
])
def test_month_headers(header, expected):
    found = month_header(header)
    assert (None if found is None else (found.month, found.year)) == expected


def test_the_year_given_once_above_snake_case_month_columns_dates_them(tmp_path):
    intake = Intake.open(other_tool_workbook(tmp_path / "export.xlsx"))
    assert intake.mapping.year == 2024
    assert _targets(intake, "export")["heures_mois_07"] == MONTH_HOURS


def test_the_long_layout_proposes_both_sheets_with_their_header_rows(tmp_path):
    intake = Intake.open(long_workbook(tmp_path / "long.xlsx"))
    assert [(s.sheet, s.header_row) for s in intake.mapping.sheets] == [("Participants", 2), ("Heures", 1)]
    hours = _targets(intake, "Heures")
    assert hours["Mois"] == "hours_entry.month" and hours["Heures réalisées"] == "hours_entry.hours"
    assert hours["Nom"] == "beneficiary.last_name" and hours["Employeur"] == "company.name"


def test_a_sheet_without_a_table_is_not_proposed(tmp_path):
    path = wide_workbook(tmp_path / "suivi.xlsx")
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Rappel : envoyer le relevé au PLIE avant le 5 du mois"
    wb.save(path)
    intake = Intake.open(path)
    assert [s.sheet for s in intake.mapping.sheets] == ["Suivi 2024"]

