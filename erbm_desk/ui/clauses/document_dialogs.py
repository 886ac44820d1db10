"""« Lettre de relance… » and « Attestation… »: where to write the PDF (and, for a reminder, the relevé d'heures
workbook beside it), who signs; then the document is written through the database gateway in a worker with a
progress dialog (« Annuler » leaves no file), by the same functions as `erbm-desk relance` and `attestation`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.domain.french import format_date, format_month
from erbm_desk.services.progress import Cancelled
from erbm_desk.ui.common.dialogs import ok_cancel
from erbm_desk.ui.common.save_path_field import SavePathField
from erbm_desk.ui.database.gateway import gateway_for

TITLE = "Suivi des clauses"


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-").lower()[:40]


class PdfField(SavePathField):
    """A PDF file name with « Parcourir… »."""

    def __init__(self, default: Path, caption: str, parent: QWidget | None = None):
        super().__init__(default, caption, "Document PDF (*.pdf)", ".pdf", parent)
        self.edit.setObjectName("pdf_path")


class DocumentDialog(QDialog):
    """What a document needs from the user; `accepted` starts it (see `start_document`)."""

    def __init__(self, parent: QWidget, title: str, about: str, default: Path, with_releve: bool):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("clause_document_dialog")
        self.file = PdfField(default, title, self)
        self.signatory = QLineEdit()
        self.signatory.setObjectName("signatory")
        self.signatory.setPlaceholderText("La facilitatrice ou le facilitateur des clauses d'insertion")
        form = QFormLayout()
        form.addRow("Fichier PDF", self.file)
        form.addRow("Signataire", self.signatory)
        self.releve = QCheckBox("Écrire aussi le relevé d'heures à compléter (classeur Excel, à côté du PDF)")
        self.releve.setObjectName("with_releve")
        self.releve.setChecked(with_releve)
        self.releve.setVisible(with_releve)
        note = QLabel(about)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.releve)
        layout.addWidget(ok_cancel(self, "Écrire le document"))
        self.resize(620, 220)


def _notify(window: QWidget, text: str, warning: bool = False, path: Path | None = None) -> QMessageBox:
    """Status bar line and a non-blocking message (never a nested event loop); « Ouvrir » shows the PDF."""
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(text, 15_000)
    box = QMessageBox(QMessageBox.Warning if warning else QMessageBox.Information, TITLE, text, QMessageBox.Ok,
                      window)
    box.setObjectName("clause_message")
    if path is not None:
        opener = box.addButton("Ouvrir", QMessageBox.ActionRole)
        opener.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def start_document(window: QWidget, db, job, label: str, on_done=None):
    """Run `job(session, progress) -> DocumentSummary` in the writer (the document is logged in the audit journal),
    with a progress dialog; say how it ended; `on_done(summary or exception)`."""

    def work(progress):
        with db.session() as s:
            return job(s, progress)

    def done(summary) -> None:
        _notify(window, summary.message, path=summary.path)
        if on_done:
            on_done(summary)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            _notify(window, "Document annulé : aucun fichier écrit.")
        else:
            _notify(window, f"Le document n'a pas pu être écrit : {exc}", warning=True)
        if on_done:
            on_done(exc)

    return gateway_for(db).job(window, work, done, failed, writes=True, progress_label=label)


def ask_relance(window: QWidget, db, company: str, siret: str, as_of: date, lot_ids: tuple[int, ...] | None = None,
                on_done=None) -> DocumentDialog:
    """The reminder to `company` about its lots behind at `as_of` (or `lot_ids`), with this month's statement."""
    from erbm_desk.services.clauses.relance import SIGNATORY, write_relance
    from erbm_desk.services.exchange import write_releve

    default = Path.home() / f"relance-{_safe(company)}-{as_of:%Y-%m-%d}.pdf"
    dialog = DocumentDialog(window, "Lettre de relance", f"Lettre de relance à {company} (SIRET {siret}) sur ses lots "
                            f"en retard au {format_date(as_of)}, avec le relevé des heures de "
                            f"{format_month(as_of)} à retourner.", default, with_releve=True)

    def accepted() -> None:
        path, signatory, releve = dialog.file.path, dialog.signatory.text().strip(), dialog.releve.isChecked()

        def job(s, progress):
            summary = write_relance(s, siret, path, as_of, lot_ids=lot_ids, signatory=signatory or SIGNATORY,
                                    progress=progress)
            if releve:
                write_releve(s, siret, as_of, path.with_suffix(".xlsx"))
            return summary

        window.clause_job = start_document(window, db, job, "Écriture de la lettre de relance…", on_done)

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog


def ask_attestation(window: QWidget, db, lot_id: int, title: str, as_of: date, on_done=None) -> DocumentDialog:
    from erbm_desk.services.clauses.attestation import write_attestation

    default = Path.home() / f"attestation-{_safe(title)}-{as_of:%Y-%m-%d}.pdf"
    dialog = DocumentDialog(window, "Attestation de bonne exécution",
                            f"Attestation de bonne exécution de la clause d'insertion — {title}, situation au "
                            f"{format_date(as_of)}.", default, with_releve=False)

    def accepted() -> None:
        path, signatory = dialog.file.path, dialog.signatory.text().strip()

        def job(s, progress):
            return write_attestation(s, lot_id, path, as_of, signatory=signatory, progress=progress)

        window.clause_job = start_document(window, db, job, "Écriture de l'attestation…", on_done)

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog
