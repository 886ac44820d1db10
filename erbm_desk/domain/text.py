"""Rules on text shared by every layer: how names are compared (folding), what a spreadsheet cell may hold."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text, for matching what people type against known labels."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("’", "'").lower().split())


# Cells of a workbook (the exchange, the audit and GDPR extracts) and of a CSV file.

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# What a workbook cannot hold: C0 controls but tab, line feed and carriage return (openpyxl raises
# IllegalCharacterError), DEL, and lone surrogates (not encodable in UTF-8).
_NOT_IN_A_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_cell_text(text: str) -> str:
    """`text` without the characters a workbook cell cannot hold (removed, not replaced)."""
    return _NOT_IN_A_CELL.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet could take for a formula (formula injection): to be written as forced text."""
    return text.startswith(FORMULA_LEADS)
