"""`erbm-desk accounts …`: accounts, roles and mandatory sign-in (administrators)."""

from __future__ import annotations

import getpass
import os
import sys

from erbm_desk.cli.common import EXIT_OK, CliError, open_db

NEW_PASSWORD_ENV = "ERBM_DESK_NEW_PASSWORD"


def _new_password(username: str) -> str:
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"Mot de passe du compte « {username} » : tapez-le au terminal ou donnez-le dans "
                       f"{NEW_PASSWORD_ENV}.")
    first = getpass.getpass(f"Nouveau mot de passe de {username} : ")
    if getpass.getpass("Confirmez : ") != first:
        raise CliError("Les deux mots de passe diffèrent.")
    return first


def _run(args, action) -> int:
    from erbm_desk.services.security.accounts import AccountInvalid

    db = open_db(args)
    try:
        with db.session() as s:
            message = action(s, db)
    except AccountInvalid as exc:
        raise CliError(str(exc)) from None
    finally:
        db.close()
    if message:
        print(message)
    return EXIT_OK


def cmd_list(args) -> int:
    from erbm_desk.services.security import accounts

    def action(s, db):
        rows = accounts.list_accounts(s)
        lines = [f"{'compte':<20} {'rôle':<18} {'actif':<6} dernière connexion"]
        for r in rows:
            last = f"{r.last_login_at:%d/%m/%Y %H:%M}" if r.last_login_at else "jamais"
            lines.append(f"{r.username:<20} {r.role.label:<18} {'oui' if r.active else 'non':<6} {last}")
        lines.append(f"Connexion obligatoire : {'oui' if db.login_required else 'non'}.")
        return "\n".join(lines)

    return _run(args, action)


def cmd_add(args) -> int:
    from erbm_desk.services.security import accounts

    password = _new_password(args.username)
    return _run(args, lambda s, db: (accounts.create_account(s, args.username, password, args.role, args.name or ""),
                                     f"Compte « {args.username} » créé ({args.role}).")[1])


def cmd_role(args) -> int:
    from erbm_desk.services.security import accounts

    return _run(args, lambda s, db: (accounts.set_role(s, args.username, args.role),
                                     f"Rôle de « {args.username} » : {args.role}.")[1])


def cmd_active(args) -> int:
    from erbm_desk.services.security import accounts

    active = args.accounts_command == "enable"
    return _run(args, lambda s, db: (accounts.set_active(s, args.username, active),
                                     f"Compte « {args.username} » {'réactivé' if active else 'désactivé'}.")[1])


def cmd_password(args) -> int:
    from erbm_desk.services.security import accounts

    password = _new_password(args.username)
    return _run(args, lambda s, db: (accounts.reset_password(s, args.username, password),
                                     f"Mot de passe de « {args.username} » changé.")[1])


def cmd_require_login(args) -> int:
    from erbm_desk.services.security import accounts

    required = args.state == "on"

    def action(s, db):
        accounts.set_login_required(s, required)
        return "Connexion obligatoire." if required else "Connexion facultative (compte du système)."

    return _run(args, action)


def register(subparsers) -> None:
    p = subparsers.add_parser("accounts", help="comptes, rôles et connexion obligatoire (administrateur)")
    sub = p.add_subparsers(dest="accounts_command", parser_class=type(p), metavar="ACTION")
    sub.required = True
    roles = "administrateur, facilitateur, bailleur, comite"
    sub.add_parser("list", help="liste des comptes").set_defaults(func=cmd_list)
    a = sub.add_parser("add", help=f"crée un compte (mot de passe demandé ou lu dans {NEW_PASSWORD_ENV})")
    a.add_argument("username")
    a.add_argument("--role", required=True, help=roles)
    a.add_argument("--name", help="nom affiché")
    a.set_defaults(func=cmd_add)
    a = sub.add_parser("role", help="change le rôle d'un compte")
    a.add_argument("username")
    a.add_argument("role", help=roles)
    a.set_defaults(func=cmd_role)
    for name, text in (("disable", "désactive un compte"), ("enable", "réactive un compte")):
        a = sub.add_parser(name, help=text)
        a.add_argument("username")
        a.set_defaults(func=cmd_active)
    a = sub.add_parser("password", help="nouveau mot de passe pour un compte")
    a.add_argument("username")
    a.set_defaults(func=cmd_password)
    a = sub.add_parser("require-login", help="connexion obligatoire (on) ou facultative (off)")
    a.add_argument("state", choices=("on", "off"))
    a.set_defaults(func=cmd_require_login)
