"""The one question about unsaved changes, asked the same way wherever they would be left behind — another
record, month, page or database, or the window closing: « Enregistrer » (the default: Entrée), « Ne pas
enregistrer », « Annuler » (Échap). Never a nested event loop: the answer comes back through callbacks.

What holds unsaved changes (a record page, the hours grid) says so through three methods:

- `unsaved()`: what would be lost, in French (« les heures saisies pour 03/2023 »), or None;
- `save_unsaved(then, refused)`: save; `then()` once written, `refused()` when it could not be (the holder
  shows why: the fields or cells to correct);
- `discard_unsaved()`: forget the changes now; the holder shows what is stored again.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

SAVE, DISCARD, CANCEL = "Enregistrer", "Ne pas enregistrer", "Annuler"
TITLE = "Modifications non enregistrées"

Holder = Any  # an object with unsaved(), save_unsaved(then, refused) and discard_unsaved()


def ask_unsaved(parent: QWidget, what: Sequence[str], on_save: Callable[[], None], on_discard: Callable[[], None],
                on_cancel: Callable[[], None] | None = None) -> QMessageBox:
    """Open the question (window-modal, non-blocking) about the unsaved changes `what`; returns the box."""
    if len(what) == 1:
        text = f"Voulez-vous enregistrer {what[0]} ?"
        informative = "Si vous ne les enregistrez pas, ces modifications seront perdues."
    else:
        text = "Voulez-vous enregistrer les modifications en cours ?"
        informative = "\n".join(f"– {w[0].upper()}{w[1:]}" for w in what) + \
            "\n\nSi vous ne les enregistrez pas, ces modifications seront perdues."
    box = QMessageBox(QMessageBox.Warning, TITLE, text, QMessageBox.NoButton, parent)
    box.setObjectName("unsaved_question")
    box.setInformativeText(informative)
    save = box.addButton(SAVE, QMessageBox.AcceptRole)
    discard = box.addButton(DISCARD, QMessageBox.DestructiveRole)
    cancel = box.addButton(CANCEL, QMessageBox.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)

    def answered(button) -> None:
        if button is save:
            on_save()
        elif button is discard:
            on_discard()
        elif on_cancel is not None:
            on_cancel()

    box.buttonClicked.connect(answered)
    box.open()
    return box


def settle_unsaved(parent: QWidget, holders: Sequence[Holder], then: Callable[[], None],
                   on_cancel: Callable[[], None] | None = None,
                   show: Callable[[Holder], None] | None = None) -> bool:
    """Run `then()` once the unsaved changes of `holders` are settled, asking the user when there are some.

    « Enregistrer » saves each holder in turn, then runs `then`; a save refused stops there: `show(holder)`
    brings it into view with what to correct, and `on_cancel()` runs. « Ne pas enregistrer » forgets the changes
    and runs `then`; « Annuler » runs `on_cancel`. Returns True when `then` ran at once (nothing unsaved)."""
    pending = [h for h in holders if h.unsaved()]
    if not pending:
        then()
        return True

    def save_from(i: int) -> None:
        if i == len(pending):
            then()
            return
        holder = pending[i]

        def refused() -> None:
            if show is not None:
                show(holder)
            if on_cancel is not None:
                on_cancel()

        holder.save_unsaved(lambda: save_from(i + 1), refused)

    def discard() -> None:
        for holder in pending:
            holder.discard_unsaved()
        then()

    ask_unsaved(parent, [h.unsaved() for h in pending], lambda: save_from(0), discard, on_cancel)
    return False
