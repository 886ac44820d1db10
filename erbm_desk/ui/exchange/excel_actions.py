"""« Fichier > Exporter vers Excel… », « Importer… » and « Relevé d'heures… ».

Every job runs in a worker of the database gateway with a progress dialog and « Annuler » (DESIGN rule 2): the
export and the statement are written atomically (cancel leaves no file), the import is first read and checked
into a preview and written in one transaction only when the user confirms. `install_excel_actions(window)` adds
the three actions to `window.file_menu`; it works on `window.db` at the time of the click; what an import changed
is announced by the gateway (the window's `data_changed`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from erbm_desk.ui.exchange.export_dialog import ExportDialog, start_export
from erbm_desk.ui.exchange.import_wizard.start import FILE_FILTER as IMPORT_FILTER, open_import
from erbm_desk.ui.exchange.releve_dialog import ReleveDialog, start_releve

EXPORT_TEXT = "Exporter vers Excel…"
IMPORT_TEXT = "Importer…"
RELEVE_TEXT = "Relevé d'heures…"


def install_excel_actions(window) -> list[QAction]:
    """Add « Exporter vers Excel… », « Importer… » and « Relevé d'heures… » to `window.file_menu`."""

    def export() -> None:
        dialog = ExportDialog(window, window.db)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: start_export(window, window.db, dialog.file.path, dialog.options()))
        dialog.open()

    def import_() -> None:
        name, _ = QFileDialog.getOpenFileName(window, "Importer un classeur ou un relevé d'heures", str(Path.home()),
                                              IMPORT_FILTER)
        if name:  # our own workbooks go to the preview as always, any other layout to the import wizard
            open_import(window, window.db, Path(name))

    def releve() -> None:
        dialog = ReleveDialog(window, window.db)
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def accepted() -> None:
            if dialog.siret:
                start_releve(window, window.db, dialog.siret, dialog.month.value(), dialog.file.path)

        dialog.accepted.connect(accepted)
        dialog.open()

    actions = []
    window.file_menu.addSeparator()
    for text, slot, tip in (
        (EXPORT_TEXT, export, "Classeur d'échange pour le comité ou un autre site (anonyme par défaut)"),
        (IMPORT_TEXT, import_, "Importer un classeur d'échange, un relevé d'heures, ou tout classeur (.xlsx, .ods, "
                               ".csv) de suivi, après un aperçu"),
        (RELEVE_TEXT, releve, "Relevé mensuel d'heures à faire remplir par une entreprise"),
    ):
        action = QAction(text, window)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        window.file_menu.addAction(action)
        actions.append(action)
    return actions
