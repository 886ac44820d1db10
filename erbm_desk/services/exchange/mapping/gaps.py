"""What a mapping still lacks before the file can go in, in French: a column of uncertain field, a field every
record to create needs and no column gives, a value with no choice, a month column without a year. The window
shows them on its steps; `import --mapping auto` refuses the file while there is one."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterable

from erbm_desk.domain.french import agree
from erbm_desk.domain.entities import SPECS
from erbm_desk.services.exchange.mapping.columns import AMBIGUOUS, ColumnProposal
from erbm_desk.services.exchange.mapping.fields import target, targets
from erbm_desk.services.exchange.mapping.groups import Group
from erbm_desk.services.exchange.mapping.prepare import PreparedSheet
from erbm_desk.services.exchange.mapping.source import column_letter
from erbm_desk.services.exchange.mapping.values import value_rows

MAX_VALUES = 8


@dataclass(frozen=True)
class Gap:
    kind: str  # "column", "required", "value", "year", "sheet"
    message: str
    target: str | None = None


def column_gaps(proposals: dict[str, list[ColumnProposal]], mapping) -> list[Gap]:
    out = []
    if not mapping.sheets:
        out.append(Gap("sheet", "aucune feuille du fichier ne contient un tableau reconnu."))
    for sm in mapping.sheets:
        for p in proposals.get(sm.sheet, ()):
            if p.state == AMBIGUOUS and sm.target_of(p.index) is None:
                fields = " ou ".join(f"« {targets()[c].label} »" for c in p.candidates[:3])
                why = p.reason or (f"pourrait être {fields}" if fields else "ambiguë")
                out.append(Gap("column", f"feuille « {sm.sheet} », colonne « {p.header} » "
                                         f"({column_letter(p.index)}) : {why}."))
    return out


def year_gaps(sheets: list[PreparedSheet]) -> list[Gap]:
    return [Gap("year", f"feuille « {s.name} » : l'année des colonnes de mois sans année est inconnue "
                        "(donnez-la, ou associez la colonne qui la contient).")
            for s in sheets if any(m.year is None for _, m in s.months) and not s.month_year
            and s.year_column is None]


def month_gaps(sheets: list[PreparedSheet]) -> list[Gap]:
    return [Gap("required", f"feuille « {s.name} » : le mois des heures est inconnu — associez la colonne « Mois », "
                            "nommez la feuille d'après son mois (« Janvier 2024 ») ou donnez-le pour toutes les "
                            "lignes.", "hours_entry.month")
            for s in sheets if s.month_unknown]


def required_gaps(groups: dict[str, list[Group]]) -> list[Gap]:
    """Required fields that no column gives for records to create (« 12 bénéficiaires à créer sans sexe »)."""
    out = []
    for entity, items in groups.items():
        spec = SPECS[entity]
        new = [g for g in items if g.from_file and g.db_id is None]
        if not new:
            continue
        for column in spec.columns:
            if not column.required:
                continue
            lacking = sum(1 for g in new if column.key not in g.covered)
            if lacking:
                code = f"{entity}.{column.key}"
                out.append(Gap("required", f"« {column.label} » ({spec.noun.one}) : aucune colonne ne le donne, "
                                           f"alors qu'il faut créer {spec.noun.count(lacking)}.",
                               code if code in targets() else None))
    return out


def value_gaps(cells: dict[str, Iterable], mapping) -> list[Gap]:
    """Values with no choice, among `cells` (field code -> its cells, or its distinct cells)."""
    out = []
    for code, cells in cells.items():
        rows = [r for r in value_rows(code, cells, mapping.values.get(code)) if r.choice is None]
        if rows:
            shown = ", ".join(f"« {r.text} »" for r in rows[:MAX_VALUES])
            more = f" et {len(rows) - MAX_VALUES} autres" if len(rows) > MAX_VALUES else ""
            out.append(Gap("value", f"« {target(code).label} » : {agree(len(rows), 'valeur')} sans correspondance "
                                    f"{shown}{more}.", code))
    return out


def cells_by_target(sheets: list[PreparedSheet]) -> dict[str, Iterable]:
    """The cells of every list or yes/no field, all sheets together (read once, when iterated)."""
    parts: dict[str, list] = {}
    for s in sheets:
        for fields in s.fields.values():
            for j, _key, code in fields:
                if target(code).maps_values:
                    parts.setdefault(code, []).append(_column(s.rows, j))
    return {code: itertools.chain.from_iterable(columns) for code, columns in parts.items()}


def _column(rows, j: int) -> Iterable:
    return (cells[j] if j < len(cells) else None for _, cells in rows)
