"""Record-level rules that need no database: each returns {field: French message}, empty when valid."""

from __future__ import annotations

from typing import Any, Callable

from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS

Checker = Callable[[dict[str, Any]], None]


def _cite(v: dict[str, Any]) -> None:
    rules.check_non_negative(v.get("homes"), "homes", "Le nombre de logements")


def _operation(v: dict[str, Any]) -> None:
    rules.check_non_negative(v.get("homes"), "homes", "Le nombre de logements")
    rules.check_period(v.get("start_date"), v.get("end_date"))
    rules.check_non_negative(v.get("energy_before"), "energy_before", "La consommation")
    rules.check_non_negative(v.get("energy_after"), "energy_after", "La consommation")
    rules.check_non_negative(v.get("hours_required"), "hours_required", "Le nombre d'heures")


def _funding(v: dict[str, Any]) -> None:
    rules.check_non_negative(v.get("amount"), "amount", "Le montant")


def _company(v: dict[str, Any]) -> None:
    if v.get("siret") is not None:
        rules.check_siret(v["siret"])


def _beneficiary(v: dict[str, Any]) -> None:
    rules.check_birth_date(v.get("birth_date"))
    rules.check_period(v.get("entry_date"), v.get("exit_date"), "exit_date")


def _contract(v: dict[str, Any]) -> None:
    rules.check_period(v.get("start_date"), v.get("end_date"))
    rules.check_non_negative(v.get("hours_planned"), "hours_planned", "Le nombre d'heures")


def _hours(v: dict[str, Any]) -> None:
    rules.check_hours(v.get("hours"))


CHECKS: dict[str, tuple[Checker, ...]] = {
    "cite": (_cite,),
    "operation": (_operation,),
    "funding": (_funding,),
    "company": (_company,),
    "beneficiary": (_beneficiary,),
    "contract": (_contract,),
    "hours_entry": (_hours,),
}


def record_problems(entity: str, values: dict[str, Any]) -> dict[str, str]:
    """Required columns and value rules of one record. Missing keys count as empty."""
    errors: dict[str, str] = {}
    for column in SPECS[entity].columns:
        if column.required and values.get(column.key) is None:
            if column.personal and values.get("pseudonym"):
                continue  # an anonymous person is identified by a pseudonym instead
            errors[column.key] = f"« {column.label} » est obligatoire."
    for check in CHECKS.get(entity, ()):
        try:
            check(values)
        except rules.RuleError as exc:
            errors.setdefault(exc.field, exc.message)
    return errors
