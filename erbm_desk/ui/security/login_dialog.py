"""Opening a database as a person: the sign-in, the first administrator of a shared database, and the reminders
shown once the window is open.

`ensure_signed_in(db, parent, then)` is the sign-in step of the opening pipeline (ui/database/opening.py). The
checks themselves live in the services (services/security/accounts.py, authz.py); every read and write goes
through the database gateway, in workers: this is only how the window asks.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QMessageBox, QWidget

from erbm_desk.paths import APP_NAME
from erbm_desk.services.database.opening import Database
from erbm_desk.services.security import accounts, authz
from erbm_desk.ui.common.form_dialog import FormDialog
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for


class LoginDialog(FormDialog):
    """User name and password; the check (Argon2id, a fraction of a second) runs in a worker."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__("Connexion", f"Identifiez-vous pour ouvrir « {db.label} ».", parent)
        self.db = db
        self.username = self.field("Utilisateur :", text=authz.os_username())
        self.password = self.field("Mot de passe :", secret=True)
        self.password.setFocus()
        self.buttons.button(QDialogButtonBox.Ok).setText("Se connecter")

    def submit(self) -> None:
        self.busy(True)
        self.error.clear()
        name, password, db = self.username.text(), self.password.text(), self.db
        # A sign-in writes (last sign-in, failed attempts) and changes what every view may show: names or not.
        gateway_for(db).job(self, lambda _p: accounts.sign_in(db, name, password), self._done, self._failed,
                            writes=True, changes=Changes.all())

    def _done(self, _user) -> None:
        self.busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy(False)
        self.password.clear()
        self.error.setText(str(exc) if isinstance(exc, authz.AccessDenied) else f"Connexion impossible : {exc}")


class NewAccountDialog(FormDialog):
    """A new account: the first administrator of a shared database, or one added by an administrator."""

    def __init__(self, db: Database, parent: QWidget | None = None, first_admin: bool = False):
        intro = ("Cette base partagée n'a encore aucun compte : créez le compte administrateur. Il faudra ensuite "
                 "se connecter pour l'ouvrir." if first_admin else "Nouveau compte.")
        super().__init__("Compte administrateur" if first_admin else "Nouveau compte", intro, parent)
        self.db, self.first_admin = db, first_admin
        self.username = self.field("Utilisateur :", text=authz.os_username() if first_admin else "")
        self.display = self.field("Nom affiché :")
        self.role = QComboBox()
        for role in authz.Role:
            self.role.addItem(role.label, role)
        self.role.setEnabled(not first_admin)
        self.form.addRow("Rôle :", self.role)
        self.password = self.field(f"Mot de passe ({accounts.MIN_PASSWORD_LENGTH} caractères au moins) :", True)
        self.confirm = self.field("Confirmez :", secret=True)

    def submit(self) -> None:
        if self.password.text() != self.confirm.text():
            self.error.setText("Les deux mots de passe diffèrent.")
            return
        self.busy(True)
        name, display, password = self.username.text(), self.display.text(), self.password.text()
        role = authz.Role.ADMIN if self.first_admin else self.role.currentData()
        db, first_admin = self.db, self.first_admin

        def job(_p):
            with db.session() as s:
                accounts.create_account(s, name, password, role, display)
            if first_admin:
                accounts.sign_in(db, name, password)

        gateway_for(db).job(self, job, lambda _r: (self.busy(False), self.accept()), self._failed, writes=True,
                            changes=Changes.all() if first_admin else None)

    def _failed(self, exc: BaseException) -> None:
        self.busy(False)
        self.error.setText(str(exc))


def ensure_signed_in(db: Database, parent: QWidget | None, then: Callable[[bool], None]) -> None:
    """`then(True)` when someone may use `db`: sign-in optional, already signed in, or done now in a dialog;
    `then(False)` when the person declined. A shared database without any account first asks for its
    administrator account (whether it has one is read in a worker)."""

    def known(first_admin: bool) -> None:
        if first_admin:
            then(NewAccountDialog(db, parent, first_admin=True).exec() == QDialog.Accepted)
        elif db.user is not None:
            then(True)
        else:
            then(LoginDialog(db, parent).exec() == QDialog.Accepted)

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, APP_NAME, f"Connexion impossible : {exc}")
        then(False)

    gateway_for(db).read(parent, accounts.needs_first_admin, known, failed)


def show_startup_reminders(db: Database, parent: QWidget | None = None) -> None:
    """Administrators are told when people are due for anonymisation (retention period). The search runs in a
    worker: at demo scale 10 it reads for a quarter of a second, which the window must not freeze for while its
    first page loads."""
    from erbm_desk.services.security import gdpr

    def due(s):
        people = gdpr.due_for_retention(s)
        return gdpr.retention_message(people, gdpr.retention_years(s)) if people else None

    def show(message: str | None) -> None:
        if message and (parent is None or parent.isVisible()):  # not after the window has closed
            show_reminder(parent, message)

    gateway_for(db).read(parent, due, show, lambda exc: None)


def show_reminder(parent: QWidget | None, message: str) -> QMessageBox:
    """A reminder the user reads when they like: in the status bar, and in a box that leaves the window free to
    use (not modal) — the first start is for looking around, not for answering a question."""
    status = getattr(parent, "statusBar", None)
    if callable(status):
        status().showMessage(message)
    box = QMessageBox(QMessageBox.Information, APP_NAME, message, QMessageBox.Ok, parent)
    box.setObjectName("reminder")
    box.setWindowModality(Qt.NonModal)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.show()
    return box
