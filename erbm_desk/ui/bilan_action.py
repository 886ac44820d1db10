"""« Fichier > Bilan pour le comité… »: the PDF bilan of the scope and period the dashboard shows, written in a
worker with a progress dialog (« Annuler » leaves any previous file untouched)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from erbm_desk.services.indicators import Period, Scope
from erbm_desk.services.progress import Cancelled
from erbm_desk.ui.workers import run_job

ACTION_TEXT = "Bilan pour le comité…"


def _current_scope(window) -> tuple[Scope, Period, str]:
    """What the dashboard shows, when the window has one; else the whole territory."""
    dashboard = getattr(window, "dashboard", None)
    scope = getattr(dashboard, "scope", None) or Scope()
    period = getattr(dashboard, "period", None) or Period()
    data = getattr(dashboard, "data", None)
    label = data.label if data is not None and data.scope == scope else "Territoire ERBM"
    return scope, period, label


def write_bilan_in_background(window: QWidget, db, target: Path, scope: Scope, period: Period,
                              on_done=None, ask: bool = True):
    """Start the job; `on_done(summary_or_exception)` is called on the main thread (tests use it)."""
    from erbm_desk.services.bilan import write_bilan

    def job(progress):
        with db.sessions() as s:
            return write_bilan(s, target, scope, period, progress)

    def done(summary) -> None:
        status = getattr(window, "statusBar", None)
        message = f"Bilan écrit : {summary.path} ({summary.pages} pages)."
        if callable(status):
            status().showMessage(message, 10_000)
        if on_done:
            on_done(summary)
        if ask and QMessageBox.question(window, "Bilan pour le comité", f"{message}\n\nL'ouvrir maintenant ?") \
                == QMessageBox.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(summary.path)))

    def failed(exc: BaseException) -> None:
        if on_done:
            on_done(exc)
        if isinstance(exc, Cancelled):
            status = getattr(window, "statusBar", None)
            if callable(status):
                status().showMessage("Bilan annulé : aucun fichier écrit.", 10_000)
            return
        if ask:
            QMessageBox.warning(window, "Bilan pour le comité", f"Le bilan n'a pas pu être écrit : {exc}")

    return run_job(job, done, failed, owner=window, progress_label="Écriture du bilan pour le comité…")


def install_bilan_action(window) -> QAction:
    """Add « Bilan pour le comité… » to `window.file_menu` (the window provides `db` and `file_menu`)."""
    action = QAction(ACTION_TEXT, window)
    action.setStatusTip("Écrire le bilan PDF du périmètre affiché par le tableau de bord")

    def triggered() -> None:
        scope, period, label = _current_scope(window)
        default = Path.home() / f"bilan-erbm-{date.today():%Y-%m-%d}.pdf"
        path, _ = QFileDialog.getSaveFileName(window, f"Bilan pour le comité — {label}", str(default),
                                              "Document PDF (*.pdf)")
        if not path:
            return
        target = Path(path) if path.lower().endswith(".pdf") else Path(f"{path}.pdf")
        write_bilan_in_background(window, window.db, target, scope, period)

    action.triggered.connect(triggered)
    window.file_menu.addAction(action)
    window.bilan_action = action
    return action
