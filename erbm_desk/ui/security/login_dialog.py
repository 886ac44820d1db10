"""Opening a database as a person: the passphrase of an encrypted file, the sign-in, the first administrator.

The lead wires these in (see `open_database_interactive` and `ensure_signed_in`); the checks themselves live
in the services (services/accounts.py, services/authz.py): this is only how the window asks.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.paths import APP_NAME
from erbm_desk.services.security import accounts, authz
from erbm_desk.services.database import sqlcipher as encryption
from erbm_desk.services.database.opening import Database, DatabaseOpenError, open_database
from erbm_desk.ui.window.dialogs import ok_cancel
from erbm_desk.ui.database.workers import run_job


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = ok_cancel(self, on_ok=self.submit)
        layout.addWidget(self.buttons)

    def field(self, label: str, secret: bool = False, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        if secret:
            edit.setEchoMode(QLineEdit.Password)
        self.form.addRow(label, edit)
        return edit

    def busy(self, on: bool) -> None:
        self.buttons.setEnabled(not on)

    def submit(self) -> None:  # pragma: no cover - overridden
        self.accept()


class LoginDialog(_Form):
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
        name, password = self.username.text(), self.password.text()
        run_job(lambda _p: accounts.sign_in(self.db, name, password), self._done, self._failed, owner=self)

    def _done(self, _user) -> None:
        self.busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy(False)
        self.password.clear()
        self.error.setText(str(exc) if isinstance(exc, authz.AccessDenied) else f"Connexion impossible : {exc}")


class NewAccountDialog(_Form):
    """A new account: the first administrator of a shared database, or one added by an administrator."""

    def __init__(self, db: Database, parent: QWidget | None = None, first_admin: bool = False):
        intro = ("Cette base partagée n'a encore aucun compte : créez le compte administrateur. Il faudra ensuite "
                 "se connecter pour l'ouvrir." if first_admin else "Nouveau compte.")
        super().__init__("Compte administrateur" if first_admin else "Nouveau compte", intro, parent)
        from PySide6.QtWidgets import QComboBox

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

        def job(_p):
            with self.db.session() as s:
                accounts.create_account(s, name, password, role, display)
            if self.first_admin:
                accounts.sign_in(self.db, name, password)

        run_job(job, lambda _r: (self.busy(False), self.accept()), self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.busy(False)
        self.error.setText(str(exc))


class PassphraseDialog(_Form):
    """The passphrase of an encrypted file, or its recovery key."""

    def __init__(self, path, parent: QWidget | None = None):
        super().__init__("Base chiffrée", f"La base « {path.name} » est chiffrée. Donnez sa phrase de passe (ou, à "
                         "défaut, la clé de secours reçue lors du chiffrement).", parent)
        self.path = path
        self.passphrase = self.field("Phrase de passe :", secret=True)
        self.recovery = self.field("ou clé de secours :")
        self.key: bytes | None = None

    def submit(self) -> None:
        self.busy(True)
        passphrase, recovery = self.passphrase.text(), self.recovery.text().strip() or None
        run_job(lambda _p: encryption.unlock(self.path, passphrase, recovery), self._done, self._failed, owner=self)

    def _done(self, key: bytes) -> None:
        self.busy(False)
        self.key = key
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy(False)
        self.error.setText(str(exc))


def ensure_signed_in(db: Database, parent: QWidget | None = None) -> bool:
    """True when someone may use `db`: sign-in optional, already signed in, or done now in a dialog.
    A shared database without any account first asks for its administrator account."""
    with db.sessions() as s:
        first = accounts.needs_first_admin(s)
    if first:
        return NewAccountDialog(db, parent, first_admin=True).exec() == QDialog.Accepted
    if db.user is not None:
        return True
    return LoginDialog(db, parent).exec() == QDialog.Accepted


def open_database_interactive(target: str, parent: QWidget | None = None, **options) -> Database | None:
    """`open_database`, asking for the passphrase of an encrypted file and for the sign-in; None if the user
    cancels. Raises DatabaseOpenError as open_database does (the caller shows it)."""
    try:
        db = open_database(target, **options)
    except encryption.EncryptedDatabaseError as exc:
        dialog = PassphraseDialog(exc.path, parent)
        if dialog.exec() != QDialog.Accepted:
            return None
        db = open_database(target, key=dialog.key, **options)
    if not ensure_signed_in(db, parent):
        db.close()
        return None
    return db


def show_startup_reminders(db: Database, parent: QWidget | None = None) -> None:
    """Administrators are told when people are due for anonymisation (retention period). The search runs in a
    worker: at demo scale 10 it reads for a quarter of a second, which the window must not freeze for while its
    first page loads."""
    from erbm_desk.services.security import gdpr

    def job(_progress):
        with db.sessions() as s:
            due = gdpr.due_for_retention(s)
            return gdpr.retention_message(due, gdpr.retention_years(s)) if due else None

    def show(message: str | None) -> None:
        if message and (parent is None or parent.isVisible()):  # not after the window has closed
            QMessageBox.information(parent, APP_NAME, message)

    run_job(job, show, lambda exc: None, owner=parent)


__all__ = ["LoginDialog", "NewAccountDialog", "PassphraseDialog", "ensure_signed_in", "open_database_interactive",
           "show_startup_reminders", "DatabaseOpenError"]
