"""Small parts the wizard's pages share: a message line, a table set up the same way everywhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView

from erbm_desk.ui.common.dialogs import error_color
from erbm_desk.ui.exchange.import_wizard.table_models import ChoiceDelegate


def message_label(text: str = "", error: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    if error:
        label.setStyleSheet(f"color: {error_color()};")
    return label


def table(name: str, model, editable: bool = False) -> QTableView:
    """A table of `model`: rows selected whole unless its cells are edited, choices edited from a drop-down list
    (F2 or a letter typed opens it)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table: the wizard's buttons are reached by keyboard
    if editable:
        view.setItemDelegate(ChoiceDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectItems)
        view.setSelectionMode(QAbstractItemView.SingleSelection)
        view.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed | QAbstractItemView.SelectedClicked)
    else:
        view.setSelectionBehavior(QAbstractItemView.SelectRows)
        view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    return view
