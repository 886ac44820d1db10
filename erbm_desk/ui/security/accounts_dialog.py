"""The administrator's dialog: accounts and roles, mandatory sign-in, retention and small-count settings; and
`install_account_actions(window)`, the « Sécurité » menu. Every action calls a service, which checks rights, in
a worker of the database gateway: the list and the settings show once read, a change once written."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.paths import APP_NAME
from erbm_desk.services.security import accounts, authz
from erbm_desk.services.security import database_settings as settings
from erbm_desk.services.database.opening import Database
from erbm_desk.ui.common.dialogs import ok_cancel
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.security.login_dialog import LoginDialog, NewAccountDialog

HEADERS = ("Utilisateur", "Nom", "Rôle", "Actif", "Dernière connexion", "Échecs")


class AccountsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        authz.require(db, authz.ACCOUNTS_MANAGE)
        self.db = db
        self.gateway = gateway_for(db)
        self.setWindowTitle(f"Comptes et rôles — {APP_NAME}")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        for text, slot in (("Ajouter…", self.add), ("Changer le rôle…", self.change_role),
                           ("Nouveau mot de passe…", self.reset_password), ("Désactiver / réactiver", self.toggle)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        form = QFormLayout()
        self.required = QCheckBox("Connexion obligatoire pour ouvrir cette base")
        self.required.setChecked(db.login_required)
        self.required.toggled.connect(self.set_required)
        form.addRow(self.required)
        self.years = QSpinBox(minimum=1, maximum=30, suffix=" ans", enabled=False)
        self.threshold = QSpinBox(minimum=1, maximum=50, enabled=False)
        form.addRow(settings.SETTINGS[settings.RETENTION_YEARS].label + " :", self.years)
        form.addRow(settings.SETTINGS[settings.SMALL_COUNT_THRESHOLD].label + " :", self.threshold)
        self.save_button = QPushButton("Enregistrer les réglages", enabled=False)  # once the settings are read
        self.save_button.clicked.connect(self.save_settings)
        form.addRow(self.save_button)
        layout.addLayout(form)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.gateway.read(self, lambda s: (settings.read_database_setting(s, settings.RETENTION_YEARS),
                                           settings.read_database_setting(s, settings.SMALL_COUNT_THRESHOLD)),
                          self._settings_read)
        self.refresh()

    def _settings_read(self, values: tuple[int, int]) -> None:
        self.years.setValue(values[0])
        self.threshold.setValue(values[1])
        for widget in (self.years, self.threshold, self.save_button):
            widget.setEnabled(True)

    def _call(self, fn, then=None) -> None:
        """Run a service call in one transaction on the writer; then the list again and `then()`. A refusal is
        shown, never raised."""

        def done(_result) -> None:
            self.refresh()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self, APP_NAME, str(exc) if isinstance(
                exc, (accounts.AccountInvalid, authz.AccessDenied, ValueError)) else f"Modification impossible : {exc}")

        self.gateway.write(self, fn, done, failed)

    def refresh(self) -> None:
        """Read the accounts in a worker, then list them."""
        self.gateway.read(self, accounts.list_accounts, self._show_accounts, latest="accounts")

    def _show_accounts(self, rows) -> None:
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            last = f"{r.last_login_at:%d/%m/%Y %H:%M}" if r.last_login_at else "jamais"
            for j, text in enumerate((r.username, r.display_name, r.role.label, "oui" if r.active else "non", last,
                                      str(r.failed_logins))):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected(self) -> str | None:
        items = self.table.selectedItems()
        if not items:
            QMessageBox.information(self, APP_NAME, "Choisissez d'abord un compte dans la liste.")
            return None
        return self.table.item(items[0].row(), 0).text()

    def add(self) -> None:
        if NewAccountDialog(self.db, self).exec() == QDialog.Accepted:
            self.refresh()

    def change_role(self) -> None:
        name = self.selected()
        if name is None:
            return
        labels = [r.label for r in authz.Role]
        label, ok = QInputDialog.getItem(self, APP_NAME, f"Rôle de « {name} » :", labels, 0, False)
        if ok:
            self._call(lambda s: accounts.set_role(s, name, authz.Role.from_text(label)))

    def reset_password(self) -> None:
        name = self.selected()
        if name is None:
            return
        password, ok = QInputDialog.getText(self, APP_NAME, f"Nouveau mot de passe de « {name} » :", QLineEdit.Password)
        if ok:
            self._call(lambda s: accounts.reset_password(s, name, password))

    def toggle(self) -> None:
        name = self.selected()
        if name is None:
            return
        active = self.table.item(self.table.currentRow(), 3).text() == "oui"
        self._call(lambda s: accounts.set_active(s, name, not active))

    def set_required(self, on: bool) -> None:
        def refused(exc: BaseException) -> None:
            QMessageBox.warning(self, APP_NAME, str(exc))
            self.required.blockSignals(True)
            self.required.setChecked(not on)
            self.required.blockSignals(False)

        db = self.db
        self.gateway.job(self, lambda _p: accounts.set_login_required(db, on), lambda _r: None, refused, writes=True)

    def save_settings(self) -> None:
        years, threshold = self.years.value(), self.threshold.value()
        self._call(lambda s: (settings.write_database_setting(s, settings.RETENTION_YEARS, years),
                              settings.write_database_setting(s, settings.SMALL_COUNT_THRESHOLD, threshold)),
                   lambda: QMessageBox.information(self, APP_NAME, "Réglages enregistrés."))


class ChangePasswordDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(f"Changer mon mot de passe — {APP_NAME}")
        form = QFormLayout(self)
        self.old, self.new, self.confirm = (QLineEdit(echoMode=QLineEdit.Password) for _ in range(3))
        form.addRow("Mot de passe actuel :", self.old)
        form.addRow("Nouveau mot de passe :", self.new)
        form.addRow("Confirmez :", self.confirm)
        buttons = ok_cancel(self, on_ok=self.submit)
        form.addRow(buttons)

    def submit(self) -> None:
        if self.new.text() != self.confirm.text():
            QMessageBox.warning(self, APP_NAME, "Les deux mots de passe diffèrent.")
            return
        db, old, new = self.db, self.old.text(), self.new.text()
        # Argon2id takes a fraction of a second, twice: in the writer, never on the UI thread.
        gateway_for(db).job(self, lambda _p: accounts.change_own_password(db, old, new), lambda _r: self.accept(),
                            lambda exc: QMessageBox.warning(self, APP_NAME, str(exc)), writes=True)


def install_account_actions(window) -> QMenu:
    """Add the « Sécurité » menu to a main window that has `.db` (the open Database) and `menuBar()`.

    Entries are enabled according to the signed-in user's role each time the menu opens; the services check
    the rights again whatever the menu shows."""
    from erbm_desk.ui.security.audit_dialog import AuditDialog
    from erbm_desk.ui.security.gdpr_dialog import PersonDataDialog, RetentionDialog

    menu = window.menuBar().addMenu("&Sécurité")

    def db() -> Database:
        return window.db

    def open_dialog(factory) -> None:
        try:
            factory(db(), window).exec()
        except authz.AccessDenied as exc:
            QMessageBox.warning(window, APP_NAME, str(exc))

    def switch_user() -> None:
        accounts.sign_out(db())
        if LoginDialog(db(), window).exec() != QDialog.Accepted and db().user is None:
            QMessageBox.information(window, APP_NAME, "Personne n'est connecté : les données restent masquées "
                                    "jusqu'à la prochaine connexion.")
        gateway_for(db()).announce(Changes.all())  # what may be shown changed with the person

    actions = [
        (menu.addAction("Changer d'utilisateur…", switch_user), None),
        (menu.addAction("Changer mon mot de passe…", lambda: open_dialog(ChangePasswordDialog)), None),
    ]
    menu.addSeparator()
    actions += [
        (menu.addAction("Comptes et rôles…", lambda: open_dialog(AccountsDialog)), authz.ACCOUNTS_MANAGE),
        (menu.addAction("Journal des modifications…", lambda: open_dialog(AuditDialog)), authz.AUDIT_READ),
        (menu.addAction("Données d'une personne (RGPD)…", lambda: open_dialog(PersonDataDialog)), authz.GDPR_ACCESS),
        (menu.addAction("Durée de conservation…", lambda: open_dialog(RetentionDialog)), authz.GDPR_ERASE),
    ]

    def refresh() -> None:
        user = db().user
        for action, permission in actions:
            action.setEnabled(permission is None or authz.allowed(db(), permission))
        actions[1][0].setEnabled(user is not None and not user.implicit)

    menu.aboutToShow.connect(refresh)
    refresh()
    window.security_menu = menu
    return menu
