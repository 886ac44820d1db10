"""The « À faire » reminder: once a database is open, a worker counts the overdue items and those due within
30 days; the status bar says so once, on a button to the list, and the side bar's « À faire » shows the number
overdue. Nothing waits for it and nothing has to be answered: it never blocks the start-up."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from erbm_desk.services.parcours.todo import todo_counts, todo_items
from erbm_desk.ui.parcours.todo_page import WATCHED

PAGE_KEY = "todo"
PAGE_LABEL = "À faire"


class TodoReminder:
    def __init__(self, window):
        self.window = window
        self.button = QPushButton()
        self.button.setFlat(True)
        self.button.setObjectName("todo_reminder")
        self.button.setStyleSheet("QPushButton#todo_reminder { color: #b5533c; padding: 0 8px; }")
        self.button.setToolTip("Ouvrir la liste « À faire »")
        self.button.clicked.connect(lambda: window.show_page(PAGE_KEY))
        self.button.hide()
        window.statusBar().addPermanentWidget(self.button)
        self.message = ""
        window.database_changed.connect(lambda _db: self.check())
        window.data_changed.connect(lambda changes: self.check() if changes.touches(*WATCHED) else None)

    def check(self) -> None:
        """Count in a worker, then show (the newest count wins)."""
        gateway = self.window.gateway
        if gateway is None:
            return
        gateway.read(self.button, lambda s: todo_counts(todo_items(s)), self._show,
                     lambda exc: None, latest="todo-reminder")

    def _show(self, counts) -> None:
        self.message = counts.message
        self.button.setText(counts.message)
        self.button.setVisible(bool(counts.message))
        sidebar = self.window.sidebar
        for row in range(sidebar.count()):  # the side bar's entry, found by its words (ui/window lists the pages)
            item = sidebar.item(row)
            if item.text().startswith(PAGE_LABEL):
                item.setText(f"{PAGE_LABEL} ({counts.overdue})" if counts.overdue else PAGE_LABEL)


def install_todo_reminder(window) -> None:
    """Add the reminder to the window (window/features.py) and count once."""
    window.todo_reminder = TodoReminder(window)
    window.todo_reminder.check()
