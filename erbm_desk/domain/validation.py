"""Record-level rules that need no database ({field: French message}, empty when valid): each column's own
rules (`Column.value_problem`: clean text within its length, plausible dates, numbers the database holds), the
required columns and the value rules (`checks`) of the entity's description."""

from __future__ import annotations

import functools
from typing import Any

from erbm_desk.domain import rules
from erbm_desk.domain.entities import ALL_SPECS, Kind

# References are checked against the database and choices by their type: every other column has value rules.
_CHECKED = {name: tuple(c for c in spec.columns if c.kind not in (Kind.REF, Kind.ENUM))
            for name, spec in ALL_SPECS.items()}
_REQUIRED = {name: tuple(c for c in spec.columns if c.required) for name, spec in ALL_SPECS.items()}


@functools.cache
def _checked_besides(entity: str, parsed: frozenset[str]) -> tuple:
    return tuple(c for c in _CHECKED[entity] if c.key not in parsed)


def record_problems(entity: str, values: dict[str, Any], parsed: frozenset[str] = frozenset()) -> dict[str, str]:
    """Column rules, required columns and value rules of one record. Missing keys count as empty.
    `parsed`: keys whose value comes from its column's `Column.parse`, which already obeys the column's rules
    (an import checks a quarter of a million rows: their cells are not checked twice)."""
    spec = ALL_SPECS[entity]
    errors: dict[str, str] = {}
    for column in _checked_besides(entity, parsed) if parsed else _CHECKED[entity]:
        value = values.get(column.key)
        if value is not None:
            problem = column.value_problem(value)
            if problem:
                errors[column.key] = problem
    for column in _REQUIRED[entity]:
        if values.get(column.key) is None and column.key not in errors:
            if waived(entity, column.key, values):
                continue
            errors[column.key] = f"« {column.label} » est obligatoire."
    for check in spec.checks:
        try:
            check(values)
        except rules.RuleError as exc:
            errors.setdefault(exc.field, exc.message)
    return errors


def waived(entity: str, key: str, values: dict[str, Any]) -> bool:
    """Whether a required column may stay blank: the identity of a person known by a pseudonym (a workbook made
    anonymous never had it) is not asked for."""
    spec = ALL_SPECS[entity]
    fallback = spec.naming.fallback if spec.naming else None
    return bool(fallback and values.get(fallback) and spec.column(key).personal)
