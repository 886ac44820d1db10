"""`erbm-desk bilan OUT.pdf [--epci|--cite|--bailleur] [--from --to]`: the comité's bilan as a PDF."""

from __future__ import annotations

import sys

from erbm_desk.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError, add_scope_arguments, open_db


class TerminalProgress:
    """Progress on stderr (« Écriture du bilan… 12/43 ») when it is a terminal; Ctrl-C cancels (the target
    file is then left as it was: the bilan is written beside it and renamed at the end)."""

    def __init__(self, stream=None):
        # sys.stderr read at call time, not at import: a default bound at import kept a stream that pytest's
        # capture had since closed when another test imported the CLI first (seen with tests/security).
        self.stream = stream = stream or sys.stderr
        self.live = stream.isatty()
        self.total, self.value, self.label = 0, 0, ""

    def start(self, total: int, label: str = "") -> None:
        self.total, self.value, self.label = total, 0, label
        self._show()

    def advance(self, steps: int = 1) -> None:
        self.value += steps
        self._show()

    def cancelled(self) -> bool:
        return False

    def _show(self) -> None:
        if self.live:
            end = "\n" if self.total and self.value >= self.total else ""
            self.stream.write(f"\r{self.label} {self.value}/{self.total}{end}")
            self.stream.flush()


def request_of(args):
    """The bilan asked for by the command's arguments (checked by `BilanRequest.check`)."""
    from erbm_desk.services.reporting.bilan_request import BilanRequest

    kind = next((k for k in ("epci", "cite", "bailleur") if getattr(args, k, None)), "territory")
    return BilanRequest.of(args.out, kind, getattr(args, kind, None), args.start, args.end)


def cmd_bilan(args) -> int:
    from erbm_desk.domain.french import format_count, format_date
    from erbm_desk.services.reporting.bilan import write_bilan
    from erbm_desk.services.reporting.bilan_request import BilanRequestError
    from erbm_desk.services.reporting.indicators import ScopeError

    try:
        request = request_of(args).check()
    except BilanRequestError as exc:
        raise CliError(str(exc), EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    out = request.target
    db = open_db(args)
    try:
        with db.sessions() as s:
            summary = write_bilan(s, out, request.scope, request.period, TerminalProgress())
    except ScopeError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
    finally:
        db.close()
    print(f"Bilan écrit dans {out} : {format_count(summary.pages, 'page')}, {format_count(summary.cites, 'cité')}, "
          f"données arrêtées au {format_date(summary.as_of)}.")
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("bilan", help="écrit le bilan PDF pour le comité de pilotage")
    p.add_argument("out", metavar="FICHIER.pdf", help="le fichier PDF à écrire (remplacé s'il existe)")
    add_scope_arguments(p)
    p.set_defaults(func=cmd_bilan)
