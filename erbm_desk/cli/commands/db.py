"""`erbm-desk db upgrade`: brings the schema up to date (opening the database does it)."""

from __future__ import annotations

from erbm_desk.cli.common import EXIT_OK, FrenchArgumentParser, open_db


def cmd_db_upgrade(args) -> int:
    db = open_db(args)  # opening upgrades the schema
    from erbm_desk.db.migrate import current_revision

    print(f"Base {db.label} à jour (schéma {current_revision(db.engine)}).")
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("db", help="gestion du schéma de la base")
    dbsub = p.add_subparsers(dest="db_command", parser_class=FrenchArgumentParser, metavar="ACTION")
    dbsub.required = True
    dbsub.add_parser("upgrade", help="met le schéma à jour").set_defaults(func=cmd_db_upgrade)
