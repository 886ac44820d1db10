"""« Fichier > Bilan pour le comité… »: a dialog for the scope (territoire, EPCI, bailleur, cité), the period
(months from–to) and the PDF file, then the bilan written in a worker with a progress dialog (« Annuler »
leaves any previous file untouched).

The form makes a `BilanRequest` (services.reporting.bilan_request), the very object `erbm-desk bilan` makes of
its arguments: the same checks and French messages, and the equivalent command line shown under the form. It
opens on what the dashboard shows.
"""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.charts.style import fr_month
from erbm_desk.services.progress import Cancelled
from erbm_desk.domain.french import format_count
from erbm_desk.services.reporting.bilan_request import BilanRequest
from erbm_desk.services.reporting.indicators import SCOPE_LABELS, Period, Scope
from erbm_desk.ui.common.dialogs import ok_cancel, open_in_viewer
from erbm_desk.ui.database.workers import run_job

ACTION_TEXT = "Bilan pour le comité…"
KINDS = ("territory", "epci", "bailleur", "cite")


def _current_scope(window) -> tuple[Scope, Period, str]:
    """What the dashboard shows, when the window has one; else the whole territory."""
    dashboard = getattr(window, "dashboard", None)
    scope = getattr(dashboard, "scope", None) or Scope()
    period = getattr(dashboard, "period", None) or Period()
    data = getattr(dashboard, "data", None)
    label = data.label if data is not None and data.scope == scope else "Territoire ERBM"
    return scope, period, label


def default_target() -> Path:
    return Path.home() / f"bilan-erbm-{date.today():%Y-%m-%d}.pdf"


class BilanDialog(QDialog):
    """Scope, period and file of the bilan. `form_request()` is what the form asks for; `request` the checked
    BilanRequest once the user confirms."""

    def __init__(self, choices, scope: Scope = Scope(), period: Period = Period(), target: Path | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Bilan pour le comité")
        self.choices = choices
        self.request: BilanRequest | None = None

        self.kind_box = QComboBox()
        for kind in KINDS:
            self.kind_box.addItem(SCOPE_LABELS[kind], kind)
        self.value_box = QComboBox()
        self.value_box.setMinimumContentsLength(40)
        self.value_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.start_box, self.end_box = QComboBox(), QComboBox()
        for box, none_label in ((self.start_box, "début du programme"), (self.end_box, "dernier mois saisi")):
            box.addItem(none_label, None)
            for month in choices.months:
                box.addItem(fr_month(month), month)
        self.path_edit = QLineEdit(str(target or default_target()))
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._browse)
        self.command = QLabel()
        self.command.setWordWrap(True)
        self.command.setStyleSheet("color: #6b7280;")
        self.command.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b5533c;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Périmètre :", self.kind_box)
        form.addRow("&Lequel :", self.value_box)
        months = QHBoxLayout()
        months.addWidget(self.start_box)
        to_label = QLabel("&au")
        to_label.setBuddy(self.end_box)
        months.addWidget(to_label)
        months.addWidget(self.end_box)
        months.addStretch()
        from_label = QLabel("&Du :")
        from_label.setBuddy(self.start_box)
        form.addRow(from_label, months)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        file_label = QLabel("&Fichier PDF :")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)

        self.buttons = ok_cancel(self, "Écrire le bilan", "Annuler")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Équivalent en ligne de commande :"))
        layout.addWidget(self.command)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        for box in (self.value_box, self.start_box, self.end_box):
            box.currentIndexChanged.connect(self._update)
        self.path_edit.textChanged.connect(self._update)
        self._show(scope, period)
        self.kind_box.setFocus()

    # ------------------------------------------------------------------------------------------ state

    def _values_for(self, kind: str) -> list[tuple[str, object]]:
        return self.choices.by_kind().get(kind, [])

    def _show(self, scope: Scope, period: Period) -> None:
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(scope.kind)))
        self._kind_changed()
        if scope.value is not None:
            index = self.value_box.findData(self.choices.value_of(scope.kind, scope.value))
            if index < 0:  # a name typed on the command line (« CALL »): the label starts with it
                index = next((i for i in range(self.value_box.count())
                              if self.value_box.itemText(i).casefold().startswith(str(scope.value).casefold())), 0)
            self.value_box.setCurrentIndex(index)
        for box, month in ((self.start_box, period.start), (self.end_box, period.end)):
            box.setCurrentIndex(max(0, box.findData(month)) if month else 0)
        self._update()

    def _kind_changed(self, *_args) -> None:
        kind = self.kind_box.currentData()
        self.value_box.blockSignals(True)
        self.value_box.clear()
        for label, value in self._values_for(kind):
            self.value_box.addItem(label, str(value))
        self.value_box.blockSignals(False)
        self.value_box.setEnabled(kind != "territory")
        self._update()

    def form_request(self) -> BilanRequest:
        """The bilan the form asks for, checked or not."""
        return BilanRequest.of(self.path_edit.text().strip(), self.kind_box.currentData(),
                               self.value_box.currentData(), self.start_box.currentData(), self.end_box.currentData())

    def _checked(self) -> tuple[BilanRequest | None, str]:
        if self.kind_box.currentData() != "territory" and self.value_box.currentData() is None:
            return None, f"Aucun élément à choisir pour « {self.kind_box.currentText()} »."
        request = self.form_request()
        problem = request.problem()
        return (None, str(problem)) if problem else (request, "")

    def _update(self, *_args) -> None:
        self.command.setText("erbm-desk bilan " + shlex.join(self.form_request().argv()))
        request, message = self._checked()
        self.error.setText(message)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(request is not None)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Bilan pour le comité", self.path_edit.text(),
                                              "Document PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else f"{path}.pdf")

    def accept(self) -> None:
        request, message = self._checked()
        if request is None:
            self.error.setText(message)
            return
        self.request = request
        super().accept()


def write_bilan_in_background(window: QWidget, db, target: Path, scope: Scope, period: Period,
                              on_done=None, ask: bool = True):
    """Start the job; `on_done(summary_or_exception)` is called on the main thread (tests use it)."""
    from erbm_desk.services.reporting.bilan import write_bilan

    def job(progress):
        with db.sessions() as s:
            return write_bilan(s, target, scope, period, progress)

    def done(summary) -> None:
        status = getattr(window, "statusBar", None)
        message = f"Bilan écrit : {summary.path} ({format_count(summary.pages, 'page')})."
        if callable(status):
            status().showMessage(message, 10_000)
        if on_done:
            on_done(summary)
        if ask and QMessageBox.question(window, "Bilan pour le comité", f"{message}\n\nL'ouvrir maintenant ?") \
                == QMessageBox.Yes:
            open_in_viewer(window, Path(summary.path), "Bilan pour le comité")

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


def open_bilan_dialog(window, choices, on_done=None, ask: bool = True) -> BilanDialog:
    """Show the dialog (non-blocking) on the dashboard's scope and period; on « Écrire le bilan », start the job."""
    scope, period, _label = _current_scope(window)
    dialog = BilanDialog(choices, scope, period, parent=window)

    def accepted() -> None:
        request = dialog.request
        window.bilan_job = write_bilan_in_background(window, window.db, request.target, request.scope,
                                                     request.period, on_done=on_done, ask=ask)

    dialog.accepted.connect(accepted)
    dialog.open()
    window.bilan_dialog = dialog
    return dialog


def install_bilan_action(window) -> QAction:
    """Add « Bilan pour le comité… » to `window.file_menu` (the window provides `db` and `file_menu`)."""
    action = QAction(ACTION_TEXT, window)
    action.setStatusTip("Écrire le bilan PDF d'un périmètre et d'une période pour le comité de pilotage")
    action.setShortcut(QKeySequence("Ctrl+Shift+B"))

    def triggered() -> None:
        dashboard = getattr(window, "dashboard", None)
        choices = getattr(dashboard, "choices", None)
        if choices is not None:
            open_bilan_dialog(window, choices)
            return

        def load(_progress):  # the window never waits on the database (DESIGN 3.2)
            from erbm_desk.services.reporting.dashboard_data import scope_choices

            with window.db.sessions() as s:
                return scope_choices(s)

        run_job(load, lambda loaded: open_bilan_dialog(window, loaded), owner=window)

    action.triggered.connect(triggered)
    window.file_menu.addAction(action)
    window.bilan_action = action
    return action
