"""The `erbm-desk` command line: the same services as the window, one subcommand per use case.

Errors are one French line on stderr and a non-zero exit code (2 for bad usage), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from erbm_desk import __version__
from erbm_desk.domain.values import parse_month
from erbm_desk.paths import default_database

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A French message for the user, and the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D401 - argparse hook
        message = message.replace("argument ", "option ").rstrip(".")
        raise CliError(f"Arguments invalides : {message}. Voir « erbm-desk --help ».", EXIT_USAGE)


def month_argument(text: str):
    """argparse `type=` for a month (AAAA-MM): a French usage error when it isn't one."""
    try:
        return parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def output_path(text: str, suffix: str, wrong_suffix: str) -> Path:
    """The file a command writes: `wrong_suffix` (a usage error) unless it ends with `suffix`, and its folder
    must exist."""
    path = Path(text).expanduser()
    if path.suffix.lower() != suffix:
        raise CliError(wrong_suffix.format(name=path.name), EXIT_USAGE)
    if not path.parent.is_dir():
        raise CliError(f"Le dossier « {path.parent} » n'existe pas.")
    return path


def open_db(args):
    # issue 7: passphrase of an encrypted file, then --user / mandatory sign-in (erbm_desk/cli_security.py)
    from erbm_desk.cli_security import open_and_sign_in

    return open_and_sign_in(args, CliError)


def add_scope_arguments(p: argparse.ArgumentParser) -> None:
    """--epci/--cite/--bailleur and --from/--to, shared by every command that takes a scope and a period."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--epci", help="code SIREN ou nom court de l'EPCI (ex. CALL)")
    group.add_argument("--cite", help="nom de la cité")
    group.add_argument("--bailleur", help="nom du bailleur")
    p.add_argument("--from", dest="start", type=month_argument, help="premier mois (AAAA-MM)")
    p.add_argument("--to", dest="end", type=month_argument, help="dernier mois (AAAA-MM)")


def scope_and_period(args):
    from erbm_desk.services.indicators import Period, Scope

    if args.start and args.end and args.end < args.start:
        raise CliError("Le mois de fin (--to) précède le mois de début (--from).", EXIT_USAGE)
    for kind in ("epci", "cite", "bailleur"):
        if getattr(args, kind, None):
            return Scope(kind, getattr(args, kind)), Period(args.start, args.end)
    return Scope(), Period(args.start, args.end)


def cmd_demo(args) -> int:
    from erbm_desk.services.demo import DemoError, generate_demo

    db = open_db(args)
    t0 = time.perf_counter()
    try:
        with db.session() as s:
            summary = generate_demo(s, seed=args.seed, scale=args.scale)
    except DemoError as exc:
        raise CliError(str(exc)) from None
    print(
        f"Démonstration créée dans {db.label} en {time.perf_counter() - t0:.1f} s : {summary.cites} cités, "
        f"{summary.operations} opérations, {summary.companies} entreprises, {summary.beneficiaries} bénéficiaires, "
        f"{summary.contracts} contrats, {summary.hours_entries} mois d'heures."
    )
    return EXIT_OK


def cmd_stats(args) -> int:
    from erbm_desk.domain.rules import format_hours, format_int
    from erbm_desk.domain.values import format_money
    from erbm_desk.services.indicators import ScopeError, compute_indicators

    db = open_db(args)
    scope, period = scope_and_period(args)
    with db.session() as s:
        try:
            ind = compute_indicators(s, scope, period)
        except ScopeError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(ind.to_json(), ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    rate = f" ({ind.hours_rate} %)".replace(".", ",") if ind.hours_rate is not None else ""
    lines = [
        ind.scope_label,
        ind.sentence + ".",
        f"Heures réalisées / exigées : {format_hours(ind.hours_realised)} / {format_hours(ind.hours_required)}{rate}",
        f"Personnes : {format_int(ind.people)} (RSA {ind.people_rsa}, moins de 26 ans {ind.people_under_26}, "
        f"DELD {ind.people_deld}, femmes {ind.people_women}, QPV {ind.people_qpv})",
        f"Contrats : {format_int(ind.contracts)} — opérations : {ind.operations}",
        f"Logements prévus / en travaux / livrés : {format_int(ind.homes_planned)} / {format_int(ind.homes_in_works)} / "
        f"{format_int(ind.homes_delivered)} (objectif {format_int(ind.homes_target)})",
        f"Financements : {format_money(ind.funding_total)}",
    ]
    print("\n".join(lines))
    return EXIT_OK


def cmd_db_upgrade(args) -> int:
    db = open_db(args)  # opening upgrades the schema
    from erbm_desk.db.migrate import current_revision

    print(f"Base {db.label} à jour (schéma {current_revision(db.engine)}).")
    return EXIT_OK


def cmd_gui(args) -> int:
    from erbm_desk.ui.app import run_app

    return run_app(args.db if args.db_given else None)


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="erbm-desk",
        description="ERBM Desk : rénovation des cités minières et clauses d'insertion. "
        "Sans commande, ouvre la fenêtre de l'application.",
    )
    parser.add_argument("--version", action="version", version=f"ERBM Desk {__version__}")
    parser.add_argument("--db", help="fichier de base de données ou URL (défaut : $ERBM_DESK_DB ou le dossier "
                                     "de données de l'utilisateur)")
    parser.add_argument("--user", help="se connecter avec ce compte (mot de passe demandé, ou lu dans "
                                       "$ERBM_DESK_PASSWORD)")
    sub = parser.add_subparsers(dest="command", parser_class=FrenchArgumentParser, metavar="COMMANDE")

    p = sub.add_parser("demo", help="remplit une base avec des données de démonstration")
    p.add_argument("--seed", type=int, default=1, help="graine du générateur (défaut 1)")
    p.add_argument("--scale", type=float, default=1, help="échelle (1 = taille ERBM, 10 = dix fois plus)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("stats", help="indicateurs pour un périmètre et une période")
    p.add_argument("--json", action="store_true", help="un objet JSON sur la sortie standard")
    add_scope_arguments(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("db", help="gestion du schéma de la base")
    dbsub = p.add_subparsers(dest="db_command", parser_class=FrenchArgumentParser, metavar="ACTION")
    dbsub.required = True
    dbsub.add_parser("upgrade", help="met le schéma à jour").set_defaults(func=cmd_db_upgrade)

    from erbm_desk.commands import register_all

    register_all(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        args.db_given = args.db is not None
        args.db = args.db or default_database()
        func = getattr(args, "func", cmd_gui)
        return func(args)
    except CliError as exc:
        print(f"erbm-desk : {exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:
        from erbm_desk.services.authz import AccessDenied
        from erbm_desk.services.records import ReadOnlyError

        # a database opened read-only, or a right the user lacks (issue 7): any write says why, in French
        if not isinstance(exc, (ReadOnlyError, AccessDenied)):
            raise
        print(f"erbm-desk : {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("erbm-desk : interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
