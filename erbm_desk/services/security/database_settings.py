"""Settings stored in the database (table `app_setting`), shared by everyone who opens it.

All three protect people: mandatory sign-in, how long identities are kept, which counts are too small to show.
Each has a default, a French label and a check; changing one needs `settings.manage` (or `accounts.manage` for
sign-in) and is written to the audit log. (The user's own settings, readable without any database, are
`services.backup.user_settings`.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


LOGIN_REQUIRED = "accounts.login_required"
RETENTION_YEARS = "retention.years"
SMALL_COUNT_THRESHOLD = "disclosure.threshold"

SETTINGS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec(LOGIN_REQUIRED, "Connexion obligatoire", False, _bool, authz.ACCOUNTS_MANAGE),
        SettingSpec(RETENTION_YEARS, "Durée de conservation après la sortie du parcours (années)", 5,
                    _int_between(1, 30, "Durée de conservation")),
        SettingSpec(SMALL_COUNT_THRESHOLD, "Seuil des petits effectifs masqués dans les exports anonymes", 5,
                    _int_between(1, 50, "Seuil des petits effectifs")),
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
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
    session.flush()
    if old != value:
        audit.log_event(session, "setting", "app_setting", {key: [old, value]})
    return value
