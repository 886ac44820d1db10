"""Linking a piece of a row that names a record only in part (a name and a birth date without the first name, a
company by its name without its SIRET, an operation by its title alone) to the one record, of the file or of the
base, whose natural key and naming fields agree with every part given."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.domain.french import format_date
from erbm_desk.services.exchange.mapping.cells import Commune, Unparsed
from erbm_desk.services.exchange.mapping.groups import FAILED, Cell, Group, token
from erbm_desk.services.exchange.snapshot import folded

if TYPE_CHECKING:
    from erbm_desk.services.exchange.mapping.prepare import PreparedSheet
    from erbm_desk.services.exchange.mapping.records import Records

FULL = "full"  # a person's « nom prénom », folded, as one more way to name them


def lookup_fields(entity: str) -> tuple[str, ...]:
    spec = SPECS[entity]
    names = tuple(p for p in spec.naming.parts if spec.column(p).kind is Kind.TEXT)
    return tuple(dict.fromkeys((*spec.natural_key, *names)))


def canonical(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return folded(value)
    if isinstance(value, date):
        return value
    if isinstance(value, (Commune, Group)):
        return token(value)
    return value


def ident_text(entity: str, values: dict[str, Any], db) -> str:
    """A record's identity as a saved mapping remembers it: its natural key, texts folded, a commune by INSEE
    code, a reference by the identity of the record it points to."""
    parts = []
    for key in SPECS[entity].natural_key:
        v = values.get(key)
        if v is None:
            parts.append("")
        elif isinstance(v, Commune):
            parts.append(db.commune_rows[v.id][0])
        elif isinstance(v, Group):
            parts.append(v.ident or v.uuid or "")
        elif isinstance(v, date):
            parts.append(v.isoformat())
        else:
            parts.append(folded(str(v)))
    return "|".join(parts)


class Linker:
    def __init__(self, records: Records):
        self.records = records
        self._file: dict[str, dict[str, dict[Any, list[Group]]]] = {}
        self._db: dict[str, dict[str, dict[Any, set[int]]]] = {}

    def link(self, entity: str, values: dict[str, Any], row: Cell, sheet: PreparedSheet) -> Any:
        wanted = self._wanted(entity, values)
        first = next((c for j, key, _ in sheet.fields.get(entity, ()) if key in values or key == "full_name"
                      for c in [Cell(row.sheet, row.row, j)]), row)
        if not wanted:
            self.records.issue(first, f"{_definite(entity).capitalize()} de cette ligne ne peut pas être "
                               "identifié(e) (colonnes de sa clé absentes).", entity)
            return FAILED
        groups = self._file_candidates(entity, wanted)
        ids = self._db_candidates(entity, wanted) - {g.db_id for g in groups if g.db_id is not None}
        if len(groups) + len(ids) == 1:
            return groups.pop() if groups else self.records.db_group(entity, ids.pop())
        shown = ", ".join(_shown(values[k]) for k in lookup_fields(entity) if values.get(k) is not None)
        plural = SPECS[entity].plural.lower()
        if not groups and not ids:
            message = (f"« {shown} » : {_no(entity)} de ce nom, ni dans le fichier ni dans la base. Ajoutez les "
                       "colonnes qui manquent pour le créer, ou la ligne dans la feuille où il est décrit.")
        else:
            message = f"« {shown} » désigne plusieurs {plural} : ajoutez une colonne qui les distingue."
        self.records.issue(first, message, entity)
        return FAILED

    def _wanted(self, entity: str, values: dict[str, Any]) -> dict[str, Any]:
        wanted = {}
        for key in lookup_fields(entity):
            value = values.get(key)
            if value is not None and not isinstance(value, Unparsed):
                wanted[key] = canonical(value)
        return wanted

    def _file_candidates(self, entity: str, wanted: dict[str, Any]) -> set[Group]:
        index = self._file.get(entity)
        if index is None:
            index = self._file[entity] = {}
            for g in self.records.groups.get(entity, ()):
                if not g.from_file:
                    continue
                for key in lookup_fields(entity):
                    if g.fields.get(key) is not None:
                        index.setdefault(key, {}).setdefault(canonical(g.fields[key]), []).append(g)
        found: set | None = None
        for key, value in wanted.items():
            here = set(index.get(key, {}).get(value, ()))
            found = here if found is None else found & here
            if not found:
                return set()
        return found or set()

    def _db_candidates(self, entity: str, wanted: dict[str, Any]) -> set[int]:
        index = self._db.setdefault(entity, {})
        found: set[int] | None = None
        for key, value in wanted.items():
            by_value = index.get(key)
            if by_value is None:
                by_value = index[key] = {}
                kind = SPECS[entity].column(key).kind
                for rid, r in self.records.db.rows(entity).items():
                    v = r[key]
                    if v is None:
                        continue
                    v = ("db", v) if kind is Kind.REF else canonical(v)
                    by_value.setdefault(v, set()).add(rid)
            here = by_value.get(value, set())
            found = set(here) if found is None else found & here
            if not found:
                return set()
        return found or set()


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Group):
        return value.fields.get("name") or value.fields.get("last_name") or ""
    return str(value)


def _definite(entity: str) -> str:
    """« le contrat d'insertion », « la cité », « l'opération »."""
    one = SPECS[entity].noun.one
    if one[0] in "aeiouyéèh":
        return f"l'{one}"
    return f"{'la' if SPECS[entity].noun.feminine else 'le'} {one}"


def _no(entity: str) -> str:
    noun = SPECS[entity].noun
    return f"{'aucune' if noun.feminine else 'aucun'} {noun.one}"
