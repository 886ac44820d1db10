"""Who may do what: the roles, the permission table, and the checks every service makes.

Rights are enforced here, in the services, not by hiding buttons:

- `require(db_or_session, permission)` raises `AccessDenied` (a French message) when the signed-in user lacks a
  permission; `require_write(session, entity)` for writes. `save_record`/`delete_record` call it, and a
  `before_flush` listener checks every ORM write whatever its path (forms, CLI, imports).
- identity columns (`Column.personal`: names, birth date) are readable only by roles for which
  `identity_visible(user)` is true. For the others, on every query of their session: names are replaced by
  NULL wherever the statement mentions them (columns, conditions, ordering, subqueries — `mask_names`), and
  a `Beneficiary` loaded as an object arrives with its names and birth date blanked. Birth dates stay
  readable as columns because the « moins de 26 ans » indicators need them; services that list people use
  `person_label` / `name_columns` / `visible_columns` so that they never ask for what the role may not see.

The current user lives on the `Database` object (`db.user`, set by `services.accounts`); a session finds it
through `session.info["database"]`. A session not made by a `Database` (never the case in the app) acts as
the operating-system user.
"""

from __future__ import annotations

import getpass
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, null, type_coerce
from sqlalchemy.orm import Session, attributes
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause, ColumnElement, TextClause

from erbm_desk.db.models import Beneficiary, Record
from erbm_desk.domain.enums import LabelledEnum

if TYPE_CHECKING:  # pragma: no cover
    from erbm_desk.domain.entities import Column, EntitySpec
    from erbm_desk.services.database.opening import Database


class Role(LabelledEnum):
    ADMIN = "administrateur", "Administrateur"
    FACILITATOR = "facilitateur", "Facilitateur·rice"
    BAILLEUR = "bailleur", "Bailleur"
    COMITE = "comite", "Comité"


# Permissions (besides `write:<entity>`).
ACCOUNTS_MANAGE = "accounts.manage"  # create accounts, change roles, make sign-in mandatory
SETTINGS_MANAGE = "settings.manage"  # retention period, small-count threshold
AUDIT_READ = "audit.read"  # browse, verify and export the audit log (it holds personal values)
IDENTITY_READ = "identity.read"  # names and birth dates of beneficiaries
PERSON_READ = "person.read"  # a beneficiary's own record (criteria, dates), even without the name
EXPORT_NOMINATIVE = "export.nominative"  # workbooks with names
EXPORT_ANONYMOUS = "export.anonymous"  # anonymous workbooks, bilans
INDICATORS_READ = "indicators.read"  # dashboards, statistics
DATA_IMPORT = "data.import"  # import a workbook (each row still needs write:<entity>)
GDPR_ACCESS = "gdpr.access"  # export all the data of one person (right of access)
GDPR_ERASE = "gdpr.erase"  # erase a person, anonymise those due for retention
DATABASE_ADMIN = "database.admin"  # encryption, passphrase, restore

ENTITIES = ("bailleur", "cite", "operation", "funding", "company", "beneficiary", "contract", "hours_entry")

_WRITES: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(ENTITIES),
    Role.FACILITATOR: frozenset({"company", "beneficiary", "contract", "hours_entry"}),
    Role.BAILLEUR: frozenset({"bailleur", "cite", "operation", "funding"}),
    Role.COMITE: frozenset(),
}
_READS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset({
        ACCOUNTS_MANAGE, SETTINGS_MANAGE, AUDIT_READ, IDENTITY_READ, PERSON_READ, EXPORT_NOMINATIVE,
        EXPORT_ANONYMOUS, INDICATORS_READ, DATA_IMPORT, GDPR_ACCESS, GDPR_ERASE, DATABASE_ADMIN,
    }),
    Role.FACILITATOR: frozenset({
        IDENTITY_READ, PERSON_READ, EXPORT_NOMINATIVE, EXPORT_ANONYMOUS, INDICATORS_READ, DATA_IMPORT, GDPR_ACCESS,
    }),
    Role.BAILLEUR: frozenset({EXPORT_ANONYMOUS, INDICATORS_READ, DATA_IMPORT}),
    Role.COMITE: frozenset({EXPORT_ANONYMOUS, INDICATORS_READ}),
}

PERMISSIONS: dict[Role, frozenset[str]] = {
    role: _READS[role] | {f"write:{e}" for e in _WRITES[role]} for role in Role
}

PERMISSION_LABELS = {
    ACCOUNTS_MANAGE: "gérer les comptes",
    SETTINGS_MANAGE: "modifier les réglages",
    AUDIT_READ: "consulter le journal des modifications",
    IDENTITY_READ: "voir l'identité des bénéficiaires",
    PERSON_READ: "consulter la fiche d'un bénéficiaire",
    EXPORT_NOMINATIVE: "exporter des données nominatives",
    EXPORT_ANONYMOUS: "exporter des données anonymes",
    INDICATORS_READ: "consulter les indicateurs",
    DATA_IMPORT: "importer un classeur",
    GDPR_ACCESS: "exporter les données d'une personne",
    GDPR_ERASE: "effacer l'identité d'une personne",
    DATABASE_ADMIN: "administrer la base (chiffrement, restauration d'une sauvegarde)",
}
ENTITY_LABELS = {
    "bailleur": "les bailleurs", "cite": "les cités", "operation": "les opérations", "funding": "les financements",
    "company": "les entreprises", "beneficiary": "les bénéficiaires", "contract": "les contrats",
    "hours_entry": "les heures réalisées",
}


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


def database_of(target: Any) -> Database | None:
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
            what = f"modifier {ENTITY_LABELS.get(permission[6:], permission[6:])}"
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


# --- Enforcement on every session ------------------------------------------------------------------------

_NAME_COLUMNS = {"last_name", "first_name"}
_MASKED_ON_LOAD = ("last_name", "first_name", "birth_date")


def _user_or_none(session: Session) -> CurrentUser | None:
    try:
        return current_user(session)
    except SignInRequired:
        return None


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, _flush_context, _instances) -> None:
    """No ORM write, whatever its path, by a user without `write:<entity>`."""
    entities = {
        obj.__tablename__
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, Record) and (obj not in session.dirty or session.is_modified(obj))
    }
    if entities:
        require_write(session, *sorted(entities))


_RECORD_TABLES = {m.__tablename__ for m in Record.__subclasses__()} | set(ENTITIES)


def bulk_target(state) -> str | None:
    """The record table a Core INSERT/UPDATE/DELETE run through a session writes to, or None."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    return name if name in _RECORD_TABLES else None


@event.listens_for(Session, "do_orm_execute")
def _guard_bulk_writes(state) -> None:
    """Core bulk writes through a session (demo data, fast imports) need the same rights as ORM writes."""
    entity = bulk_target(state)
    if entity is not None:
        require_write(state.session, entity)


def _is_name_column(element: Any) -> bool:
    if not isinstance(element, ColumnClause):
        return False
    table = Beneficiary.__table__
    return any(getattr(base, "table", None) is table and getattr(base, "name", None) in _NAME_COLUMNS
               for base in element.proxy_set)


def mask_names(statement: Any) -> Any | None:
    """The statement with every reference to a beneficiary's last or first name (in columns, conditions,
    ordering, subqueries, aliases) replaced by NULL; None when it has none. Selected columns keep their name."""
    top = {id(c) for c in getattr(statement, "_raw_columns", ())}
    found = []

    def replace(element):
        if _is_name_column(element):
            found.append(element)
            blank = type_coerce(null(), element.type)
            return blank.label(element.key) if id(element) in top else blank
        return None

    masked = visitors.replacement_traverse(statement, {}, replace)
    return masked if found else None


@event.listens_for(Session, "do_orm_execute")
def _mask_identity_reads(state):
    """For a role that may not see identities, every query of its session runs with names replaced by NULL:
    a list, an export or a search by name gets nothing (a person then shows as pseudonym or number)."""
    if not state.is_select:
        return None
    user = _user_or_none(state.session)
    if identity_visible(user) or (user is None and database_of(state.session) is None):
        return None
    try:
        masked = mask_names(state.statement)
    except Exception:  # noqa: BLE001 - a statement we cannot rewrite is refused, never run unmasked
        raise AccessDenied("Accès refusé : requête sur l'identité des bénéficiaires.") from None
    if masked is None:
        return None
    return state.invoke_statement(statement=masked)


_SESSION_KEY = "erbm_authz_session"
_RAW_IDENTITY = re.compile(r"\b(last_name|first_name|birth_date)\b", re.IGNORECASE)


@event.listens_for(Session, "after_begin")
def _remember_session(session: Session, _transaction, connection) -> None:
    """The connection a session uses knows that session while it has it (see `guard_engine`)."""
    connection.info[_SESSION_KEY] = weakref.ref(session)


def guard_engine(engine) -> None:
    """Names are masked also in Core statements run on a session's connection (`session.connection()
    .execute(...)`, which the ORM events do not see): called once per engine by `accounts.attach`."""
    if getattr(engine, "_erbm_guarded", False):
        return
    engine._erbm_guarded = True

    @event.listens_for(engine, "before_execute", retval=True)
    def _mask_core_reads(conn, clauseelement, multiparams, params, _execution_options):
        ref = conn.info.get(_SESSION_KEY)
        session = ref() if ref is not None else None
        if session is None or not getattr(clauseelement, "is_select", False):
            return clauseelement, multiparams, params
        user = _user_or_none(session)
        if identity_visible(user) or (user is None and database_of(session) is None):
            return clauseelement, multiparams, params
        masked = mask_names(clauseelement)
        return (clauseelement if masked is None else masked), multiparams, params

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_raw_identity_sql(conn, _cursor, statement, _parameters, context, _executemany):
        """Hand-written SQL (`text()`, `exec_driver_sql`) cannot be rewritten like a SELECT built with
        SQLAlchemy: for a role that may not see identities, one that names an identity column is refused."""
        compiled = getattr(context, "compiled", None)
        if compiled is not None and not isinstance(getattr(compiled, "statement", None), TextClause):
            return
        ref = conn.info.get(_SESSION_KEY)
        session = ref() if ref is not None else None
        if session is None or not _RAW_IDENTITY.search(statement or ""):
            return
        user = _user_or_none(session)
        if identity_visible(user) or (user is None and database_of(session) is None):
            return
        raise AccessDenied("Accès refusé : requête SQL directe sur l'identité des bénéficiaires.")

    @event.listens_for(engine.pool, "checkin")
    def _forget_session(_dbapi_connection, record) -> None:
        if record is not None:
            record.info.pop(_SESSION_KEY, None)


def _mask(target: Beneficiary, session: Session | None) -> None:
    if session is None:
        return
    user = _user_or_none(session)
    if identity_visible(user) or (user is None and database_of(session) is None):
        return
    for key in _MASKED_ON_LOAD:
        attributes.set_committed_value(target, key, None)


@event.listens_for(Beneficiary, "load")
def _mask_loaded(target, context) -> None:
    _mask(target, context.session)


@event.listens_for(Beneficiary, "refresh")
def _mask_refreshed(target, context, _attrs) -> None:
    _mask(target, context.session)

