"""« Fichier > Importer… »: the chosen file read in a worker; our own exchange workbook (or an hours statement) goes
to the import preview as always, any other workbook, .ods or CSV file to the import wizard with the saved mapping
that fits it, if any."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from erbm_desk.services.exchange import ExcelFileError
from erbm_desk.services.progress import Cancelled
from erbm_desk.services.security import authz
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.exchange.dialog_parts import notify
from erbm_desk.ui.exchange.import_dialog import start_import
from erbm_desk.ui.exchange.import_wizard.wizard import ImportWizard

FILE_FILTER = "Classeurs et fichiers CSV (*.xlsx *.ods *.csv);;Classeur Excel (*.xlsx);;OpenDocument (*.ods);;" \
              "CSV (*.csv);;Tous les fichiers (*)"


def open_import(window: QWidget, db, path: Path, on_wizard=None):
    """Read `path` in a worker, then open what imports it: the preview of our own workbooks, else the wizard
    (`on_wizard(wizard)` once it is shown, for tests)."""
    from erbm_desk.services.exchange.mapping.intake import Intake
    from erbm_desk.services.exchange.mapping.saved import list_mappings
    from erbm_desk.services.exchange.mapping.source import is_own_format, read_source

    def job(progress):
        book = read_source(path, progress)
        if is_own_format(book):
            return None
        with db.sessions() as s:
            authz.require(s, authz.DATA_IMPORT)
            saved = list_mappings(s)
        return Intake.of(book, [m.mapping for m in saved]), saved

    def read(found) -> None:
        if found is None:
            start_import(window, db, path)
            return
        intake, saved = found
        wizard = ImportWizard(window, db, intake, saved)
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        wizard.open()
        if on_wizard:
            on_wizard(wizard)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            notify(window, "Import annulé : rien n'a été enregistré.")
        elif isinstance(exc, (ExcelFileError, authz.AccessDenied)):
            notify(window, str(exc), warning=True)
        else:
            notify(window, f"Le fichier n'a pas pu être lu : {exc}", warning=True)

    return gateway_for(db).job(window, job, read, failed, progress_label=f"Lecture de « {path.name} »…")
