"""Value rules of the ERBM workflow, with the French messages users see. Pure functions, no I/O.

Every rule raises `RuleError(field, message)`; the services call them before writing, whatever the
caller (form, CLI, import), so the database never holds a value a form would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from erbm_desk.domain.french import format_date, format_hours, format_month

# 48 h a week, the legal maximum, over the 52/12 weeks of an average month.
MAX_MONTHLY_HOURS = Decimal(208)
ERBM_START_YEAR = 2017
TARGET_HOMES = 23_000
ENERGY_GOAL_KWH = 130
UNDER_AGE = 26
LA_POSTE_SIREN = "356000000"


class RuleError(ValueError):
    """A value breaks a rule. `field` names the column (None for the record as a whole)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Violation:
    field: str | None
    message: str


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def normalise_siret(text: str) -> str:
    return "".join(str(text).split())


def siret_problem(siret: str) -> str | None:
    """None when valid; else the French reason. La Poste's establishments sum their digits to a multiple of 5."""
    s = normalise_siret(siret)
    if len(s) != 14 or not s.isdigit():
        return "Le SIRET doit compter 14 chiffres."
    if s.startswith(LA_POSTE_SIREN) and s != "35600000000048":
        if sum(int(c) for c in s) % 5 == 0:
            return None
        return "SIRET de La Poste invalide (la somme des chiffres doit être un multiple de 5)."
    if not _luhn_ok(s):
        return "SIRET invalide : la clé de contrôle (son dernier chiffre) ne correspond pas. Vérifiez la saisie."
    return None


def check_siret(siret: str, field: str = "siret") -> str:
    problem = siret_problem(siret)
    if problem:
        raise RuleError(field, problem)
    return normalise_siret(siret)


def age_at(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def is_under_26(birth: date, contract_start: date) -> bool:
    """« Moins de 26 ans »: computed at the contract's start, never stored."""
    return age_at(birth, contract_start) < UNDER_AGE


def age_band(birth: date, contract_start: date):
    from erbm_desk.domain.enums import AgeBand

    age = age_at(birth, contract_start)
    if age < UNDER_AGE:
        return AgeBand.UNDER_26
    return AgeBand.FROM_26_TO_49 if age < 50 else AgeBand.FROM_50


def check_birth_date(birth: date | None, today: date | None = None, field: str = "birth_date") -> None:
    if birth is None:
        return
    today = today or date.today()
    age = age_at(birth, today)
    if birth > today:
        raise RuleError(field, "La date de naissance est dans le futur.")
    if age < 15:
        raise RuleError(field, "Date de naissance peu plausible : la personne aurait moins de 15 ans.")
    if age > 90:
        raise RuleError(field, "Date de naissance peu plausible : la personne aurait plus de 90 ans.")


def check_period(start: date | None, end: date | None, end_field: str = "end_date") -> None:
    if start and end and end < start:
        raise RuleError(end_field, "La date de fin doit être postérieure ou égale à la date de début.")


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    if d.month == 12:  # also the last month Python can hold (12/9999, in a base written before dates were bounded)
        return date(d.year, 12, 31)
    nxt = date(d.year, d.month + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def check_hours(hours: Decimal | None, field: str = "hours") -> None:
    if hours is None:
        raise RuleError(field, "Le nombre d'heures est obligatoire.")
    if hours < 0:
        raise RuleError(field, "Le nombre d'heures ne peut pas être négatif.")
    if hours > MAX_MONTHLY_HOURS:
        raise RuleError(
            field,
            f"{format_hours(hours)} h dépasse le maximum légal de {int(MAX_MONTHLY_HOURS)} h par mois "
            "(48 h par semaine).",
        )
    if hours != hours.quantize(Decimal("0.01")):
        raise RuleError(field, "Les heures se saisissent au centième au plus (ex. 12,25).")


def check_month_in_contract(month: date, start: date, end: date | None, field: str = "month") -> None:
    """The month must overlap the contract's period."""
    if month_end(month) < start or (end is not None and month_start(month) > end):
        period = f"du {format_date(start)}" + (f" au {format_date(end)}" if end else "")
        raise RuleError(field, f"Le mois {format_month(month)} est hors de la période du contrat ({period}).")


def check_non_negative(value, field: str, label: str) -> None:
    if value is not None and value < 0:
        raise RuleError(field, f"{label} ne peut pas être négatif.")
