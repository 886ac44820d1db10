"""The CLI side of access control: unlocking an encrypted file and signing in before a command runs.

`erbm-desk --user NOM …` signs in as NOM; the password comes from ERBM_DESK_PASSWORD, or is asked on the
terminal (never echoed). Without --user, a database where sign-in is mandatory refuses the command. An
encrypted file takes its passphrase from ERBM_DESK_PASSPHRASE or the terminal, or ERBM_DESK_RECOVERY_KEY.
"""

from __future__ import annotations

import getpass
import os
import sys

RECOVERY_ENV = "ERBM_DESK_RECOVERY_KEY"


def _ask(prompt: str, error) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise error
    return getpass.getpass(prompt)


def unlock_key(path, cli_error) -> bytes:
    from erbm_desk.services.database import sqlcipher as encryption

    try:
        recovery = os.environ.get(RECOVERY_ENV)
        if recovery:
            return encryption.unlock(path, recovery_key=recovery)
        passphrase = os.environ.get(encryption.PASSPHRASE_ENV) or _ask(
            f"Phrase de passe de « {path.name} » : ",
            cli_error(f"La base « {path.name} » est chiffrée : donnez sa phrase de passe dans "
                      f"{encryption.PASSPHRASE_ENV} (ou la clé de secours dans {RECOVERY_ENV})."),
        )
        return encryption.unlock(path, passphrase)
    except encryption.EncryptionError as exc:
        raise cli_error(str(exc)) from None


def open_and_sign_in(args, cli_error):
    """Open args.db (asking for the passphrase of an encrypted file) and sign in as args.user if given."""
    from erbm_desk.services.database.errors import DatabaseOpenError, EncryptedDatabaseError
    from erbm_desk.services.database.opening import open_database

    try:
        try:
            db = open_database(args.db)
        except EncryptedDatabaseError as exc:
            db = open_database(args.db, key=unlock_key(exc.path, cli_error))
    except DatabaseOpenError as exc:
        raise cli_error(str(exc)) from None
    try:
        sign_in(db, getattr(args, "user", None), cli_error)
    except BaseException:
        db.close()
        raise
    return db


def sign_in(db, username: str | None, cli_error) -> None:
    from erbm_desk.services.security import accounts

    if username:
        password = accounts.password_from_environment()
        if password is None:
            password = _ask(f"Mot de passe de {username} : ", cli_error(
                f"Mot de passe de « {username} » : tapez-le au terminal ou donnez-le dans {accounts.PASSWORD_ENV}."))
        try:
            accounts.sign_in(db, username, password)
        except accounts.SignInFailed as exc:
            raise cli_error(str(exc)) from None
    elif db.login_required:
        raise cli_error("Connexion obligatoire sur cette base : ajoutez --user NOM (le mot de passe est demandé, "
                        f"ou lu dans {accounts.PASSWORD_ENV}).")
    else:
        with db.sessions() as s:
            if accounts.needs_first_admin(s):
                print("erbm-desk : base partagée sans compte : créez le compte administrateur "
                      "(erbm-desk accounts add NOM --role administrateur).", file=sys.stderr)
