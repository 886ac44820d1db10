"""Features living in their own folders that add their actions to the Fichier menu once a database is open.

Their modules are imported in a worker (Excel support alone imports openpyxl: a few hundred milliseconds that
neither the start-up nor the UI thread should wait for), then each `install_…(window)` adds its actions before
« Quitter ».
"""

from __future__ import annotations

import importlib
import logging
from PySide6.QtCore import QTimer

from erbm_desk.ui.database.workers import run_job

log = logging.getLogger(__name__)

# (module, function(window)) of each feature
FEATURES = (
    ("erbm_desk.ui.exchange.excel_actions", "install_excel_actions"),
    ("erbm_desk.ui.reporting.bilan_dialog", "install_bilan_action"),
    ("erbm_desk.ui.backup.backup_actions", "install_backup_actions"),
    ("erbm_desk.ui.parcours.reminder", "install_todo_reminder"),
)
FEATURES_DELAY_MS = 800


def install_features_later(window) -> None:
    """Load the features a moment after the first page shows, then let them add their actions; the window's
    `features_installed` signal tells when."""

    def load(_progress):
        found = []
        for module, function in FEATURES:
            try:
                found.append(getattr(importlib.import_module(module), function))
            except (ImportError, AttributeError) as exc:
                log.warning("Fonction %s.%s absente : %s", module, function, exc)
        return found

    def install(functions) -> None:
        quit_action = window.files.quit_action
        window.file_menu.removeAction(quit_action)  # Quitter stays last
        for function in functions:
            window.file_menu.addSeparator()
            function(window)
        window.file_menu.addSeparator()
        window.file_menu.addAction(quit_action)
        window.features_installed.emit()

    QTimer.singleShot(FEATURES_DELAY_MS, window, lambda: run_job(load, install, lambda exc: log.warning(
        "Fonctions du menu Fichier non chargées : %s", exc), owner=window))
