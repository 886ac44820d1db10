"""Checks on an imported workbook that complement `services/excel/safety.py` (zip index, sizes, ratios, lying
entries, encryption, .xls/.ods): macros refused, rows and columns bounded, social-security numbers dropped.

- `check_workbook(path)`: a macro-enabled workbook (.xlsm/.xltm/.xlam, a `vbaProject.bin`, a macro content
  type, ActiveX or Excel 4 macro sheets) is refused before any parser reads it.
- `limited_rows(rows, sheet)`: passes the rows of a sheet through, and stops with a French error past
  `MAX_ROWS` rows or `MAX_COLUMNS` columns (a sheet's declared dimension can lie: count while reading).
- `is_nir_header(text)` / `looks_like_nir(value)`: a column that holds French social-security numbers (NIR) is
  never imported: ERBM Desk does not collect them (no indicator needs them, and the CNIL restricts their use);
  `NIR_NOTICE` is the notice the import shows.

Formula text: calamine returns a formula cell's cached value, never the formula; text that merely starts
with « = » is stored as text and neutralised whenever it is written back to a workbook (excel/sheetwriter).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator

try:  # the Excel exchange's own error type, so that its callers show ours the same way
    from erbm_desk.services.exchange.errors import ExcelFileError as _Base
except ImportError:  # pragma: no cover - the exchange package is optional for this module
    _Base = ValueError

MAX_ROWS = 300_000  # ERBM at 10× scale: 250 000 monthly hour rows
MAX_COLUMNS = 200
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
MACRO_PARTS = ("vbaproject.bin", "xl/macrosheets/", "xl/activex/", "xl/dialogsheets/")
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "ms-office.activex", "macrosheet")


class UnsafeWorkbook(_Base):
    """The workbook is refused; the message is French."""


def check_workbook(path: str | Path) -> None:
    """Refuse a macro-enabled workbook (extension, parts or content types), before any parser reads it."""
    path = Path(path)
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise UnsafeWorkbook(f"« {path.name} » est un classeur à macros ({path.suffix}) : refusé. Enregistrez-le "
                             "au format « Classeur Excel (.xlsx) » puis importez-le.")
    try:
        with zipfile.ZipFile(path) as zf:
            names = [i.filename.lower() for i in zf.infolist()]
            types = b""
            info = next((i for i in zf.infolist() if i.filename.lower() == "[content_types].xml"), None)
            if info is not None and info.file_size <= 4 * 1024 * 1024:
                types = zf.read(info).lower()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return  # not a readable zip: the exchange's own check (excel/safety.py) reports it
    if any(part in name for name in names for part in MACRO_PARTS) or any(
        t.encode() in types for t in MACRO_CONTENT_TYPES
    ):
        raise UnsafeWorkbook(f"« {path.name} » contient des macros ou des contrôles ActiveX : refusé. Enregistrez "
                             "une copie au format « Classeur Excel (.xlsx) » sans macros puis importez-la.")


def limited_rows(rows: Iterable[list], sheet: str, max_rows: int = MAX_ROWS,
                 max_columns: int = MAX_COLUMNS) -> Iterator[list]:
    """The rows of a sheet, checked while they are read (a sheet may lie about its dimensions)."""
    for n, row in enumerate(rows, start=1):
        if n > max_rows:
            raise UnsafeWorkbook(f"La feuille « {sheet} » a plus de {max_rows:,} lignes : refusée.".replace(",", " "))
        if len(row) > max_columns:
            last = max((i for i, c in enumerate(row) if c not in (None, "")), default=-1)
            if last >= max_columns:
                raise UnsafeWorkbook(f"La feuille « {sheet} » a plus de {max_columns} colonnes : refusée.")
            row = row[:max_columns]
        yield row


# --- Social-security numbers (NIR) -------------------------------------------------------------------------

_NIR_WORDS = ("nir", "secu", "securite sociale", "numero ss", "n ss", "no ss", "num ss", "ss", "nss",
              "insee personne", "matricule secu", "immatriculation securite sociale")


def _fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


def is_nir_header(text: Any) -> bool:
    """« NIR », « N° sécu », « Numéro de sécurité sociale », « N° SS »… (not « Code INSEE »: communes have one)."""
    folded = _fold(text or "")
    if not folded:
        return False
    if folded in _NIR_WORDS or "securite sociale" in folded or folded.startswith(("nir ", "num secu", "n secu")):
        return True
    words = folded.split()
    return "nir" in words or "secu" in words or (words[:1] in (["n"], ["no"], ["numero"]) and words[-1:] == ["ss"])


_NIR = re.compile(r"^([1-478])(\d{2})(\d{2})(\d{2}|2A|2B)(\d{3})(\d{3})(\d{2})?$")


def looks_like_nir(value: Any) -> bool:
    """13 or 15 characters shaped like a NIR (sex, year, month, département incl. 2A/2B, commune, order[, key]);
    with the key, the key must be right (97 − number mod 97)."""
    text = re.sub(r"[\s.\-]", "", str(value or "")).upper()
    match = _NIR.match(text)
    if not match:
        return False
    key = match.group(7)
    if key is None:
        return True
    digits = text[:13].replace("2A", "19").replace("2B", "18")
    return int(key) == 97 - int(digits) % 97


NIR_NOTICE = ("colonne « {header} » : numéro de sécurité sociale (NIR), non importé — ERBM Desk ne collecte pas "
              "ce numéro ; supprimez cette colonne des fichiers que vous envoyez.")


def nir_columns(headers: Iterable[Any], sample_rows: Iterable[Iterable[Any]] = ()) -> list[int]:
    """Indexes of the columns that hold NIRs: by their header, or because most sample values look like one."""
    headers = list(headers)
    found = {i for i, h in enumerate(headers) if is_nir_header(h)}
    rows = [list(r) for r in sample_rows]
    for i in range(len(headers)):
        values = [r[i] for r in rows if i < len(r) and r[i] not in (None, "")]
        if values and sum(1 for v in values if looks_like_nir(v)) * 2 > len(values):
            found.add(i)
    return sorted(found)
