"""A list page's drop-down filter (EPCI, bailleur) whose names could not be read says so, and reads them again
when the user opens it."""

from __future__ import annotations

import psycopg
from PySide6.QtCore import Qt
from sqlalchemy.exc import OperationalError

from erbm_desk.db.models import Bailleur, utcnow
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


def test_a_bailleur_written_after_the_filter_was_read_is_offered_and_the_chosen_one_stays(qtbot, db):
    ws = Workspace(db, status=lambda _m: None, open_record=lambda _e, _i: None)
    bar = FilterBar(ws, "operation", "nom")
    qtbot.addWidget(bar)
    bar.show()
    combo = bar.widgets["bailleur"]
    qtbot.waitUntil(lambda: combo.count() > 1, timeout=TIMEOUT)
    names = [combo.itemText(i) for i in range(1, combo.count())]
    chosen = []
    bar.filter_changed.connect(lambda key, value: chosen.append((key, value)))
    combo.setCurrentIndex(combo.count() - 1)
    kept = combo.currentData()
    assert chosen == [("bailleur", kept)]

    done = []

    def new_bailleur(s):  # as an import does when a cité names a bailleur the base does not know
        row = Bailleur(name="AAA Habitat des Terrils", created_at=utcnow(), updated_at=utcnow())
        s.add(row)
        s.flush()
        return row.id

    ws.gateway.write(bar, new_bailleur, done.append)
    qtbot.waitUntil(lambda: combo.count() == len(names) + 2, timeout=TIMEOUT)
    assert "AAA Habitat des Terrils" in [combo.itemText(i) for i in range(1, combo.count())]
    assert combo.currentData() == kept  # the filter the user chose is still applied…
    assert chosen == [("bailleur", kept)]  # …and the list page is not asked to filter again

    combo.setCurrentIndex(combo.findData(done[0]))
    assert chosen[-1] == ("bailleur", done[0])
    ws.gateway.write(bar, lambda s: s.delete(s.get(Bailleur, done[0])), lambda _r: None)
    qtbot.waitUntil(lambda: combo.count() == len(names) + 1, timeout=TIMEOUT)
    assert combo.currentIndex() == 0  # the chosen bailleur was deleted: every bailleur again, and the page told
    assert chosen[-1] == ("bailleur", None)
