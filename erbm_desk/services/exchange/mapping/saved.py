"""Mappings remembered in the base under a name (table `import_mapping`): listed, found again for a file of the
same layout, saved with the import that used them (same transaction), written to and read from a JSON file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.domain.french import count_agreed
from erbm_desk.db.models import ImportMapping, utcnow
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.exchange.mapping.fields import MONTH_HOURS
from erbm_desk.services.exchange.mapping.model import Mapping, MappingFileError
from erbm_desk.services.security import authz

MAX_NAME = 120


@dataclass(frozen=True)
class SavedMapping:
    name: str
    shape: str
    mapping: Mapping
    created_at: datetime
    last_used_at: datetime | None

    @property
    def description(self) -> str:
        sheets = ", ".join(f"« {s.sheet} »" for s in self.mapping.sheets)
        mapped = [c for s in self.mapping.sheets for c in s.mapped()]
        months = sum(1 for c in mapped if c.target == MONTH_HOURS)
        text = f"{sheets} — {count_agreed(len(mapped) - months, 'colonne', 'associé', True)}"
        return text + (f" et {months} mois" if months else "")


def _saved(row: ImportMapping) -> SavedMapping:
    mapping = Mapping.from_json(row.content)
    mapping.name = row.name
    return SavedMapping(row.name, row.shape, mapping, row.created_at, row.last_used_at)


def list_mappings(session: Session) -> list[SavedMapping]:
    """Every saved mapping, the most recently used first."""
    rows = session.scalars(select(ImportMapping)).all()
    out = []
    for row in rows:
        try:
            out.append(_saved(row))
        except MappingFileError:
            continue  # written by a newer version: not offered
    out.sort(key=lambda m: m.last_used_at or m.created_at, reverse=True)
    return out


def get_mapping(session: Session, name: str) -> SavedMapping | None:
    row = session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    return _saved(row) if row is not None else None


def clean_name(name: str) -> str:
    name = " ".join(str(name).split())[:MAX_NAME]
    if not name:
        raise MappingFileError("Donnez un nom à la correspondance.")
    return name


def save_mapping(session: Session, name: str, mapping: Mapping) -> None:
    """Save (or replace) the mapping under `name`, in the caller's transaction."""
    authz.require(session, authz.DATA_IMPORT)
    name = clean_name(name)
    mapping.name = name
    now = utcnow()
    row = session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    if row is None:
        row = ImportMapping(name=name, created_at=now)
        session.add(row)
    row.shape = mapping.shape
    row.content = mapping.to_json()
    row.updated_at = now
    row.last_used_at = now
    session.flush()


def export_mapping(mapping: Mapping, path: str | Path) -> Path:
    """Write the mapping as a JSON file (whole or not at all)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(mapping.to_json(), encoding="utf-8")
    return path


def read_mapping_file(path: str | Path) -> Mapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingFileError(f"Impossible de lire « {path.name} » : {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise MappingFileError(f"« {path.name} » n'est pas une correspondance d'import (JSON).") from None
    mapping = Mapping.from_json(text)
    if not mapping.name:
        mapping.name = path.stem
    return mapping
