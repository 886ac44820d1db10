"""The dashboard's figures stored in a database file, read at start-up without the database layer: given only
when they are what a fresh computation gives on that file now."""

from decimal import Decimal as D

from sqlalchemy import select

from erbm_desk.db.models import HoursEntry
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.records.writes import save_record
from erbm_desk.services.reporting.dashboard_data import dashboard_data
from erbm_desk.services.reporting.report_cache import territory_dashboard
from erbm_desk.services.reporting.stored_figures import stored_territory_figures
from erbm_desk.services.security.database_settings import LOGIN_REQUIRED, write_database_setting


def file_with_figures(tmp_path):
    path = tmp_path / "base.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        generate_demo(s, seed=3, scale=0.03)
    with db.sessions() as s:
        territory_dashboard(s)  # computed, and stored
    return db, path


def test_the_stored_figures_are_those_of_a_fresh_computation(tmp_path):
    db, path = file_with_figures(tmp_path)
    stored = stored_territory_figures(str(path))
    with db.sessions() as s:
        assert stored is not None and stored.indicators == dashboard_data(s).indicators
    db.close()
    assert stored_territory_figures(str(path)) == stored  # closed: the same


def test_after_a_write_they_are_not_shown_until_computed_again(tmp_path):
    db, path = file_with_figures(tmp_path)
    with db.session() as s:
        entry = s.scalar(select(HoursEntry).limit(1))
        save_record(s, "hours_entry", {"hours": entry.hours + D("4")}, entry.id)
    assert stored_territory_figures(str(path)) is None
    with db.sessions() as s:
        fresh = territory_dashboard(s)
    assert stored_territory_figures(str(path)).indicators == fresh.indicators
    db.close()


def test_never_before_signing_in(tmp_path):
    db, path = file_with_figures(tmp_path)
    with db.session() as s:
        write_database_setting(s, LOGIN_REQUIRED, True)
    assert stored_territory_figures(str(path)) is None
    db.close()


def test_nothing_to_show(tmp_path):
    assert stored_territory_figures(str(tmp_path / "absente.sqlite")) is None
    assert stored_territory_figures("postgresql://serveur/erbm") is None
    (tmp_path / "vide.sqlite").write_bytes(b"")
    assert stored_territory_figures(str(tmp_path / "vide.sqlite")) is None
    old = open_database(str(tmp_path / "neuve.sqlite"))  # no figures stored yet
    assert stored_territory_figures(str(tmp_path / "neuve.sqlite")) is None
    old.close()
