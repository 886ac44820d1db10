"""Settings stored in the database (table `app_setting`), shared by everyone who opens it.

Three protect people: mandatory sign-in, how long identities are kept, which counts are too small to show; four
set the insertion clauses of lots: the default labour share, insertion rate and hourly cost, and the tolerance of
the status « en retard » / « en avance ». Each has a default, a French label and a check; changing one needs `settings.manage` (or `accounts.manage` for
sign-in) and is written to the audit log. (The user's own settings, readable without any database, are
`services.backup.user_settings`.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Setting
from erbm_desk.services.security import audit, authz


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    check: Callable[[Any], Any]
    permission: str = authz.SETTINGS_MANAGE


def _int_between(low: int, high: int, what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(f"{what} : un nombre entier est attendu.") from None
        if not low <= number <= high:
            raise ValueError(f"{what} : entre {low} et {high}.")
        return number

    return check


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "oui", "vrai", "true", "on", "yes"):
        return True
    if text in ("0", "non", "faux", "false", "off", "no"):
        return False
    raise ValueError(f"« {value} » : oui ou non attendu.")


def _decimal_between(low: str, high: str, what: str) -> Callable[[Any], Decimal]:
    """A number with at most two decimals (decimal comma accepted) between `low` and `high`; stored as text."""
    def check(value: Any) -> Decimal:
        try:
            number = Decimal(str(value).strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(f"{what} : un nombre est attendu (ex. 12,5).") from None
        if not number.is_finite() or number != number.quantize(Decimal("0.01")):
            raise ValueError(f"{what} : deux décimales au plus.")
        if not Decimal(low) <= number <= Decimal(high):
            raise ValueError(f"{what} : entre {low} et {high}.")
        return number.quantize(Decimal("0.01"))

    return check


LOGIN_REQUIRED = "accounts.login_required"
RETENTION_YEARS = "retention.years"
SMALL_COUNT_THRESHOLD = "disclosure.threshold"
# The insertion clause of a lot (domain/clauses.py): what a blank parameter takes, and the status's tolerance.
CLAUSE_LABOUR_SHARE = "clauses.labour_share"
CLAUSE_INSERTION_RATE = "clauses.insertion_rate"
CLAUSE_HOURLY_COST = "clauses.hourly_cost"
CLAUSE_TOLERANCE = "clauses.tolerance"

SETTINGS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec(LOGIN_REQUIRED, "Connexion obligatoire", False, _bool, authz.ACCOUNTS_MANAGE),
        SettingSpec(RETENTION_YEARS, "Durée de conservation après la sortie du parcours (années)", 5,
                    _int_between(1, 30, "Durée de conservation")),
        SettingSpec(SMALL_COUNT_THRESHOLD, "Seuil des petits effectifs masqués dans les exports anonymes", 5,
                    _int_between(1, 50, "Seuil des petits effectifs")),
        SettingSpec(CLAUSE_LABOUR_SHARE, "Clause d'insertion : part de main-d'œuvre par défaut (%)", Decimal("50"),
                    _decimal_between("0.01", "100", "Part de main-d'œuvre")),
        SettingSpec(CLAUSE_INSERTION_RATE, "Clause d'insertion : taux d'insertion par défaut (%)", Decimal("5"),
                    _decimal_between("0.01", "100", "Taux d'insertion")),
        SettingSpec(CLAUSE_HOURLY_COST, "Clause d'insertion : coût horaire par défaut (€)", Decimal("30"),
                    _decimal_between("0.01", "10000", "Coût horaire")),
        SettingSpec(CLAUSE_TOLERANCE, "Clause d'insertion : tolérance avant « en retard » ou « en avance » (% des "
                    "heures attendues)", Decimal("10"), _decimal_between("0", "100", "Tolérance")),
    )
}


def read_database_setting(session: Session, key: str) -> Any:
    spec = SETTINGS[key]
    raw = session.scalar(select(Setting.value).where(Setting.key == key))
    if raw is None:
        return spec.default
    try:
        return spec.check(json.loads(raw))
    except ValueError:
        return spec.default


def write_database_setting(session: Session, key: str, value: Any) -> Any:
    """Check and store a setting; returns the stored value. Raises ValueError (French) or AccessDenied."""
    if key not in SETTINGS:
        raise ValueError(f"Réglage inconnu : « {key} » (connus : {', '.join(SETTINGS)}).")
    spec = SETTINGS[key]
    authz.require(session, spec.permission)
    value = spec.check(value)
    old = read_database_setting(session, key)
    row = session.get(Setting, key)
    stored = json.dumps(str(value) if isinstance(value, Decimal) else value)
    if row is None:
        session.add(Setting(key=key, value=stored))
    else:
        row.value = stored
    session.flush()
    if old != value:
        audit.log_event(session, "setting", "app_setting",
                        {key: [str(v) if isinstance(v, Decimal) else v for v in (old, value)]})
    return value
