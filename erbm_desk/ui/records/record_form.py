"""The one form class: any entity's form is built from its column spec.

Each field is checked as it is typed (the column's parser, then the domain's record rules) and its French
message shows under it; saving also runs the database checks (duplicates, references, contract period) and
`RecordInvalid.errors` lands next to the fields concerned. Ctrl+S saves, Échap cancels (menu and page actions).
A record is read and written in workers (the database gateway): `load(id, then)` fills the form when it arrives.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QScrollArea, QSizePolicy, QVBoxLayout, QWidget)

from erbm_desk.domain.entities import SPECS
from erbm_desk.domain.validation import record_problems, waived
from erbm_desk.domain.values import is_blank
from erbm_desk.services.records.lists import dependents_text, record_title, record_values
from erbm_desk.services.records.writes import RecordInvalid, dependents
from erbm_desk.ui.common.dialogs import ask, error_color
from erbm_desk.ui.records.fields import Field, RefPicker
from erbm_desk.ui.records.stand_in_note import StandInNote
from erbm_desk.ui.records.steady_layout import MessageLine, keep_space, natural_height
from erbm_desk.ui.records.workspace import Workspace


CORRECT_FIRST = "Corrigez les champs signalés avant d'enregistrer."
REFUSED = "L'enregistrement a été refusé : voyez les champs signalés."


class _UndoPassThrough(QObject):
    """Ctrl+Z in a field undoes its typing; with nothing left to undo there, it reaches Édition > Annuler."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.ShortcutOverride and isinstance(watched, QLineEdit):
            if (event.matches(QKeySequence.Undo) and not watched.isUndoAvailable()) or (
                    event.matches(QKeySequence.Redo) and not watched.isRedoAvailable()):
                event.ignore()
                return True
        return False


def read_record(session, entity: str, record_id: int) -> tuple[dict[str, Any], dict[str, str], str] | None:
    """Worker side: (values, names of the records referenced, title) of a record; None when it is gone."""
    found = record_values(session, entity, record_id)
    if found is None:
        return None
    return found[0], found[1], record_title(session, entity, record_id)


class RecordForm(QWidget):
    saved = Signal(int)  # id of the record created or changed
    deleted = Signal(int)
    state_changed = Signal()  # record shown, unsaved changes or saving changed
    shown = Signal(object)  # a record asked for by `load` is shown (its id), or was gone (None)

    def __init__(self, ws: Workspace, entity: str, fixed: dict[str, Any] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.entity = entity
        self.spec = SPECS[entity]
        self.fixed = dict(fixed or {})  # column key -> value set by the context (a contract's months…)
        self.record_id: int | None = None
        self.dirty = False
        self.saving = False
        self._context: dict[str, Any] = {}  # values outside the form that rules need (a pseudonym)
        self._defaults: dict[str, Any] = {}
        self._touched: set[str] = set()
        self.fields: dict[str, Field] = {}
        self.errors: dict[str, QLabel] = {}
        self._undo_filter = _UndoPassThrough(self)
        self._after_save: tuple[Callable[[], None] | None, Callable[[], None] | None] = (None, None)
        self._build()
        self.new()

    # --- layout --------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setObjectName(f"form_{self.entity}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("formTitle")
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.title.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        keep_space(self.banner)
        outer.addWidget(self.title)
        outer.addWidget(self.banner)

        body = QWidget()
        column = QVBoxLayout(body)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)  # fields stay together at the top, however tall the pane
        form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        for column in self.spec.columns:
            label = column.label + (" *" if column.required else "")
            if column.key in self.fixed:
                shown = QLabel()
                shown.setObjectName(f"fixed_{column.key}")
                shown.setWordWrap(True)
                form.addRow(label, shown)
                continue
            field = Field(column, self.ws.picks, body)
            field.widget.installEventFilter(self._undo_filter)
            field.edited.connect(lambda key=column.key: self._edited(key))
            field.left.connect(lambda key=column.key: self._left(key))
            error = MessageLine(f"error_{column.key}")
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(field.widget)
            box.addWidget(error)
            form.addRow(label, cell)
            form.labelForField(cell).setBuddy(field.widget)
            form.labelForField(cell).setObjectName(f"label_{column.key}")
            self.fields[column.key] = field
            self.errors[column.key] = error
        self.stand_in_note = StandInNote(self.spec, {k: body.findChild(QLabel, f"label_{k}") for k in self.fields})
        outer.addWidget(self.stand_in_note)
        self._body = body
        self._scroll = scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        outer.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Enregistrer")
        self.save_button.setToolTip("Enregistrer la fiche (Ctrl+S)")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setToolTip("Abandonner les modifications (Échap)")
        self.delete_button = QPushButton("Supprimer…")
        self.delete_button.setToolTip("Supprimer la fiche et ce qui en dépend (annulable)")
        for b in (self.save_button, self.cancel_button):
            b.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
            buttons.addWidget(b)
        buttons.addStretch()
        buttons.addWidget(self.delete_button)
        outer.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self.delete_button.clicked.connect(self.delete)
        QShortcut(QKeySequence(Qt.Key_Escape), self, self.cancel, context=Qt.WidgetWithChildrenShortcut)

    # --- showing a record ----------------------------------------------------------------------------------

    def new(self, defaults: dict[str, Any] | None = None) -> None:
        """An empty form for a new record (with `defaults` filled in, names given as key+'_name')."""
        self.ws.gateway.drop(self, "record")  # a record still on its way must not fill the empty form
        self.record_id = None
        self._defaults = dict(defaults or {})
        self._context = {}
        self.stand_in_note.show_for({})
        self._fill({c.key: self._defaults.get(c.key) for c in self.spec.columns},
                   {k.removesuffix("_name"): v for k, v in self._defaults.items() if k.endswith("_name")})
        self.title.setText(self.spec.new_title)
        self._settle()

    def load(self, record_id: int, then: Callable[[bool], None] | None = None) -> None:
        """Show a record once read in a worker (a primary-key read: a blink); then `then(True)`, or `then(False)`
        and an empty form when it no longer exists. A newer `load` wins over one still on its way."""
        entity = self.entity

        def arrived(found) -> None:
            shown = self._show(record_id, found)
            self.shown.emit(record_id if shown else None)
            if then is not None:
                then(shown)

        self.ws.read(self, lambda s: read_record(s, entity, record_id), arrived, latest="record")

    def _show(self, record_id: int, found) -> bool:
        if found is None:
            self.new()
            self.show_message("Cet enregistrement n'existe plus.")
            return False
        values, names, title = found
        self.record_id = record_id
        self._context = {k: v for k, v in values.items() if k not in self.fields and k not in self.fixed}
        self.stand_in_note.show_for(self._context)
        self._fill(values, names)
        self.title.setText(title)  # the page (or the dialog's title) says what kind of record it is
        self._settle()
        return True

    def _fill(self, values: dict[str, Any], names: dict[str, str]) -> None:
        for key, value in values.items():
            if key in self.fields:
                self.fields[key].set_value(value, names.get(key, ""))
            elif key in self.fixed and names.get(key):
                self.set_fixed_name(key, names[key])

    def set_fixed_name(self, key: str, name: str) -> None:
        self.findChild(QLabel, f"fixed_{key}").setText(name)

    def _settle(self) -> None:
        self.dirty = False
        self.saving = False
        self._touched.clear()
        self._show_errors({})
        self.show_message("")
        self.delete_button.setEnabled(self.record_id is not None)
        self.state_changed.emit()

    def focus_first(self) -> None:
        for field in self.fields.values():
            field.widget.setFocus(Qt.ShortcutFocusReason)
            return

    # --- checking as you type ------------------------------------------------------------------------------

    def _edited(self, key: str) -> None:
        if not self.fields[key].typing():  # a name being typed is judged when the field is left
            self._touched.add(key)
        if not self.dirty:
            self.dirty = True
            self.state_changed.emit()
        self._show_errors(self.check()[1])

    def _left(self, key: str) -> None:
        if self.dirty:
            self._touched.add(key)
            self._show_errors(self.check()[1])

    def check(self) -> tuple[dict[str, Any], dict[str | None, str]]:
        """(typed values, French messages by field) of what the form holds now, without the database."""
        values: dict[str, Any] = dict(self.fixed)
        errors: dict[str | None, str] = {}
        for key, field in self.fields.items():
            problem = field.problem()  # what is typed names no record or is no date: said before « obligatoire »
            if problem:
                errors[key] = problem
                values[key] = None
                continue
            try:
                values[key] = field.column.parse(field.raw())
            except ValueError as exc:
                if not (is_blank(field.raw()) and waived(self.entity, key, self._context)):
                    errors[key] = str(exc)  # blank is fine where the record is known by a stand-in
                values[key] = None
        for key, message in record_problems(self.entity, {**self._context, **values}).items():
            errors.setdefault(key, message)
        return values, errors

    def _show_errors(self, errors: dict[str | None, str], all_fields: bool = False) -> None:
        for key, label in self.errors.items():
            message = errors.get(key) if (all_fields or key in self._touched) else None
            label.setText(message or "")
            label.setVisible(bool(message))
        general = [m for k, m in errors.items() if k is None or k in self.fixed]
        if general:
            self.show_message(" ".join(general), error=True)
        elif not errors and self.banner.text() in (CORRECT_FIRST, REFUSED):
            self.show_message("")  # the last field to correct is corrected: the banner goes with it

    def show_message(self, text: str, error: bool = False) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"color: {error_color()}; font-weight: 600;" if error else "")
        self.banner.setVisible(bool(text))

    def natural_height(self) -> int:
        """The form's height at its width with every field in view, nothing to scroll."""
        return natural_height(self.layout(), self.width(), self._scroll, self._body)

    def error_text(self, key: str) -> str:
        """The message shown next to a field ('' when none)."""
        label = self.errors.get(key)
        return label.text() if label is not None and label.isVisible() else ""

    # --- actions -------------------------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None, refused: Callable[[], None] | None = None) -> bool:
        """Check everything and save in the writer; False when there is something to correct first. `then()`
        runs once the record is written and shown again, `refused()` when it is not (the form says why)."""
        if self.saving:
            return False
        for field in self.fields.values():
            if isinstance(field.widget, RefPicker):
                field.widget.settle()
        values, errors = self.check()
        if errors:
            self._show_errors(errors, all_fields=True)
            self.show_message(CORRECT_FIRST, error=True)
            self._focus_error(errors)
            if refused is not None:
                refused()
            return False
        self._after_save = (then, refused)
        self.saving = True
        self.save_button.setEnabled(False)
        self.show_message("Enregistrement…")
        if "version" in self._context:
            values["version"] = self._context["version"]
        self.ws.records.save(self, self.entity, values, self.record_id, self._saved_ok, self._save_failed)
        return True

    def _saved_ok(self, record_id: int) -> None:
        then, _refused = self._after_save
        self._after_save = (None, None)

        def shown(_found: bool) -> None:
            self.save_button.setEnabled(True)
            self.ws.status(f"Fiche « {self.title.text()} » enregistrée.")
            self.saved.emit(record_id)
            if then is not None:
                then()

        self.load(record_id, shown)

    def _save_failed(self, exc: BaseException) -> None:
        _then, refused = self._after_save
        self._after_save = (None, None)
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, RecordInvalid):
            errors = dict(exc.errors)
            self._touched.update(k for k in errors if k)
            self._show_errors(errors, all_fields=True)
            if not any(k is None or k in self.fixed for k in errors):
                self.show_message(REFUSED, error=True)
            self._focus_error(errors)
        else:
            self.show_message(f"Enregistrement impossible : {exc}", error=True)
        self.state_changed.emit()
        if refused is not None:
            refused()

    def _focus_error(self, errors: dict[str | None, str]) -> None:
        for key in self.fields:
            if key in errors:
                self.fields[key].widget.setFocus(Qt.OtherFocusReason)
                return

    def cancel(self) -> None:
        """Échap: drop the changes (back to the saved record, or an empty form)."""
        if self.saving:
            return
        if self.record_id is not None:
            self.load(self.record_id)
        else:
            self.new(self._defaults)

    def discard(self) -> None:
        """Forget the changes now (« Ne pas enregistrer »): the form holds nothing unsaved from here on, and shows
        the stored record again once read."""
        if self.saving:
            return
        if self.dirty:
            self.dirty = False
            self.state_changed.emit()
        self.cancel()

    def unsaved_text(self) -> str | None:
        """What would be lost (for the question about unsaved changes), or None."""
        if not self.dirty:
            return None
        if self.record_id is None:
            return f"la fiche « {self.spec.new_title} » en cours de saisie"
        return f"les modifications de la fiche « {self.title.text()} »"

    def delete(self) -> None:
        """Ask, saying what goes with the record, then delete (Édition > Annuler brings everything back)."""
        record_id = self.record_id
        if record_id is None or self.saving:
            return
        entity = self.entity

        def confirm(result) -> None:
            title, counts = result
            also = dependents_text(counts)
            ask(
                self, "Supprimer",
                f"Supprimer « {title} » ?",
                "Supprimer",
                lambda: self.ws.records.delete(self, entity, record_id, lambda: self._deleted(record_id),
                                               lambda exc: self.show_message(f"Suppression impossible : {exc}", True)),
                informative=(f"Seront aussi supprimés : {also}.\n\n" if also else "")
                + "Vous pourrez revenir en arrière avec Édition > Annuler (Ctrl+Z).",
                icon=QMessageBox.Warning,
            )

        self.ws.read(self, lambda s: (record_title(s, entity, record_id), dependents(s, entity, record_id)), confirm)

    def _deleted(self, record_id: int) -> None:
        self.new()
        self.ws.status("Suppression effectuée (Ctrl+Z pour annuler).")
        self.deleted.emit(record_id)

