"""`erbm-desk bilan OUT.pdf [--epci|--cite|--bailleur] [--from --to]`: the comité's bilan as a PDF."""

from __future__ import annotations

import sys
from pathlib import Path

from erbm_desk.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_scope_arguments,
    open_db,
    output_path,
    scope_and_period,
)


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


def bilan_argv(out: str | Path, kind: str = "territory", value: object = None, start=None, end=None) -> list[str]:
    """The arguments of `erbm-desk bilan` for a scope and a period (months as dates or None): what the
    « Bilan pour le comité » dialog shows and then parses back with `parse_bilan_argv`, so that the window and
    the command line take one road."""
    argv = [str(out)]
    if kind != "territory":
        argv += [f"--{kind}", str(value)]
    if start:
        argv += ["--from", f"{start:%Y-%m}"]
    if end:
        argv += ["--to", f"{end:%Y-%m}"]
    return argv


def parse_bilan_argv(argv: list[str]):
    """(target path, Scope, Period) from `erbm-desk bilan` arguments, with the command's own parser and checks.
    Raises CliError with the command's French message."""
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message):  # no exit from a window
            raise CliError(message, EXIT_USAGE)

    parser = _Parser(prog="erbm-desk")
    register(parser.add_subparsers(dest="command", parser_class=_Parser))
    args = parser.parse_args(["bilan", *argv])
    out = _checked_target(args.out)
    scope, period = scope_and_period(args)
    return out, scope, period


def _checked_target(out: str) -> Path:
    return output_path(out, ".pdf", "Le bilan s'écrit dans un fichier .pdf (« {name} »).")


def cmd_bilan(args) -> int:
    from erbm_desk.domain.french import format_date
    from erbm_desk.services.reporting.bilan import write_bilan
    from erbm_desk.services.reporting.indicators import ScopeError

    out = _checked_target(args.out)
    scope, period = scope_and_period(args)
    db = open_db(args)
    try:
        with db.sessions() as s:
            summary = write_bilan(s, out, scope, period, TerminalProgress())
    except ScopeError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
    finally:
        db.close()
    print(f"Bilan écrit dans {out} : {summary.pages} pages, {summary.cites} cités, "
          f"données arrêtées au {format_date(summary.as_of)}.")
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("bilan", help="écrit le bilan PDF pour le comité de pilotage")
    p.add_argument("out", metavar="FICHIER.pdf", help="le fichier PDF à écrire (remplacé s'il existe)")
    add_scope_arguments(p)
    p.set_defaults(func=cmd_bilan)
