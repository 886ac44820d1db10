"""The main window: the open database, and its pages."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from erbm_desk.paths import APP_AUTHOR, APP_NAME
from erbm_desk.services.database import Database
from erbm_desk.ui.dashboard_page import DashboardPage


class MainWindow(QMainWindow):
    def __init__(self, db: Database):
        super().__init__()
        self.db = db
        self.setWindowTitle(f"{db.label} — {APP_NAME}")
        self.resize(1100, 720)
        self.dashboard = DashboardPage(db, self)
        self.setCentralWidget(self.dashboard)
        QSettings(APP_AUTHOR, APP_NAME).setValue("database/last", db.url.removeprefix("sqlite:///"))
        counts = db.counts()
        self.statusBar().showMessage(
            f"{db.label} — {counts['cite']} cités, {counts['operation']} opérations, "
            f"{counts['beneficiary']} bénéficiaires, {counts['contract']} contrats"
        )
