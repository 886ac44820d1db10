"""The query planner's statistics: gathered for a base that has none, after an import and after the demo, kept when
they still describe the tables, and never holding a sample of a person's data."""

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from erbm_desk.db import planner_statistics
from erbm_desk.services.database import sqlcipher as encryption
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.database.opening import open_database
from tests.services.test_excel_support import export, fresh_db, import_file


def _rows_known(db, table: str) -> int | None:
    """The table's number of rows as the planner's statistics give it (None: none gathered)."""
    with db.sessions() as s:
        if s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first() is None:
            return None
        stat = s.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).scalar()
        return int(stat.split()[0]) if stat else None


def _hours(db) -> int:
    with db.sessions() as s:
        return s.execute(text("SELECT count(*) FROM hours_entry")).scalar()


@contextmanager
def opened(path, key=None):
    db = open_database(str(path), key=key)
    try:
        yield db
    finally:
        db.close()


def _drop_statistics(path, key=None) -> None:
    """The base as one made before the statistics were kept."""
    with opened(path, key) as db, db.session() as s:
        s.execute(text("DROP TABLE sqlite_stat1"))


@pytest.fixture
def demo_path(tmp_path):
    path = tmp_path / "demo.sqlite"
    with opened(path) as db, db.session() as s:
        generate_demo(s, seed=4, scale=0.1)
    return path


def test_the_demo_leaves_statistics_of_its_own_size(demo_path):
    with opened(demo_path) as db:
        assert _hours(db) > planner_statistics.MIN_ROWS
        assert _rows_known(db, "hours_entry") == _hours(db)


def test_a_base_without_statistics_gets_them_when_opened_and_keeps_them_after(demo_path):
    _drop_statistics(demo_path)
    with opened(demo_path) as db:
        assert _rows_known(db, "hours_entry") == _hours(db)
        with db.engine.connect() as conn:
            assert not planner_statistics.stale(conn)
            assert not planner_statistics.refresh_if_stale(conn)  # nothing changed: not read again


def test_a_first_import_into_an_empty_base_leaves_statistics_of_the_imported_size(demo_path, tmp_path):
    with opened(demo_path) as source:
        workbook = export(source, tmp_path / "echange.xlsx")
    target = fresh_db(tmp_path, "vide")
    try:
        assert _rows_known(target, "hours_entry") is None  # empty: nothing worth counting
        import_file(target, workbook)
        assert _hours(target) > planner_statistics.MIN_ROWS
        assert _rows_known(target, "hours_entry") == _hours(target)
    finally:
        target.close()


def test_statistics_are_gathered_again_once_a_table_has_doubled(demo_path):
    with opened(demo_path) as db:
        with db.session() as s:
            s.execute(text("UPDATE sqlite_stat1 SET stat = '10 1' WHERE tbl = 'hours_entry'"))
        with db.engine.begin() as conn:
            assert planner_statistics.stale(conn)
            assert planner_statistics.refresh_if_stale(conn)
        assert _rows_known(db, "hours_entry") == _hours(db)


@pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")
def test_an_encrypted_base_keeps_no_sample_of_its_indexes(demo_path):
    """SQLCipher's SQLite keeps samples of each index's keys (the last names of the index on beneficiaries) beside
    the counts: they would outlive a person's erasure."""
    encryption.encrypt_database(demo_path, "une phrase de passe assez longue")
    key = encryption.unlock(demo_path, "une phrase de passe assez longue")
    _drop_statistics(demo_path, key)
    with opened(demo_path, key) as db:
        assert _rows_known(db, "hours_entry") == _hours(db)
        with db.sessions() as s:
            has_samples = s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'")).first()
            assert has_samples is not None, "this driver's SQLite keeps no samples: the test proves nothing"
            assert s.execute(text("SELECT count(*) FROM sqlite_stat4")).scalar() == 0
