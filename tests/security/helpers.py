"""Accounts for each role on a test database, and signing in as one of them."""

from __future__ import annotations

from erbm_desk.services.security import accounts
from erbm_desk.services.security.authz import Role

PASSWORD = "correct-cheval-agrafe-42"
USERNAMES = {Role.ADMIN: "admin", Role.FACILITATOR: "fanny", Role.BAILLEUR: "bruno", Role.COMITE: "camille"}


def make_accounts(db, login_required: bool = False) -> None:
    """One account per role, created by the system user (every right while sign-in is optional)."""
    with db.session() as s:
        for role, name in USERNAMES.items():
            accounts.create_account(s, name, PASSWORD, role, display_name=name.title())
    if login_required:
        accounts.set_login_required(db, True)


def sign_in_as(db, role: Role):
    return accounts.sign_in(db, USERNAMES[role], PASSWORD)
