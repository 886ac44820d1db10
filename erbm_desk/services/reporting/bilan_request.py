"""What a bilan is asked for — the PDF file, the scope, the period — and its checks, with the French messages that
`erbm-desk bilan` prints and the « Bilan pour le comité » dialog shows: one set of rules for both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from erbm_desk.domain.reporting import Period, Scope


class BilanRequestError(ValueError):
    """A French message; `usage` when the request itself is malformed (the command's exit code 2), not the
    machine (a missing folder)."""

    def __init__(self, message: str, usage: bool):
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class BilanRequest:
    target: Path
    scope: Scope = Scope()
    period: Period = Period()

    @classmethod
    def of(cls, target: str | Path, kind: str = "territory", value: object = None, start: date | None = None,
           end: date | None = None) -> BilanRequest:
        """From what a form or a command line holds: the file as typed, the scope's kind and value, the months."""
        scope = Scope() if kind == "territory" else Scope(kind, value)
        return cls(Path(target).expanduser(), scope, Period(start, end))

    def argv(self) -> list[str]:
        """The arguments of `erbm-desk bilan` for this request (what the dialog shows as its command line)."""
        argv = [str(self.target)]
        if self.scope.kind != "territory":
            argv += [f"--{self.scope.kind}", str(self.scope.value)]
        if self.period.start:
            argv += ["--from", f"{self.period.start:%Y-%m}"]
        if self.period.end:
            argv += ["--to", f"{self.period.end:%Y-%m}"]
        return argv

    def problem(self) -> BilanRequestError | None:
        """The first thing that stops this bilan from being written, or None."""
        if self.target.suffix.lower() != ".pdf":
            return BilanRequestError(f"Le bilan s'écrit dans un fichier .pdf (« {self.target.name} »).", usage=True)
        if not self.target.parent.is_dir():
            return BilanRequestError(f"Le dossier « {self.target.parent} » n'existe pas.", usage=False)
        start, end = self.period.start, self.period.end
        if start and end and end < start:
            return BilanRequestError("Le mois de fin (--to) précède le mois de début (--from).", usage=True)
        return None

    def check(self) -> BilanRequest:
        """This request, or BilanRequestError with the French message."""
        problem = self.problem()
        if problem is not None:
            raise problem
        return self
