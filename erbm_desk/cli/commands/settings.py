"""`erbm-desk settings [KEY [VALUE]]`: the settings stored in the database (retention, small counts…)."""

from __future__ import annotations

from erbm_desk.cli.common import EXIT_OK, CliError, open_db


def cmd_settings(args) -> int:
    from erbm_desk.services.security import database_settings as settings

    db = open_db(args)
    try:
        with db.session() as s:
            if args.value is not None:
                try:
                    settings.write_database_setting(s, args.key, args.value)
                except ValueError as exc:
                    raise CliError(str(exc)) from None
            keys = [args.key] if args.key else list(settings.SETTINGS)
            for key in keys:
                if key not in settings.SETTINGS:
                    raise CliError(f"Réglage inconnu : « {key} » (connus : {', '.join(settings.SETTINGS)}).")
                print(f"{key} = {settings.read_database_setting(s, key)}    # {settings.SETTINGS[key].label}")
    finally:
        db.close()
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("settings", help="réglages de la base : durée de conservation, seuil des petits "
                                               "effectifs, connexion obligatoire")
    p.add_argument("key", nargs="?", help="réglage (sans valeur : l'affiche)")
    p.add_argument("value", nargs="?", help="nouvelle valeur (administrateur)")
    p.set_defaults(func=cmd_settings)
