"""The import wizard: someone's own workbook, .ods or CSV file brought in step by step — file and sheets, columns,
values, matches with the base, review with the rows in error corrected in place — then written in ONE transaction
after a backup, through the same services as `erbm-desk import --mapping` (services/exchange/mapping).

Every read of the base and every file read or written goes through the database's gateway, in a worker with a
progress dialog; the wizard itself only edits the mapping in memory."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from erbm_desk.services.exchange.mapping.intake import Analysis, Intake
from erbm_desk.services.exchange.mapping.review import Review
from erbm_desk.services.exchange.mapping.saved import SavedMapping
from erbm_desk.services.progress import Cancelled
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.exchange.import_wizard.columns_page import ColumnsPage
from erbm_desk.ui.exchange.import_wizard.done_page import DonePage
from erbm_desk.ui.exchange.import_wizard.file_page import FilePage
from erbm_desk.ui.exchange.import_wizard.matches_page import MatchesPage
from erbm_desk.ui.exchange.import_wizard.review_page import ReviewPage
from erbm_desk.ui.exchange.import_wizard.values_page import ValuesPage

FILE, COLUMNS, VALUES, MATCHES, REVIEW, DONE = range(6)


class ImportWizard(QWizard):
    def __init__(self, parent: QWidget | None, db, intake: Intake, saved: list[SavedMapping]):
        super().__init__(parent)
        self.setObjectName("import_wizard")
        self.db = db
        self.intake = intake
        self.saved = saved
        self.analysis: Analysis | None = None
        self.result: Review | None = None
        self.summary = None
        self.saved_as: str | None = None
        self.setWindowTitle(f"Importer « {intake.book.path.name} »")
        self.setWizardStyle(QWizard.ClassicStyle)
        self.setOption(QWizard.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.NoCancelButtonOnLastPage, True)
        for button, text in ((QWizard.BackButton, "< &Précédent"), (QWizard.NextButton, "&Suivant >"),
                             (QWizard.CancelButton, "Annuler"), (QWizard.FinishButton, "&Fermer")):
            self.setButtonText(button, text)
        self.pages = {FILE: FilePage(self), COLUMNS: ColumnsPage(self), VALUES: ValuesPage(self),
                      MATCHES: MatchesPage(self), REVIEW: ReviewPage(self), DONE: DonePage(self)}
        for key, page in self.pages.items():
            self.setPage(key, page)
        self.resize(1180, 760)

    # --- what the pages share ------------------------------------------------------------------------------

    def replace_intake(self, intake: Intake) -> None:
        """Another mapping for the same file (a saved one chosen, or the automatic proposal)."""
        self.intake = intake
        self.forget()

    def forget(self) -> None:
        """The mapping changed: what was worked out from it must be worked out again."""
        self.analysis = None
        self.result = None

    def run(self, work: Callable[[Any], Any], done: Callable[[Any], None], label: str,
            writes: bool = False) -> None:
        """`work(progress)` through the gateway, a progress dialog over the wizard; a failure said in French."""

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                return
            box = QMessageBox(QMessageBox.Warning, "Importer", str(exc), QMessageBox.Ok, self)
            box.setObjectName("import_wizard_error")
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()

        gateway_for(self.db).job(self, work, done, failed, writes=writes, progress_label=label)

