"""Parts the exchange dialogs share: a file field with « Parcourir… », a month field, choices read in a worker,
and long jobs run through the database gateway with a progress dialog and a message saying how they ended."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from erbm_desk.services.progress import Cancelled
from erbm_desk.ui.common.date_fields import MonthField
from erbm_desk.ui.common.save_path_field import SavePathField, with_suffix
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for

XLSX_FILTER = "Classeur Excel (*.xlsx)"
TITLE = "Échange Excel"


def notify(window: QWidget, text: str, warning: bool = False) -> QMessageBox:
    """Status bar line and a non-blocking message box (never a nested event loop)."""
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(text, 15_000)
    box = QMessageBox(QMessageBox.Warning if warning else QMessageBox.Information, TITLE, text, QMessageBox.Ok,
                      window)
    box.setObjectName("excel_message")
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def run_with_messages(window: QWidget, db, job, label: str, cancelled: str, failed_text: str, on_done=None,
                      writes: bool = False, changes: Changes | None = None):
    """Run `job(progress)` through `db`'s gateway with a progress dialog; tell the user how it ended;
    `on_done(result or exception)`. A job that `writes` goes in the writer's queue; what it changed is announced."""

    def done(summary) -> None:
        notify(window, summary.message)
        if on_done:
            on_done(summary)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            notify(window, cancelled)
        else:
            notify(window, f"{failed_text} : {exc}", warning=True)
        if on_done:
            on_done(exc)

    return gateway_for(db).job(window, job, done, failed, writes=writes, changes=changes, progress_label=label)


def xlsx_path(path: str) -> Path:
    return with_suffix(path, ".xlsx")


def month_edit(value: date) -> MonthField:
    """A month field (mm/aaaa, with a month picker) showing `value`."""
    edit = MonthField()
    edit.set_value(value)
    return edit


def month_of(edit: MonthField) -> date | None:
    """The month typed, None when it is not one (the field's `problem()` says why)."""
    return edit.value()


class PathField(SavePathField):
    """A workbook's file name with « Parcourir… »."""

    def __init__(self, default: Path, caption: str, parent: QWidget | None = None):
        super().__init__(default, caption, XLSX_FILTER, ".xlsx", parent)


def load_choices(owner: QWidget, db, query: Callable[[Any], Any], fill: Callable[[Any], None]) -> None:
    """Read pick-list choices in a worker and fill them on the main thread."""
    gateway_for(db).read(owner, query, fill, lambda exc: None)
