"""French social-security numbers (NIR) in an imported workbook: such a column is never imported.

ERBM Desk does not collect them (no indicator needs them, and the CNIL restricts their use). A column is known
for one by its header (`is_nir_header`) or by its values (`looks_like_nir`); the import drops it with
`NIR_NOTICE`.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from erbm_desk.domain.text import fold

_NIR_WORDS = ("nir", "secu", "securite sociale", "numero ss", "n ss", "no ss", "num ss", "ss", "nss",
              "insee personne", "matricule secu", "immatriculation securite sociale")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> str:
    return " ".join(_NOT_ALNUM.sub(" ", fold(text)).split())


def is_nir_header(text: Any) -> bool:
    """« NIR », « N° sécu », « Numéro de sécurité sociale », « N° SS »… (not « Code INSEE »: communes have one)."""
    folded = _words(text or "")
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
