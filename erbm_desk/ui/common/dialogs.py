"""Small non-blocking dialogs: a question answered later through a callback (no nested event loop, so a
test or a closing window never hangs on it), and the theme-aware colours of messages."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QWidget


def ok_cancel(dialog: QDialog, ok: str | None = None, cancel: str | None = None,
              on_ok: Callable[[], None] | None = None) -> QDialogButtonBox:
    """The dialog's OK / Cancel row: OK renamed to the action it performs (« Exporter »), wired to `on_ok`
    (default: accept) and Cancel to reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    if ok:
        buttons.button(QDialogButtonBox.Ok).setText(ok)
    if cancel:
        buttons.button(QDialogButtonBox.Cancel).setText(cancel)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def ask(parent: QWidget, title: str, text: str, yes: str, on_yes: Callable[[], None],
        informative: str = "", no: str = "Annuler", on_no: Callable[[], None] | None = None,
        icon: QMessageBox.Icon = QMessageBox.Question) -> QMessageBox:
    """Open a question window-modally; `on_yes()` runs if the user accepts. Returns the box."""
    box = QMessageBox(icon, title, text, QMessageBox.NoButton, parent)
    box.setInformativeText(informative)
    accept = box.addButton(yes, QMessageBox.AcceptRole)
    box.addButton(no, QMessageBox.RejectRole)
    box.setDefaultButton(accept)
    box.setObjectName("question")

    def answered(button) -> None:
        if button is accept:
            on_yes()
        elif on_no is not None:
            on_no()

    box.buttonClicked.connect(answered)
    box.open()
    return box


def tell(parent: QWidget, title: str, text: str, warning: bool = False) -> QMessageBox:
    """A message with « OK », window-modal but non-blocking (no nested event loop)."""
    box = QMessageBox(QMessageBox.Warning if warning else QMessageBox.Information, title, text, QMessageBox.Ok,
                      parent)
    box.setObjectName("message")
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def open_in_viewer(parent: QWidget, path: Path, title: str) -> bool:
    """Open `path` in the application the system has for it; where there is none (no PDF reader installed,
    no desktop to ask), say so and where the file is, rather than doing nothing."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    tell(parent, title, f"Aucune application n'est installée sur ce poste pour ouvrir « {path.name} ».\n\n"
                        f"Le fichier est enregistré dans le dossier :\n{path.parent}", warning=True)
    return False


def is_dark() -> bool:
    app = QApplication.instance()
    return app is not None and app.palette().window().color().lightness() < 128


def error_color() -> str:
    return "#ff8a80" if is_dark() else "#c62828"


def ok_color() -> str:
    return "#81c784" if is_dark() else "#2e7d32"
