"""The number of records of each kind, in the window's title (« plie.sqlite (35 cités, …) ») and status bar,
read in a worker when a database opens and again after each write that changes one of them. Which kinds, and
their words, come from the entity descriptions (`counted_in`), imported once a database is open: the window frame
shows before them."""

from __future__ import annotations

from typing import Any

from erbm_desk.paths import APP_NAME


def counted_entities() -> tuple[str, ...]:
    """The entities the status bar counts: a write touching one of them calls for a new count."""
    from erbm_desk.domain.entities import CountPlace, counted_in

    return tuple(spec.name for spec in counted_in(CountPlace.STATUS_BAR))


def window_title(db: Any, counts: dict[str, int] | None = None) -> str:
    figures = ""
    if counts:
        from erbm_desk.domain.entities import CountPlace, counted_in

        figures = " (" + ", ".join(spec.short_noun.count(counts[spec.name])
                                   for spec in counted_in(CountPlace.WINDOW_TITLE)) + ")"
    read_only = " — lecture seule" if getattr(db, "read_only", False) else ""
    return f"{db.label}{figures}{read_only} — {APP_NAME}"


def refresh_counts(window) -> None:
    """Count the records of `window.db` in a worker, then show them (a newer count wins over an older one)."""
    from erbm_desk.domain.entities import CountPlace, counted_in

    db = window.db

    def show(counts: dict[str, int]) -> None:
        if db is not window.db:
            return
        window.setWindowTitle(window_title(db, counts))
        window.counts_label.setText(f"{db.label} — " + " · ".join(
            spec.short_noun.count(counts[spec.name]) for spec in counted_in(CountPlace.STATUS_BAR)))
        # Where the base is, which the file name alone does not say; and the label's own tip, so that hovering it
        # does not show the status bar's (a long message's whole text).
        window.counts_label.setToolTip(f"Base ouverte : {db.path or db.label}")
        window.counts = counts

    window.gateway.job(window, lambda _p: db.counts(), show, lambda exc: None, latest="counts")
