"""« À faire »: the follow-up each person asks for next — the next action, the situation six months after an exit,
a missing eligibility check — overdue first, read in a worker (services/parcours/todo.py).

Entrée (or a double-click) opens the person's record; « Faire… » (Ctrl+Entrée) opens the form that settles the
item: a new follow-up action, the exit to complete with its six-month situation, or a new eligibility check. The
list refreshes when one of them is written.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.services.parcours.todo import (
    CHECK,
    NEXT_ACTION,
    SITUATION,
    SOON_DAYS,
    TodoItem,
    suggested_action,
    today,
    todo_counts,
    todo_items,
)
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.parcours.todo_model import TodoModel
from erbm_desk.ui.records.workspace import Workspace

WATCHED = ("beneficiary", "contract", "eligibility_check", "path_exit", "followup_action")
FILTERS = (("Tout", None), ("En retard", "late"), (f"Dans les {SOON_DAYS} jours", "soon"),
           ("Actions de suivi", NEXT_ACTION), ("Situations à 6 mois", SITUATION), ("Diagnostics à saisir", CHECK))


def kept(item: TodoItem, wanted: str | None, today: date) -> bool:
    if wanted is None:
        return True
    if wanted == "late":
        return item.overdue(today)
    if wanted == "soon":
        return 0 <= (item.due - today).days <= SOON_DAYS
    return item.kind == wanted


class TodoPage(QWidget):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.setObjectName("page_todo")
        self.items: list[TodoItem] = []
        self.today = today()
        self.loading = True
        title = QLabel("À faire")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.count = QLabel("Chargement…")
        self.count.setObjectName("count")
        self.filter_box = QComboBox()
        for text, value in FILTERS:
            self.filter_box.addItem(text, value)
        self.filter_box.activated.connect(lambda _i: self._show())
        show_label = QLabel("&Afficher :")
        show_label.setBuddy(self.filter_box)
        self.open_button = QPushButton("Ouvrir la fiche")
        self.open_button.setToolTip("Entrée")
        self.do_button = QPushButton("Faire…")
        self.do_button.setToolTip("Ctrl+Entrée : noter l'action, relever la situation ou saisir le diagnostic")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.count, 1, Qt.AlignBottom)
        top.addWidget(show_label)
        top.addWidget(self.filter_box)
        top.addWidget(self.open_button)
        top.addWidget(self.do_button)

        self.model = TodoModel(self)
        self.table = QTableView()
        self.table.setObjectName("table_todo")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.Interactive)
        for column, chars in enumerate((11, 8, 24, 38, 20, 36, 18)):
            self.table.setColumnWidth(column, chars * self.fontMetrics().averageCharWidth() + 16)
        self.table.activated.connect(lambda _index: self.open_person())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._buttons())
        self.open_button.clicked.connect(self.open_person)
        self.do_button.clicked.connect(self.do_item)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.do_item)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.do_item)
        self.hint = QLabel("Les éléments en retard viennent en premier, en rouge. Une action se termine quand la "
                           "suivante est notée ; une situation à 6 mois, quand elle est relevée sur la sortie.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6b7280;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        self._buttons()
        self.refresh()

    # --- data ----------------------------------------------------------------------------------------------

    def concerned_by(self, changes: Changes) -> bool:
        return changes.touches(*WATCHED)

    def refresh(self) -> None:
        self.loading = True
        self.ws.read(self, todo_items, self._loaded, self._failed, latest="todo")

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.count.setText(f"Erreur : {exc}")

    def _loaded(self, items: list[TodoItem]) -> None:
        self.loading = False
        self.items, self.today = items, today()
        self._show()

    def _show(self) -> None:
        wanted = self.filter_box.currentData()
        shown = [i for i in self.items if kept(i, wanted, self.today)]
        self.model.set_items(shown, self.today)
        counts = todo_counts(self.items, self.today)
        text = f"{counts.total} élément{'s' if counts.total > 1 else ''} — {counts.overdue} en retard, " \
               f"{counts.soon} dans les {SOON_DAYS} jours"
        if len(shown) != counts.total:
            text += f" ({len(shown)} affiché{'s' if len(shown) > 1 else ''})"
        self.count.setText(text)
        if shown:
            self.table.selectRow(0)
        self._buttons()

    def _buttons(self) -> None:
        has = self.current() is not None
        self.open_button.setEnabled(has)
        self.do_button.setEnabled(has)

    # --- actions -------------------------------------------------------------------------------------------

    def current(self) -> TodoItem | None:
        index = self.table.currentIndex()
        return self.model.item_at(index.row()) if index.isValid() else None

    def open_person(self) -> None:
        item = self.current()
        if item is not None:
            self.ws.open_record("beneficiary", item.beneficiary_id)

    def do_item(self) -> None:
        """The form that settles the item, under its person."""
        from erbm_desk.ui.records.related_panel import RecordDialog

        item = self.current()
        if item is None:
            return
        if item.kind == SITUATION:
            dialog = RecordDialog(self.ws, "path_exit", item.beneficiary_id, item.record_id, parent=self)
        elif item.kind == CHECK:
            dialog = RecordDialog(self.ws, "eligibility_check", item.beneficiary_id,
                                  defaults={"check_date": item.due}, parent=self)
        else:
            dialog = RecordDialog(self.ws, "followup_action", item.beneficiary_id,
                                  defaults={"action_date": date.today(), "kind": suggested_action(item)},
                                  parent=self)
        dialog.open()
        self.dialog = dialog  # tests and the reminder find it here
