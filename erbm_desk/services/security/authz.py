"""Who may do what: the checks every service makes, and what a role may see of a person.

Rights are enforced in the services, not by hiding buttons:

- `require(db_or_session, permission)` raises `AccessDenied` (a French message) when the signed-in user lacks a
  permission; `require_write(session, entity)` for writes. `save_record`/`delete_record` call it, and every
  session of an open database checks each ORM write and Core bulk write whatever its path (forms, CLI, imports:
  `access_control`, installed by the opening pipeline).
- identity columns (`Column.personal`: names, birth date) are readable only by roles for which
  `identity_visible(user)` is true; services that list people use `person_label` / `name_columns` /
  `visible_columns` so that they never ask for what the role may not see, and `access_control` masks the rest.

The roles and the permission table are in `roles`; their names are used here with the checks
(`authz.require(s, authz.GDPR_ERASE)`), so this module hands them on.

The current user lives on the `Database` object (`db.user`, set by `services.security.accounts`); a session
finds it through `session.info["database"]`, put there by the opening pipeline. A session not made by a
Database (a script's plain Session) acts as the operating-system user.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import null
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from erbm_desk.db.models import Beneficiary
from erbm_desk.domain.entities import ALL_SPECS
from erbm_desk.services.security.roles import (  # noqa: F401 - the vocabulary of the checks, see the module doc
    ACCOUNTS_MANAGE,
    AUDIT_READ,
    DATA_IMPORT,
    DATABASE_ADMIN,
    EXPORT_ANONYMOUS,
    EXPORT_NOMINATIVE,
    GDPR_ACCESS,
    GDPR_ERASE,
    IDENTITY_READ,
    INDICATORS_READ,
    PERMISSION_LABELS,
    PERMISSIONS,
    PERSON_READ,
    SETTINGS_MANAGE,
    Role,
)

if TYPE_CHECKING:  # pragma: no cover
    from erbm_desk.domain.entities import Column, EntitySpec


class AccessDenied(PermissionError):
    """The current user may not do this; the message is French and meant for the user."""


class SignInRequired(AccessDenied):
    """Sign-in is mandatory on this database and nobody has signed in yet."""


@dataclass(frozen=True)
class CurrentUser:
    username: str
    role: Role
    display_name: str = ""
    account_id: int | None = None  # None: the operating-system user of a personal database (no accounts)

    @property
    def implicit(self) -> bool:
        return self.account_id is None

    @property
    def actor(self) -> str:
        """How the audit log names this user."""
        return f"système:{self.username}" if self.implicit else self.username

    @property
    def label(self) -> str:
        return f"{self.display_name or self.username} ({self.role.label})"


def os_username() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (some services, containers)
        return "inconnu"


def system_user() -> CurrentUser:
    """The operating-system user of a personal database without mandatory sign-in: every right."""
    name = os_username()
    return CurrentUser(name, Role.ADMIN, f"{name} (session du système)")


def database_of(target: Any) -> Any:
    """The open Database (services.database.opening) a Session belongs to, or that `target` is; else None."""
    if isinstance(target, Session):
        return target.info.get("database")
    if hasattr(target, "sessions") and hasattr(target, "engine"):
        return target
    return None


def current_user(target: Any) -> CurrentUser:
    """The user acting through a Database or a Session; raises SignInRequired if sign-in is pending."""
    if isinstance(target, CurrentUser):
        return target
    db = database_of(target)
    if db is None:
        return system_user()
    user = getattr(db, "user", None)
    if user is None:
        raise SignInRequired("Connexion obligatoire sur cette base : identifiez-vous d'abord.")
    return user


def has_permission(user: CurrentUser, permission: str) -> bool:
    return permission in PERMISSIONS[user.role]


def allowed(target: Any, permission: str) -> bool:
    try:
        return has_permission(current_user(target), permission)
    except SignInRequired:
        return False


def require(target: Any, permission: str) -> CurrentUser:
    """The current user if they hold `permission`; AccessDenied (French) otherwise."""
    user = current_user(target)
    if not has_permission(user, permission):
        if permission.startswith("write:"):
            entity = ALL_SPECS.get(permission[6:])
            what = f"modifier {entity.write_label if entity else permission[6:]}"
        else:
            what = PERMISSION_LABELS.get(permission, permission)
        raise AccessDenied(f"Accès refusé : le rôle « {user.role.label} » ne permet pas de {what}.")
    return user


def require_write(target: Any, *entities: str) -> CurrentUser:
    user = current_user(target)
    for entity in entities:
        require(user, f"write:{entity}")
    return user


# --- Identity visibility ----------------------------------------------------------------------------------

def identity_visible(user: CurrentUser | None) -> bool:
    """May this user read beneficiaries' names and birth dates?"""
    return user is not None and has_permission(user, IDENTITY_READ)


def can_see_identity(target: Any) -> bool:
    try:
        return identity_visible(current_user(target))
    except SignInRequired:
        return False


def person_label(target: Any, last: str | None, first: str | None, pseudonym: str | None, beneficiary_id: int) -> str:
    """How a list names a person: « NOM Prénom » for who may see it, else the pseudonym or a number."""
    if can_see_identity(target):
        name = " ".join(p for p in (last, first) if p)
        if name:
            return name
    return pseudonym or f"Bénéficiaire n° {beneficiary_id}"


def name_columns(target: Any) -> tuple[ColumnElement, ColumnElement]:
    """(last name, first name) to put in a SELECT: the real columns, or NULLs for a role that may not see them."""
    if can_see_identity(target):
        return Beneficiary.last_name, Beneficiary.first_name
    return null().label("last_name"), null().label("first_name")


def visible_columns(target: Any, spec: EntitySpec, anonymous: bool = False) -> list[Column]:
    """The spec's columns this user may read (personal ones dropped for an anonymous export or a role that may
    not see identities). A nominative export also needs `require(target, EXPORT_NOMINATIVE)`."""
    keep_personal = not anonymous and can_see_identity(target)
    return [c for c in spec.columns if keep_personal or not c.personal]


def mask_values(target: Any, entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """A copy of a record's values with its personal fields blanked when the user may not see them."""
    from erbm_desk.domain.entities import SPECS

    if entity not in SPECS or can_see_identity(target):
        return dict(values)
    personal = {c.key for c in SPECS[entity].columns if c.personal}
    return {k: (None if k in personal else v) for k, v in values.items()}


def user_or_none(session: Session) -> CurrentUser | None:
    """The session's user, None while sign-in is pending."""
    try:
        return current_user(session)
    except SignInRequired:
        return None


def sees_identities(session: Session) -> bool:
    """Does this session read identities unmasked? A plain Session (no Database) acts as the system user."""
    user = user_or_none(session)
    return identity_visible(user) or (user is None and database_of(session) is None)
