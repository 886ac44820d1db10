"""The `erbm-desk` command line: the same services as the window, one subcommand per use case.

Errors are one French line on stderr and a non-zero exit code (2 for bad usage), never a traceback. Each
command lives in `cli/commands/` and registers itself; the helpers they share are in `cli/common.py`.
"""

from __future__ import annotations

import os
import sys

from erbm_desk import __version__
from erbm_desk.cli.common import EXIT_FAILED, EXIT_OK, CliError, FrenchArgumentParser
from erbm_desk.paths import default_database


def cmd_gui(args) -> int:
    from erbm_desk.ui.app import run_app

    return run_app(args.db if args.db_given else None)


def build_parser() -> FrenchArgumentParser:
    parser = FrenchArgumentParser(
        prog="erbm-desk",
        description="ERBM Desk : rénovation des cités minières et clauses d'insertion. "
        "Sans commande, ouvre la fenêtre de l'application.",
    )
    parser.add_argument("--version", action="version", version=f"ERBM Desk {__version__}",
                        help="afficher la version et quitter")
    parser.add_argument("--db", help="fichier de base de données ou URL (défaut : $ERBM_DESK_DB ou le dossier "
                                     "de données de l'utilisateur)")
    parser.add_argument("--user", help="se connecter avec ce compte (mot de passe demandé, ou lu dans "
                                       "$ERBM_DESK_PASSWORD)")
    sub = parser.add_subparsers(dest="command", parser_class=FrenchArgumentParser, metavar="COMMANDE")

    from erbm_desk.cli.commands import register_all

    register_all(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        args.db_given = args.db is not None
        args.db = args.db or default_database()
        func = getattr(args, "func", cmd_gui)
        code = func(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, rather than at the interpreter's exit
        return code
    except BrokenPipeError:
        # The reader went away once it had what it wanted (`erbm-desk stats | head -1`): not an error, and nothing
        # more to write; the rest of the output goes nowhere so that the final flush does not fail either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except CliError as exc:
        print(f"erbm-desk : {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("erbm-desk : interrompu.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback on screen: one French line, details in the log
        print(f"erbm-desk : {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED


def _one_line(exc: Exception) -> str:
    """A refusal the services word in French (read-only database, missing right, a record that breaks a rule) as
    it is; anything else as one French line naming the log file that holds the details."""
    from erbm_desk.services.error_log import unexpected
    from erbm_desk.services.records.writes import RecordInvalid
    from erbm_desk.services.security.authz import AccessDenied

    if isinstance(exc, (RecordInvalid, AccessDenied)):
        return " ".join(str(exc).split())
    return unexpected(exc, "la commande")


if __name__ == "__main__":
    raise SystemExit(main())
