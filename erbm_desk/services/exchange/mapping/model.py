"""A mapping: how one layout of workbook goes into the base — its sheets and header rows, the field of each
column, the choice each list value stands for, values given for every row, the year of month headers, and the
records of the file matched by hand with records of the base. Remembered under a name (saved.py) and written
as a JSON file; proposed again for a file of the same shape (the same headers, months aside)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from erbm_desk.domain.text import fold
from erbm_desk.services.exchange.mapping.fields import targets
from erbm_desk.services.exchange.mapping.months import month_header

JSON_FORMAT = "ERBM Desk — correspondance d'import"
JSON_VERSION = 1
MONTH_TOKEN = "#mois"


class MappingFileError(ValueError):
    """A mapping file that cannot be used (French message)."""


@dataclass
class ColumnMapping:
    index: int  # 0-based column of the sheet
    header: str
    target: str | None  # a target code (fields.py); None: the column is ignored


@dataclass
class SheetMapping:
    sheet: str
    header_row: int  # 1-based
    columns: list[ColumnMapping] = field(default_factory=list)

    def target_of(self, index: int) -> str | None:
        for c in self.columns:
            if c.index == index:
                return c.target
        return None

    def mapped(self) -> list[ColumnMapping]:
        return [c for c in self.columns if c.target]


@dataclass
class Mapping:
    sheets: list[SheetMapping] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # target -> value key -> choice code
    constants: dict[str, str] = field(default_factory=dict)  # target -> value for every row (no column)
    records: dict[str, str] = field(default_factory=dict)  # entity -> UUID of one record for every row
    year: int | None = None  # of month headers that name none
    matches: dict[str, dict[str, str]] = field(default_factory=dict)  # entity -> identity -> UUID in the base
    name: str = ""

    def sheet(self, name: str) -> SheetMapping | None:
        return next((s for s in self.sheets if s.sheet == name), None)

    def targets_used(self) -> set[str]:
        return {c.target for s in self.sheets for c in s.columns if c.target} | set(self.constants)

    @property
    def shape(self) -> str:
        return shape_of([[c.header for c in s.columns] for s in self.sheets])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        try:
            sheets = [SheetMapping(s["sheet"], int(s["header_row"]),
                                   [ColumnMapping(int(c["index"]), str(c["header"]), c.get("target") or None)
                                    for c in s.get("columns", ())])
                      for s in data.get("sheets", ())]
            mapping = cls(sheets, {t: {str(k): str(v) for k, v in vals.items()}
                                   for t, vals in data.get("values", {}).items()},
                          {str(k): str(v) for k, v in data.get("constants", {}).items()},
                          {str(k): str(v) for k, v in data.get("records", {}).items()},
                          int(data["year"]) if data.get("year") else None,
                          {e: {str(k): str(v) for k, v in m.items()} for e, m in data.get("matches", {}).items()},
                          str(data.get("name") or ""))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MappingFileError(f"Correspondance illisible ({exc}).") from None
        known = targets()
        unknown = sorted({c.target for s in mapping.sheets for c in s.columns if c.target and c.target not in known}
                         | {t for t in mapping.constants if t not in known})
        if unknown:
            # a field that no longer exists (or a file from a newer version): its columns are ignored, and said so
            for s in mapping.sheets:
                for c in s.columns:
                    if c.target in unknown:
                        c.target = None
            for t in unknown:
                mapping.constants.pop(t, None)
        return mapping

    def to_json(self) -> str:
        return json.dumps({"format": JSON_FORMAT, "version": JSON_VERSION, "mapping": self.to_dict()},
                          ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingFileError(f"Ce fichier n'est pas une correspondance d'import (JSON illisible : {exc}).") \
                from None
        if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
            raise MappingFileError("Ce fichier n'est pas une correspondance d'import ERBM Desk.")
        if int(data.get("version", 0)) > JSON_VERSION:
            raise MappingFileError("Cette correspondance vient d'une version plus récente d'ERBM Desk.")
        return cls.from_dict(data.get("mapping") or {})


def header_token(header: str) -> str:
    return MONTH_TOKEN if month_header(header) is not None else fold(header)


def shape_of(sheets_headers: list[list[str]]) -> str:
    """What files of the same layout have in common: their headers, month headers counted as one kind."""
    text = "\n".join(sorted("|".join(header_token(h) for h in headers) for headers in sheets_headers))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
