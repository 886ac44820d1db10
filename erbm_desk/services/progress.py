"""The progress/cancel object every long job takes, so that it runs the same under a progress bar, in the CLI
and in tests (with a fake)."""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """The user cancelled the job; whatever it was writing has been rolled back."""


class Progress(Protocol):
    def start(self, total: int, label: str = "") -> None: ...
    def advance(self, steps: int = 1) -> None: ...
    def cancelled(self) -> bool: ...


class NullProgress:
    """Progress that nobody watches."""

    def start(self, total: int, label: str = "") -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def cancelled(self) -> bool:
        return False


def check_cancel(progress: Progress) -> None:
    if progress.cancelled():
        raise Cancelled("Opération annulée : rien n'a été enregistré.")
