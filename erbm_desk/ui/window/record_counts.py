"""The number of records of each kind, in the window's title (« plie.sqlite (35 cités, …) ») and status bar,
read in a worker when a database opens and again after each write that changes one of them."""

from __future__ import annotations

from typing import Any

from erbm_desk.domain.rules import format_int
from erbm_desk.paths import APP_NAME

COUNTED = (
    ("cite", "cité", "cités"),
    ("operation", "opération", "opérations"),
    ("company", "entreprise", "entreprises"),
    ("beneficiary", "bénéficiaire", "bénéficiaires"),
    ("contract", "contrat", "contrats"),
    ("hours_entry", "mois d'heures", "mois d'heures"),
)
IN_TITLE = ("cite", "beneficiary", "contract")
COUNTED_ENTITIES = tuple(key for key, _, _ in COUNTED)


def counted(n: int, one: str, many: str) -> str:
    return f"{format_int(n)} {one if n < 2 else many}"


def window_title(db: Any, counts: dict[str, int] | None = None) -> str:
    figures = ""
    if counts:
        figures = " (" + ", ".join(counted(counts[k], one, many) for k, one, many in COUNTED if k in IN_TITLE) + ")"
    read_only = " — lecture seule" if getattr(db, "read_only", False) else ""
    return f"{db.label}{figures}{read_only} — {APP_NAME}"


def refresh_counts(window) -> None:
    """Count the records of `window.db` in a worker, then show them (a newer count wins over an older one)."""
    db = window.db

    def show(counts: dict[str, int]) -> None:
        if db is not window.db:
            return
        window.setWindowTitle(window_title(db, counts))
        window.counts_label.setText(f"{db.label} — " + " · ".join(
            counted(counts[k], one, many) for k, one, many in COUNTED))
        window.counts = counts

    window.gateway.job(window, lambda _p: db.counts(), show, lambda exc: None, latest="counts")
