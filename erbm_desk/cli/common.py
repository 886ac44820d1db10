"""What every command shares: French errors and exit codes, argument types, the scope options, opening the
database (passphrase and sign-in included)."""

from __future__ import annotations

import argparse
from pathlib import Path

from erbm_desk.cli import french_usage
from erbm_desk.domain.french import agree, format_count
from erbm_desk.domain.values import parse_month

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A French message for the user, and the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


french_usage.install()


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D401 - argparse hook
        message = message.rstrip(".")
        raise CliError(f"Arguments invalides : {message}. Voir « erbm-desk --help ».", EXIT_USAGE)


def refused_import(errors: int, name: str) -> CliError:
    """An import whose file has errors: nothing was written."""
    return CliError(f"{format_count(errors, 'erreur')} dans « {name} » : rien n'a été importé.")


def dry_run_said(writes: int) -> str:
    return (f"Essai à blanc : {format_count(writes, 'ligne')} {agree(writes, 'serait écrite', 'seraient écrites')} ; "
            "rien n'a été importé.")


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
    # the passphrase of an encrypted file, then --user or the mandatory sign-in (cli/sign_in.py)
    from erbm_desk.cli.sign_in import open_and_sign_in

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
    from erbm_desk.services.reporting.indicators import Period, Scope

    if args.start and args.end and args.end < args.start:
        raise CliError("Le mois de fin (--to) précède le mois de début (--from).", EXIT_USAGE)
    for kind in ("epci", "cite", "bailleur"):
        if getattr(args, kind, None):
            return Scope(kind, getattr(args, kind)), Period(args.start, args.end)
    return Scope(), Period(args.start, args.end)
