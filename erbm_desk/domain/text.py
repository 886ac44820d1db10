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


# What a stored text may not hold (names, labels, notes): control characters (C0 but the white space that is
# collapsed anyway, DEL, C1), lone surrogates and non-characters, and the invisible marks that reorder text on
# screen (bidirectional overrides and isolates, U+061C, U+200E/F): « Cité‮ 2024 » would display backwards, and
# a NUL cuts a name in some programs. Refused, not silently removed: the person who typed it is told.
_NOT_IN_A_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def forbidden_character(text: str) -> str | None:
    """The first character `text` may not hold, described in French (« U+202E, qui inverse le sens du texte »),
    or None when the text is clean."""
    found = _NOT_IN_A_TEXT.search(text)
    if found is None:
        return None
    ch = found.group()
    code = f"U+{ord(ch):04X}"
    if ch in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return f"{code}, une marque invisible qui change le sens d'affichage du texte"
    if ord(ch) <= 0x9F:
        return f"{code}, un caractère de contrôle invisible"
    return f"{code}, un caractère invalide"
