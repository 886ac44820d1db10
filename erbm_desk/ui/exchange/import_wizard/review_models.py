"""The tables of the later steps: each list value with its choice, each record of the file with the record of the
base it is, what the import would do per entity, and the rows in error of a sheet — their cells corrected in
place, or the row left out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import Qt

from erbm_desk.domain.entities import SPECS
from erbm_desk.services.exchange.mapping.matches import CHOSEN, TO_CREATE, MatchRow
from erbm_desk.services.exchange.mapping.review import CHANGED, COUNT_LABELS, ERRORS, NEW, UNCHANGED, CellProblem
from erbm_desk.services.exchange.mapping.values import CHOSEN as VALUE_CHOSEN
from erbm_desk.services.exchange.mapping.values import EXACT, NONE, ValueRow, choice_label, choices
from erbm_desk.services.exchange.mapping.fields import target
from erbm_desk.ui.exchange.import_wizard.mapping_models import cell_text
from erbm_desk.ui.exchange.import_wizard.table_models import (
    CHOICES_ROLE,
    VALUE_ROLE,
    Col,
    RowsModel,
    error_background,
    error_foreground,
    ok_background,
    warning_background,
)

CREATE_LABEL = "À créer"


class ValuesModel(RowsModel):
    """The distinct values of one list or yes/no field, each with its choice (editable)."""

    columns = (
        Col("Valeur dans le fichier", lambda r: r.text),
        Col("Lignes", lambda r: str(r.count)),
        Col("Correspond à", lambda r: "" if r.choice is None else "", editable=True),
        Col("Comment", lambda r: r.how),
    )
    CHOICE = 2

    def __init__(self, on_change: Callable[[str, ValueRow], None], parent=None):
        super().__init__(parent)
        self.on_change = on_change
        self.code = ""

    def show_field(self, code: str, rows: list[ValueRow]) -> None:
        self.code = code
        self.set_rows(rows)

    def data(self, index, role: int = Qt.DisplayRole) -> Any:
        if index.isValid() and index.column() == self.CHOICE and role in (Qt.DisplayRole, Qt.EditRole):
            row = self.rows[index.row()]
            return "à choisir" if row.choice is None else choice_label(target(self.code), row.choice)
        return super().data(index, role)

    def extra(self, row: ValueRow, column: int, role: int) -> Any:
        if column == self.CHOICE:
            if role == CHOICES_ROLE:
                return [(c, label) for c, label in choices(target(self.code))] + [("", "(laisser vide)")]
            if role == VALUE_ROLE:
                return row.choice
        if role == Qt.BackgroundRole and column in (self.CHOICE, 3):
            if row.choice is None:
                return error_background()
            if row.how not in (EXACT, VALUE_CHOSEN):
                return warning_background()
            return ok_background()
        return None

    def edit(self, row: ValueRow, column: int, value: Any) -> bool:
        if column != self.CHOICE or value is None:
            return False
        row.choice, row.how = value, VALUE_CHOSEN
        self.on_change(self.code, row)
        return True

    @property
    def unchosen(self) -> int:
        return sum(1 for r in self.rows if r.how == NONE and r.choice is None)


class MatchesModel(RowsModel):
    """The records of one entity found in the file, and the record of the base each one is (editable)."""

    columns = (
        Col("Dans le fichier", lambda r: r.label),
        Col("Dans la base", lambda r: r.record or CREATE_LABEL, editable=True),
        Col("Statut", lambda r: r.status),
    )
    RECORD = 1

    def __init__(self, on_change: Callable[[MatchRow, str | None], None], parent=None):
        super().__init__(parent)
        self.on_change = on_change

    def extra(self, row: MatchRow, column: int, role: int) -> Any:
        if column == self.RECORD:
            if role == CHOICES_ROLE:
                own = [(row.group.uuid, row.record)] if row.record and row.status != TO_CREATE else []
                return [("", CREATE_LABEL), *own, *[c for c in row.candidates if c[0] != row.group.uuid]]
            if role == VALUE_ROLE:
                return row.group.uuid if row.record else ""
        if role == Qt.BackgroundRole:
            return warning_background() if row.status in (TO_CREATE, CHOSEN) else None
        if role == Qt.ToolTipRole and row.status == TO_CREATE and row.candidates:
            return "Peut-être : " + " ; ".join(label for _, label in row.candidates)
        return None

    def flags(self, index) -> Qt.ItemFlags:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.RECORD:
            row = self.rows[index.row()]
            if row.status not in (TO_CREATE, CHOSEN):
                flags &= ~Qt.ItemIsEditable  # found by its key: nothing to choose
        return flags

    def edit(self, row: MatchRow, column: int, value: Any) -> bool:
        if column != self.RECORD:
            return False
        uuid = value or None
        labels = dict(row.candidates)
        row.record = labels.get(uuid, row.record if uuid else "")
        row.status = CHOSEN if uuid else TO_CREATE
        self.on_change(row, uuid)
        return True


class CountsModel(RowsModel):
    columns = (
        Col("Données", lambda r: SPECS[r[0]].plural),
        Col(COUNT_LABELS[NEW], lambda r: str(r[1][NEW])),
        Col(COUNT_LABELS[CHANGED], lambda r: str(r[1][CHANGED])),
        Col(COUNT_LABELS[UNCHANGED], lambda r: str(r[1][UNCHANGED])),
        Col(COUNT_LABELS[ERRORS], lambda r: str(r[1][ERRORS])),
    )

    def extra(self, row: tuple[str, Counter], column: int, role: int) -> Any:
        if role == Qt.BackgroundRole and column == 4 and row[1][ERRORS]:
            return error_background()
        if role == Qt.TextAlignmentRole and column > 0:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


@dataclass
class ErrorRow:
    row: int
    cells: list[Any]
    problems: list[CellProblem]
    left_out: bool = False
    corrected: set[int] = field(default_factory=set)  # columns typed again since the last check


class ErrorsModel(RowsModel):
    """The rows in error of one sheet: its number, « laisser de côté », every column of the sheet (the faulty cells
    in red, each editable), and the messages."""

    def __init__(self, on_correct: Callable[[int, int, str], None], on_leave_out: Callable[[int, bool], None],
                 parent=None):
        super().__init__(parent)
        self.on_correct = on_correct
        self.on_leave_out = on_leave_out
        self.headers: list[tuple[int, str]] = []  # (column index in the file, header)
        self.columns = ()

    def show_rows(self, headers: list[tuple[int, str]], rows: list[ErrorRow]) -> None:
        self.beginResetModel()
        self.headers = headers
        self.columns = (
            Col("Ligne", lambda r: str(r.row)),
            Col("Laisser de côté", lambda r: r.left_out, checkable=True),
            Col("Erreurs", lambda r: "\n".join(f"{p.where + ' : ' if p.where else ''}{p.message}"
                                               for p in r.problems)),
            *[Col(h, (lambda r, j=j: cell_text(r.cells[j]) if j < len(r.cells) else ""), editable=True)
              for j, h in headers],
        )
        self.rows = rows
        self.endResetModel()

    FIRST = 3  # the file's columns come after « Ligne », « Laisser de côté » and « Erreurs »

    def file_column(self, column: int) -> int | None:
        first = self.FIRST
        return self.headers[column - first][0] if first <= column < first + len(self.headers) else None

    def view_column(self, file_column: int) -> int | None:
        for n, (j, _h) in enumerate(self.headers):
            if j == file_column:
                return n + self.FIRST
        return None

    def extra(self, row: ErrorRow, column: int, role: int) -> Any:
        j = self.file_column(column)
        if j is None:
            if role == Qt.BackgroundRole and column == 0 and any(p.col is None for p in row.problems):
                return error_background()
            if role == Qt.ForegroundRole and column == 2:
                return error_foreground()
            return None
        faulty = [p.message for p in row.problems if p.col == j]
        if role == Qt.BackgroundRole:
            if j in row.corrected:
                return warning_background() if row.problems or row.left_out else ok_background()
            if faulty:
                return error_background()
        if role == Qt.ToolTipRole:
            if j in row.corrected:
                return ("Corrigée : « Vérifier à nouveau » (F5) pour la contrôler." if row.problems
                        else "Corrigée et vérifiée.")
            return "\n".join(faulty) or None
        return None

    def edit(self, row: ErrorRow, column: int, value: Any) -> bool:
        if column == 1:
            row.left_out = bool(value)
            self.on_leave_out(row.row, row.left_out)
            return True
        j = self.file_column(column)
        if j is None:
            return False
        text = "" if value is None else str(value)
        if j >= len(row.cells):
            row.cells = list(row.cells) + [None] * (j + 1 - len(row.cells))
        row.cells[j] = text
        row.corrected.add(j)
        self.on_correct(row.row, j, text)
        return True
