"""Record-level rules that need no database ({field: French message}, empty when valid): the required
columns and the value rules (`checks`) of the entity's description."""

from __future__ import annotations

from typing import Any

from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS


def record_problems(entity: str, values: dict[str, Any]) -> dict[str, str]:
    """Required columns and value rules of one record. Missing keys count as empty."""
    spec = SPECS[entity]
    errors: dict[str, str] = {}
    for column in spec.columns:
        if column.required and values.get(column.key) is None:
            if column.personal and spec.naming.fallback and values.get(spec.naming.fallback):
                continue  # an anonymous person is identified by a pseudonym instead
            errors[column.key] = f"« {column.label} » est obligatoire."
    for check in spec.checks:
        try:
            check(values)
        except rules.RuleError as exc:
            errors.setdefault(exc.field, exc.message)
    return errors
