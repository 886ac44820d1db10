"""A list page's drop-down filter (EPCI, bailleur) whose names could not be read says so, and reads them again
when the user opens it."""

from __future__ import annotations

import psycopg
from PySide6.QtCore import Qt
from sqlalchemy.exc import OperationalError

from erbm_desk.ui.records import pick_lists
from erbm_desk.ui.records.filter_bar import FilterBar
from erbm_desk.ui.records.workspace import Workspace
from tests.ui.helpers import TIMEOUT


def test_an_unreadable_epci_list_is_said_and_read_again_when_the_filter_is_opened(qtbot, db, monkeypatch):
    read = pick_lists.pick_list
    failures = [OperationalError("SELECT …", {}, psycopg.OperationalError("server closed the connection"))]

    def fails_once(session, entity):
        if entity == "epci" and failures:
            raise failures.pop()
        return read(session, entity)

    monkeypatch.setattr(pick_lists, "pick_list", fails_once)
    ws = Workspace(db, status=lambda _m: None, open_record=lambda _e, _i: None)
    bar = FilterBar(ws, "company", "nom, SIRET")
    qtbot.addWidget(bar)
    bar.show()
    combo = bar.widgets["epci"]
    qtbot.waitUntil(lambda: combo.unread is not None, timeout=TIMEOUT)
    assert combo.toolTip() == (
        "La liste des EPCI n'a pas pu être lue : le serveur de base de données ne répond pas (serveur arrêté, réseau "
        "coupé ou connexion perdue). Ouvrez à nouveau ce filtre pour réessayer.")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "EPCI : tous", "Liste illisible : ouvrez à nouveau pour réessayer"]
    assert not combo.model().item(1).isEnabled()  # a message, not a filter

    qtbot.mouseClick(combo, Qt.LeftButton)  # opened again: read again
    with db.sessions() as s:
        names = [name for _id, name in read(s, "epci")]
    qtbot.waitUntil(lambda: combo.count() == len(names) + 1, timeout=TIMEOUT)
    assert [combo.itemText(i) for i in range(1, combo.count())] == names
    assert combo.toolTip() == "EPCI"
    combo.hidePopup()
    chosen = []
    bar.filter_changed.connect(lambda key, value: chosen.append((key, value)))
    combo.setCurrentIndex(1)
    assert chosen == [("epci", combo.itemData(1))] and chosen[0][1] is not None
