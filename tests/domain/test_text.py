"""Text rules shared by every layer: folding, and what a spreadsheet cell may hold."""

import openpyxl
import pytest

from erbm_desk.domain.text import FORMULA_LEADS, clean_cell_text, fold, looks_like_formula


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  Cité   SAINTE-Barbe ") == "cite sainte-barbe" and fold("l’Escaut") == "l'escaut"


def test_a_cleaned_text_is_accepted_by_a_workbook(tmp_path):
    dirty = "Ab\x01c\x00\x1f\x7f\ud800 — tab\tline\ncr\r"
    cleaned = clean_cell_text(dirty)
    assert cleaned == "Abc — tab\tline\ncr\r"
    ws = openpyxl.Workbook().active
    ws["A1"] = cleaned  # openpyxl raises IllegalCharacterError on what was removed
    with pytest.raises(openpyxl.utils.exceptions.IllegalCharacterError):
        ws["A2"] = dirty


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+33 6", "-moins", "@SUM(A1)", "\tx", "\rx"])
def test_texts_a_spreadsheet_could_take_for_a_formula(text):
    assert text[0] in FORMULA_LEADS and looks_like_formula(text)


def test_ordinary_texts_are_not_formulas():
    assert not any(looks_like_formula(t) for t in ("Dupont", " =1", "D'Artois", "", "1+1"))
