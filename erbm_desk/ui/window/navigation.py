"""The side bar and the pages it switches between. Pages are built the first time they are shown; after a
write, the pages it concerns refresh: the page in view at once, the others when they are next shown."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QFrame, QListWidget, QListWidgetItem, QStackedWidget, QWidget

PAGES: tuple[tuple[str, str], ...] = (
    ("dashboard", "Tableau de bord"),
    ("cite", "Cités"),
    ("operation", "Opérations"),
    ("company", "Entreprises"),
    ("beneficiary", "Bénéficiaires"),
    ("contract", "Contrats"),
    ("hours", "Heures"),
    ("todo", "À faire"),
    ("clauses", "Suivi des clauses"),
    ("marche", "Marchés"),
    ("lot", "Lots"),
)
KEYS = [key for key, _ in PAGES]


def shortcut_digit(index: int) -> int | None:
    """Ctrl+1 … Ctrl+9 for the first nine pages, Ctrl+0 for the tenth, none after (reached by the side bar and
    the « Affichage » menu)."""
    return (index + 1) % 10 if index < 10 else None


class Sidebar(QListWidget):
    page_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setFrameShape(QFrame.NoFrame)
        self.setSpacing(1)
        self.setUniformItemSizes(True)
        height = self.fontMetrics().height() + 14
        width = max(self.fontMetrics().horizontalAdvance(label) for _, label in PAGES) + 48
        for i, (key, label) in enumerate(PAGES):
            item = QListWidgetItem(label, self)
            item.setSizeHint(QSize(width, height))
            digit = shortcut_digit(i)
            item.setToolTip(label if digit is None else f"{label} (Ctrl+{digit})")
        self.setFixedWidth(width + 8)
        self.setStyleSheet("QListWidget#sidebar { padding-top: 8px; font-size: 11pt; }"
                           "QListWidget#sidebar::item { padding-left: 12px; }")
        self.currentRowChanged.connect(lambda row: self.page_chosen.emit(KEYS[row]) if row >= 0 else None)

    def choose(self, key: str) -> None:
        self.setCurrentRow(KEYS.index(key))


class PageStack(QStackedWidget):
    """Pages by key, made by `factory(key)` on first use; each page has `refresh()`."""

    def __init__(self, factory: Callable[[str], QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.factory = factory
        self.pages: dict[str, QWidget] = {}
        self._stale: set[str] = set()

    def page(self, key: str) -> QWidget:
        if key not in self.pages:
            page = self.factory(key)
            self.pages[key] = page
            self.addWidget(page)
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        page = self.page(key)
        self.setCurrentWidget(page)
        if key in self._stale:
            self._stale.discard(key)
            page.refresh()
        return page

    def current_key(self) -> str | None:
        for key, page in self.pages.items():
            if page is self.currentWidget():
                return key
        return None

    def data_changed(self, changes) -> None:
        """Something was written (`changes`, ui/database/changes.py): the pages it concerns refresh, the page in
        view at once, the others when next shown. A page that made the change itself (`changes.source`) has
        already shown it; a page without `concerned_by(changes)` is concerned by every change."""
        current = self.current_key()
        for key, page in self.pages.items():
            if page is changes.source:
                continue
            concerned_by = getattr(page, "concerned_by", None)
            if concerned_by is not None and not concerned_by(changes):
                continue
            if key == current:
                page.refresh()
            else:
                self._stale.add(key)

    def drop_page(self, key: str) -> None:
        """Forget a page (it is built again when next shown)."""
        page = self.pages.pop(key, None)
        self._stale.discard(key)
        if page is not None:
            self.removeWidget(page)
            page.deleteLater()

    def clear_pages(self) -> None:
        for key in list(self.pages):
            self.drop_page(key)
