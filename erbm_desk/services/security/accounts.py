"""Accounts, sign-in and the current user of an open database.

- Passwords are hashed with Argon2id (argon2-cffi). `HASHER` uses argon2-cffi's defaults (RFC 9106 low-memory
  profile: 64 MiB, 3 iterations, 4 lanes), above the OWASP minimum (19 MiB, 2 iterations) that
  `check_hasher_parameters` enforces; a hash made with weaker parameters is re-hashed at the next sign-in.
- Sign-in is optional on a personal database: the operating-system user then acts with every right and is
  named in the audit log. It becomes mandatory once an administrator turns it on (setting
  `accounts.login_required`), and on PostgreSQL as soon as one account exists (a fresh shared database has
  none: its first user must create the administrator account, which the window and the CLI ask for).
- Failed sign-ins are slowed down per account: from the third failure in a row, each attempt must wait
  `throttle_delay(failures)` seconds (1, 2, 4… up to 15 minutes) after the previous failure; the counter is
  stored in the database, so restarting the app does not reset it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import argon2
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Account, AuditEntry, utcnow
from erbm_desk.services.security import audit, authz
from erbm_desk.services.security import database_settings as settings
from erbm_desk.services.security.authz import AccessDenied, CurrentUser, Role

OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2
HASHER = PasswordHasher()  # argon2-cffi defaults: Argon2id, 64 MiB, 3 iterations, 4 lanes
MIN_PASSWORD_LENGTH = 12
THROTTLE_FREE_FAILURES = 2
THROTTLE_MAX_SECONDS = 15 * 60
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,59}$")
PASSWORD_ENV = "ERBM_DESK_PASSWORD"


def check_hasher_parameters(hasher: PasswordHasher = HASHER) -> None:
    if hasher.type is not argon2.Type.ID:
        raise AssertionError("Argon2id attendu")
    if hasher.memory_cost < OWASP_MIN_MEMORY_KIB or hasher.time_cost < OWASP_MIN_TIME_COST:
        raise AssertionError("paramètres Argon2 sous le minimum OWASP (19 Mio, 2 itérations)")


check_hasher_parameters()


class SignInFailed(AccessDenied):
    """Wrong user name or password, disabled account, or too many attempts (French message)."""

    def __init__(self, message: str, retry_after: float = 0.0):
        super().__init__(message)
        self.retry_after = retry_after


class AccountInvalid(ValueError):
    """A user name, role or password that cannot be accepted (French message)."""


def throttle_delay(failures: int) -> float:
    """Seconds an account must wait after its last failure before the next attempt is even checked."""
    if failures <= THROTTLE_FREE_FAILURES:
        return 0.0
    return float(min(2 ** (failures - THROTTLE_FREE_FAILURES - 1), THROTTLE_MAX_SECONDS))


def hash_password(password: str) -> str:
    check_password_strength(password)
    return HASHER.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountInvalid(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(set(password)) < 5:
        raise AccountInvalid("Le mot de passe est trop répétitif.")


def _role(role: str | Role) -> Role:
    try:
        return role if isinstance(role, Role) else Role.from_text(str(role))
    except ValueError:
        raise AccountInvalid(
            f"Rôle inconnu : « {role} » (rôles : {', '.join(r.value for r in Role)})."
        ) from None


# --- Is sign-in required? Who is the current user? ---------------------------------------------------------

def account_count(session: Session, active_only: bool = True) -> int:
    q = select(func.count()).select_from(Account)
    if active_only:
        q = q.where(Account.active.is_(True))
    return session.scalar(q) or 0


def login_required(session: Session) -> bool:
    if settings.read_database_setting(session, settings.LOGIN_REQUIRED):
        return True
    return session.get_bind().dialect.name == "postgresql" and account_count(session) > 0


def needs_first_admin(session: Session) -> bool:
    """A shared (PostgreSQL) database without any account yet: its first user must create the administrator."""
    return session.get_bind().dialect.name == "postgresql" and account_count(session, active_only=False) == 0


def attach(db) -> None:
    """A step of the opening pipeline, once the session rules are installed: the current user is set (the system
    user when sign-in is optional, nobody yet when it is required)."""
    with db.sessions() as s:
        db.login_required = login_required(s)
    db.user = None if db.login_required else authz.system_user()


def _as_user(account: Account) -> CurrentUser:
    return CurrentUser(account.username, Role(account.role), account.display_name or "", account.id)


def sign_in(db, username: str, password: str, now: datetime | None = None) -> CurrentUser:
    """Check the password and make this account the current user of `db`. Raises SignInFailed (French)."""
    now = now or utcnow()
    username = (username or "").strip()
    with db.session() as s:
        account = s.scalar(select(Account).where(func.lower(Account.username) == username.lower()))
        if account is None:
            raise_after = _unknown_name(s, username, now) or _failed_unknown(s, username, password)
        else:
            raise_after = _check_account(s, account, password, now, username)
    if raise_after is not None:
        raise raise_after
    db.user = _as_user(account)
    return db.user


def _throttled(typed: str, failures: int, last_failed_at: datetime | None, now: datetime) -> SignInFailed | None:
    """The wait asked after repeated failures: the same words for a name that exists and one that does not (said
    with the name as typed), so that the answer never tells which accounts exist."""
    delay = throttle_delay(failures)
    if last_failed_at is None or delay == 0:
        return None
    wait = last_failed_at + timedelta(seconds=delay) - now
    if wait.total_seconds() <= 0:
        return None
    seconds = int(wait.total_seconds()) + 1
    return SignInFailed(f"Trop de tentatives pour « {typed} » : réessayez dans {seconds} s.", seconds)


def _unknown_name(s: Session, typed: str, now: datetime) -> SignInFailed | None:
    """An unknown name is slowed down like an account: its failures are the journal's recent entries for it."""
    since = now - timedelta(days=1)
    count, last = s.execute(
        select(func.count(AuditEntry.id), func.max(AuditEntry.at))
        .where(AuditEntry.action == "login_failed", AuditEntry.entity == "account", AuditEntry.at >= since,
               func.lower(AuditEntry.actor) == (typed[:60] or "?").lower())
    ).one()
    return _throttled(typed, count, last, now)


def _failed_unknown(s: Session, typed: str, password: str) -> SignInFailed:
    _spend_time(password)
    audit.log_event(s, "login_failed", "account", {"utilisateur": typed[:60]}, actor=typed[:60] or "?")
    return SignInFailed("Nom d'utilisateur ou mot de passe incorrect.")


def _spend_time(password: str) -> None:
    """Same work for an unknown user name as for a known one: timing does not reveal which names exist."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = HASHER.hash("erbm-desk: compte inexistant")
    try:
        HASHER.verify(_dummy_hash, password or "x")
    except VerificationError:
        pass


_dummy_hash: str | None = None


def _check_account(s: Session, account: Account, password: str, now: datetime, typed: str) -> SignInFailed | None:
    """None when signed in; otherwise the error to raise once the failure counter is committed."""
    throttled = _throttled(typed, account.failed_logins, account.last_failed_at, now)
    if throttled is not None:
        return throttled
    try:
        HASHER.verify(account.password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        account.failed_logins += 1
        account.last_failed_at = now
        audit.log_event(s, "login_failed", "account", {"tentatives": account.failed_logins},
                        actor=account.username, role=account.role)
        return SignInFailed("Nom d'utilisateur ou mot de passe incorrect.")
    if not account.active:
        return SignInFailed(f"Le compte « {account.username} » est désactivé : voyez l'administrateur.")
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    account.failed_logins = 0
    account.last_failed_at = None
    account.last_login_at = now
    audit.log_event(s, "login", "account", {}, actor=account.username, role=account.role)
    return None


def sign_out(db) -> None:
    db.user = None if db.login_required else authz.system_user()


# --- Managing accounts (administrators) --------------------------------------------------------------------

@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    failed_logins: int
    last_login_at: datetime | None


def list_accounts(session: Session) -> list[AccountRow]:
    authz.require(session, authz.ACCOUNTS_MANAGE)
    return [
        AccountRow(a.id, a.username, a.display_name, Role(a.role), a.active, a.failed_logins, a.last_login_at)
        for a in session.scalars(select(Account).order_by(Account.username))
    ]


def create_account(session: Session, username: str, password: str, role: str | Role,
                   display_name: str = "") -> AccountRow:
    """A new account (needs `accounts.manage`; on a database without accounts the system user has it)."""
    authz.require(session, authz.ACCOUNTS_MANAGE)
    role = _role(role)
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise AccountInvalid("Nom d'utilisateur : 2 à 60 lettres, chiffres, points, tirets ou @, sans espace.")
    if session.scalar(select(Account.id).where(func.lower(Account.username) == username.lower())):
        raise AccountInvalid(f"Le compte « {username} » existe déjà.")
    account = Account(username=username, display_name=display_name.strip(), role=role.value,
                      password_hash=hash_password(password), active=True, failed_logins=0)
    session.add(account)
    session.flush()
    audit.log_event(session, "account", "account", {"compte": username, "rôle": [None, role.value]},
                    record_id=account.id)
    return AccountRow(account.id, username, account.display_name, role, True, 0, None)


def _account(session: Session, username: str) -> Account:
    account = session.scalar(select(Account).where(func.lower(Account.username) == username.strip().lower()))
    if account is None:
        raise AccountInvalid(f"Compte inconnu : « {username} ».")
    return account


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Account).where(Account.active.is_(True), Account.role == Role.ADMIN.value)
    ) or 0


def _keep_an_admin(session: Session, account: Account) -> None:
    """Refuse to remove the last active administrator while sign-in is required (nobody could manage accounts)."""
    if account.role == Role.ADMIN.value and account.active and _active_admins(session) <= 1 and login_required(session):
        raise AccountInvalid("C'est le dernier compte administrateur actif : créez-en un autre d'abord.")


def set_role(session: Session, username: str, role: str | Role) -> None:
    authz.require(session, authz.ACCOUNTS_MANAGE)
    role = _role(role)
    account = _account(session, username)
    if account.role != role.value:
        if role is not Role.ADMIN:
            _keep_an_admin(session, account)
        audit.log_event(session, "account", "account", {"compte": account.username, "rôle": [account.role, role.value]},
                        record_id=account.id)
        account.role = role.value
        session.flush()


def set_active(session: Session, username: str, active: bool) -> None:
    authz.require(session, authz.ACCOUNTS_MANAGE)
    account = _account(session, username)
    if account.active != active:
        if not active:
            _keep_an_admin(session, account)
        account.active = active
        if active:
            account.failed_logins, account.last_failed_at = 0, None
        audit.log_event(session, "account", "account", {"compte": account.username, "actif": [not active, active]},
                        record_id=account.id)
        session.flush()


def reset_password(session: Session, username: str, password: str) -> None:
    """An administrator sets a new password (and clears the failure counter)."""
    authz.require(session, authz.ACCOUNTS_MANAGE)
    account = _account(session, username)
    account.password_hash = hash_password(password)
    account.failed_logins, account.last_failed_at = 0, None
    audit.log_event(session, "account", "account", {"compte": account.username, "mot de passe": "réinitialisé"},
                    record_id=account.id)
    session.flush()


def change_own_password(db, old_password: str, new_password: str) -> None:
    user = authz.current_user(db)
    if user.implicit:
        raise AccountInvalid("Vous n'êtes pas connecté avec un compte : rien à changer.")
    with db.session() as s:
        account = s.get(Account, user.account_id)
        try:
            HASHER.verify(account.password_hash, old_password or "")
        except (VerificationError, InvalidHashError):
            raise AccountInvalid("L'ancien mot de passe est incorrect.") from None
        account.password_hash = hash_password(new_password)
        audit.log_event(s, "account", "account", {"compte": account.username, "mot de passe": "changé"},
                        record_id=account.id)


def set_login_required(db_or_session, required: bool) -> None:
    """Turn mandatory sign-in on or off. Turning it on needs an active administrator account, and the person
    doing it is signed in as that kind of account from then on (or must sign in at the next start)."""
    session_ctx = db_or_session.session() if hasattr(db_or_session, "sessions") else _null_ctx(db_or_session)
    with session_ctx as s:
        authz.require(s, authz.ACCOUNTS_MANAGE)
        if required and _active_admins(s) == 0:
            raise AccountInvalid("Créez d'abord un compte administrateur actif : sans lui, plus personne ne "
                                 "pourrait gérer les comptes une fois la connexion obligatoire.")
        settings.write_database_setting(s, settings.LOGIN_REQUIRED, required)
        db = authz.database_of(s)
        if db is not None:
            db.login_required = login_required(s)


class _null_ctx:
    def __init__(self, session: Session):
        self.session = session

    def __enter__(self) -> Session:
        return self.session

    def __exit__(self, *exc) -> None:
        return None


def password_from_environment() -> str | None:
    return os.environ.get(PASSWORD_ENV)
