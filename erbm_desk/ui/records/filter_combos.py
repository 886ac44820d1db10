"""A list page's drop-down filters. On a short list of records (EPCI, bailleur), the names come from the pick lists
and follow them when their records change (a bailleur an import created); a list that could not be read is said in
the drop-down itself and read again when it is next opened."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox

from erbm_desk.ui.records.pick_lists import Choices, PickLists


class FilterCombo(QComboBox):
    """A list page's drop-down filter: « <label> : tous » first (no filter), its choices after."""

    def __init__(self, label: str):
        super().__init__()
        self.label = label
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.addItem(f"{label} : tous", None)


class RefFilterCombo(FilterCombo):
    def __init__(self, picks: PickLists, entity: str, label: str):
        super().__init__(label)
        self.picks = picks
        self.entity = entity
        self.unread: str | None = None  # why its list could not be read, until it is
        self._choices: Choices | None = None  # the names shown, once read
        picks.unreadable.connect(self._unreadable)
        picks.invalidated.connect(self._reread)
        picks.get(entity, self._fill)

    def showPopup(self) -> None:
        if self._choices is None:
            self.picks.get(self.entity, self._fill)  # after a failed read: once more, the popup shows it coming
        super().showPopup()

    def _reread(self) -> None:
        # A list never read is read when opened; an unchanged one comes back at once, as it was.
        if self._choices is not None:
            self.picks.get(self.entity, self._fill)

    def _fill(self, choices: Choices) -> None:
        if choices == self._choices:
            return
        self._choices = choices
        self.unread = None
        self.setToolTip(self.label)
        chosen = self.currentData()
        # Filled again in silence: the page is told only if the record it filters on is gone.
        with QSignalBlocker(self):
            while self.count() > 1:  # the line saying the list could not be read, or the list before
                self.removeItem(1)
            for rid, name in choices:
                self.addItem(name, rid)
            kept = self.findData(chosen) if chosen is not None else 0
            self.setCurrentIndex(kept)
        if kept < 0:
            self.setCurrentIndex(0)  # heard by the page
        if self.view().isVisible():  # read again while open: shown again at the list's full height
            self.hidePopup()
            self.showPopup()

    def _unreadable(self, entity: str, said: str) -> None:
        if entity != self.entity or self._choices is not None:
            return
        self.unread = f"{said}. Ouvrez à nouveau ce filtre pour réessayer."
        self.setToolTip(self.unread)
        if self.count() == 1:
            self.addItem("Liste illisible : ouvrez à nouveau pour réessayer", None)
            self.model().item(1).setEnabled(False)  # a message, not a choice
