"""What a workbook says about itself, in « clé | valeur » rows: the Lisez-moi sheet of an exchange workbook (its
keys are `README_KEYS`) and the title rows of an hours statement, read back into typed values."""

from __future__ import annotations

from typing import Any

from erbm_desk.domain.text import fold
from erbm_desk.services.exchange.reader import is_blank, parse_timestamp
from erbm_desk.services.exchange.sheet_format import header_key

README_KEYS = {
    "format": "Format",
    "version": "Version du format",
    "exported_at": "Exporté le (UTC)",
    "organisation": "Organisation",
    "site": "Identifiant de la base",
    "anonymous": "Anonyme",
    "scope": "Périmètre",
    "period": "Période",
}


def readme_metadata(found: dict[str, Any]) -> dict[str, Any]:
    """The Lisez-moi's values (`found`: by `header_key` of their label), typed."""
    meta: dict[str, Any] = {}
    for key, label in README_KEYS.items():
        value = found.get(header_key(label))
        if not is_blank(value):
            meta[key] = value
    return normalise_metadata(meta)


def normalise_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Typed metadata: the export time to the millisecond, the site in lower case, the version a number, the
    anonymity a boolean; a value that cannot be read is dropped (or None for the version)."""
    out = dict(meta)
    if "exported_at" in out:
        try:
            out["exported_at"] = parse_timestamp(out["exported_at"], exact=True)
        except ValueError:
            out.pop("exported_at")
    if "site" in out:
        out["site"] = str(out["site"]).strip().lower() or None
    if "version" in out:
        try:
            out["version"] = int(float(out["version"]))
        except (TypeError, ValueError):
            out["version"] = None
    if "anonymous" in out:
        out["anonymous"] = fold(str(out["anonymous"])) in ("oui", "vrai", "true", "1")
    return out
