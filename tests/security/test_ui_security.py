"""The security dialogs, driven as a user would (offscreen). They read and write in workers: the test waits for
what a user would see appear."""


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from erbm_desk.services.security import accounts
from erbm_desk.services.security.authz import Role
from tests.security.helpers import PASSWORD, sign_in_as


def test_login_dialog_signs_in_or_says_why(qtbot, accounts_db):
    from erbm_desk.ui.security.login_dialog import LoginDialog

    db = accounts_db
    accounts.sign_out(db)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.username.setText("fanny")
    dialog.password.setText("faux")
    dialog.submit()
    qtbot.waitUntil(lambda: "incorrect" in dialog.error.text())
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        dialog.submit()
    assert db.user.role is Role.FACILITATOR


def test_accounts_dialog_lists_adds_and_requires_login(qtbot, accounts_db, monkeypatch):
    from erbm_desk.ui.security.accounts_dialog import AccountsDialog
    from erbm_desk.ui.security.login_dialog import NewAccountDialog

    db = accounts_db
    dialog = AccountsDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0 and dialog.save_button.isEnabled())
    assert dialog.table.rowCount() == 4
    new = NewAccountDialog(db, dialog)
    new.username.setText("nina")
    new.role.setCurrentIndex(list(Role).index(Role.BAILLEUR))
    new.password.setText("un mot de passe long")
    new.confirm.setText("un mot de passe long")
    with qtbot.waitSignal(new.accepted):
        new.submit()
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.table.rowCount() != 4)
    assert dialog.table.rowCount() == 5
    dialog.required.setChecked(True)
    qtbot.waitUntil(lambda: db.login_required)
    dialog.years.setValue(7)
    told = []
    monkeypatch.setattr("erbm_desk.ui.security.accounts_dialog.QMessageBox.information", lambda *a: told.append(a))
    dialog.save_settings()
    qtbot.waitUntil(lambda: bool(told))
    assert told[0][2] == "Réglages enregistrés."
    from erbm_desk.services.security import database_settings as settings

    with db.sessions() as s:
        assert settings.read_database_setting(s, settings.RETENTION_YEARS) == 7


def test_audit_dialog_shows_verifies_and_exports(qtbot, accounts_db, small_dataset, tmp_path, monkeypatch):
    from erbm_desk.ui.security.audit_dialog import AuditDialog

    db = accounts_db
    dialog = AuditDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 10)
    shown = []
    monkeypatch.setattr("erbm_desk.ui.security.audit_dialog.QMessageBox.information", lambda *a: shown.append(a[2]))
    dialog.verify()
    qtbot.waitUntil(lambda: bool(shown))
    assert "Journal intègre" in shown[0]
    dialog.export(str(tmp_path / "j.xlsx"))
    qtbot.waitUntil(lambda: (tmp_path / "j.xlsx").exists())


def test_audit_model_passes_the_model_tester(qtmodeltester, accounts_db):
    from erbm_desk.services.security.audit_reading import list_entries
    from erbm_desk.ui.security.audit_dialog import AuditModel

    model = AuditModel()
    with accounts_db.sessions() as s:
        model.set_entries(list_entries(s))
    qtmodeltester.check(model)


@pytest.mark.parametrize("role", list(Role))
def test_security_menu_follows_the_role(qtbot, accounts_db, role):
    from erbm_desk.services.security import authz
    from erbm_desk.ui.security.accounts_dialog import AccountsDialog, install_account_actions

    db = accounts_db
    sign_in_as(db, role)
    window = QMainWindow()
    window.db = db
    qtbot.addWidget(window)
    menu = install_account_actions(window)
    enabled = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    assert enabled["Comptes et rôles…"] is (role is Role.ADMIN)
    assert enabled["Journal des modifications…"] is (role is Role.ADMIN)
    assert enabled["Données d'une personne (RGPD)…"] is (role in (Role.ADMIN, Role.FACILITATOR))
    assert enabled["Changer mon mot de passe…"]
    if role is not Role.ADMIN:
        with pytest.raises(authz.AccessDenied):
            AccountsDialog(db)


def test_person_and_retention_dialogs(qtbot, accounts_db, small_dataset, tmp_path):
    from erbm_desk.ui.security.gdpr_dialog import PersonDataDialog, RetentionDialog

    db = accounts_db
    dialog = PersonDataDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.people is not None)  # the people are read once, in a worker
    dialog.search.setText("durand")
    assert dialog.list.count() == 1
    dialog.list.setCurrentRow(0)
    dialog.export(str(tmp_path / "p.xlsx"))
    qtbot.waitUntil(lambda: (tmp_path / "p.xlsx").exists())
    dialog.erase(confirmed=True)
    qtbot.waitUntil(lambda: "ANON-" in dialog.status.text())
    retention = RetentionDialog(db)
    qtbot.addWidget(retention)
    qtbot.waitUntil(lambda: retention.due is not None)
    assert retention.list.count() == 0 or all(
        retention.list.item(i).checkState() == Qt.Checked for i in range(retention.list.count()))
