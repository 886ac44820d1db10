"""The fields a column of someone's workbook can feed, all read from the entity descriptions.

A target is `entity.key` for a column of an entity of the exchange workbook. A reference between two of those
entities (a contract's company) is not a target: the row's own company is used, found by its fields (SIRET,
name). The label of such a reference names the record it points to, so it is a name of that record's naming
field (« Entreprise » → the company's name, « Opération » → the operation's title). Three targets of the
import itself: the hours of the month a header names, the year of month headers without one, and a person's
« Nom Prénom » in one cell.

A person's criteria, prescriber and exit on the person's row (« BRSA », « QPV », « Orienteur », « Date de
sortie »…) feed the person's columns of the exchange's version 1 (`format_v1.LEGACY_COLUMNS`, target
`beneficiary.rsa`…): the planner makes of them the eligibility check dated at the person's entry into the clause
and the exit, by the very rule that reads a version-1 workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from erbm_desk.domain.entities import SPECS, WORKBOOK_ENTITIES, Column, Kind
from erbm_desk.services.exchange.format_v1 import LEGACY_COLUMNS

MONTH_HOURS = "hours_of_month"  # a column of hours of the month its header names
YEAR = "year_of_months"  # the year of month headers that name no year
FULL_NAME = "beneficiary.full_name"  # « DURAND Léa » in one cell


@dataclass(frozen=True)
class Target:
    code: str
    entity: str | None
    key: str
    label: str  # « Nom (bénéficiaire) »
    names: tuple[str, ...]  # what a header may say: the label, the aliases, the key
    column: Column | None = None
    legacy: bool = False  # a person's column of version 1, made a check or an exit by the planner

    @property
    def kind(self) -> Kind | None:
        return self.column.kind if self.column is not None else None

    @property
    def maps_values(self) -> bool:
        """A list or yes/no field: each value of the file is matched with a choice."""
        return self.kind in (Kind.ENUM, Kind.BOOL)


@cache
def links(entity: str) -> tuple[tuple[str, str, bool], ...]:
    """(column key, entity, required) of the references of `entity` to other entities of the workbook."""
    return tuple((c.key, c.ref, c.required) for c in SPECS[entity].columns
                 if c.kind is Kind.REF and c.ref in SPECS and SPECS[c.ref].in_workbook)


def needed(entities: set[str]) -> list[str]:
    """`entities` and every entity they need through a required reference, in the workbook's order."""
    found = set(entities)
    todo = list(entities)
    while todo:
        for _key, ref, required in links(todo.pop()):
            if required and ref not in found:
                found.add(ref)
                todo.append(ref)
    return [e for e in WORKBOOK_ENTITIES if e in found]


def _name_field(entity: str) -> str | None:
    """The target that names a record of `entity` in a reference's place: its one text naming part, or the
    person's full name."""
    spec = SPECS[entity]
    texts = [p for p in spec.naming.parts if spec.column(p).kind is Kind.TEXT]
    if len(texts) == 1:
        return f"{entity}.{texts[0]}"
    if entity == "beneficiary":
        return FULL_NAME
    return None


@cache
def targets() -> dict[str, Target]:
    """Every target by code, in the workbook's order of entities and columns."""
    linked = {(e, key) for e in WORKBOOK_ENTITIES for key, _ref, _req in links(e)}
    reference_names: dict[str, list[str]] = {}
    for entity, key in linked:
        column = SPECS[entity].column(key)
        code = _name_field(column.ref)
        if code:
            reference_names.setdefault(code, []).append(column.label)
    out: dict[str, Target] = {}
    for entity in WORKBOOK_ENTITIES:
        spec = SPECS[entity]
        for c in spec.columns:
            if (entity, c.key) in linked:
                continue
            code = f"{entity}.{c.key}"
            names = (c.label, *c.aliases, *sorted(reference_names.get(code, ())), c.key)
            out[code] = Target(code, entity, c.key, f"{c.label} ({spec.noun.one})", names, c)
        if entity == "beneficiary":
            for key, (_header, c) in LEGACY_COLUMNS.items():
                code = f"{entity}.{key}"
                out[code] = Target(code, entity, key, f"{c.label} ({spec.noun.one})", (c.label, *c.aliases, key), c,
                                   legacy=True)
            names = ("Nom et prénom", "Nom prénom", "Prénom nom", "Nom complet", "Participant", "Salarié",
                     *sorted(reference_names.get(FULL_NAME, ())))
            out[FULL_NAME] = Target(FULL_NAME, entity, "full_name", f"Nom et prénom ({spec.noun.one})", names)
    out[MONTH_HOURS] = Target(MONTH_HOURS, "hours_entry", MONTH_HOURS, "Heures du mois de l'en-tête", ())
    out[YEAR] = Target(YEAR, None, YEAR, "Année des colonnes de mois", ("Année", "Exercice", "annee"))
    return out


def target(code: str) -> Target:
    return targets()[code]


def field_column(entity: str, key: str) -> Column:
    """The column a field of `entity` is read and shown by: the entity's own, or a person's column of version 1."""
    t = targets().get(f"{entity}.{key}")
    return t.column if t is not None and t.legacy else SPECS[entity].column(key)


def legacy_twins() -> dict[str, str]:
    """The person's version-1 targets by the target of the dated record whose column they stand for
    (`eligibility_check.rsa` → `beneficiary.rsa`, `path_exit.exit_date` → `beneficiary.exit_date`)."""
    out = {}
    for code, t in targets().items():
        if not t.legacy:
            continue
        key = "outcome" if t.key == "exit_outcome" else t.key
        for entity in ("eligibility_check", "path_exit"):
            if f"{entity}.{key}" in targets():
                out[f"{entity}.{key}"] = code
    return out


def entity_of(code: str | None) -> str | None:
    if not code:
        return None
    t = targets().get(code)
    return t.entity if t is not None else None
