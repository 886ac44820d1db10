"""Safe schema upgrades: from the oldest schema with data to head, failures restored, newer schemas refused."""

from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import MetaData, insert, select, text

from erbm_desk.db import migrate
from erbm_desk.db.engine import database_url, make_engine
from erbm_desk.services.backup import listing
from erbm_desk.services.database.opening import DatabaseOpenError, open_database
from erbm_desk.services.database.demo import generate_demo
from tests.fixtures import build_small_dataset

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def head_source(tmp_path_factory):
    """A database at head with the hand-built dataset and some demo data, to fill older schemas from."""
    path = tmp_path_factory.mktemp("source") / "source.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        generate_demo(s, seed=5, scale=0.03)
    with db.session() as s:
        build_small_dataset(s)
    db.close()
    return path


def _fill_from(source: Path, target_url: str) -> None:
    """Copy every row of the tables and columns that exist in the target's (older) schema."""
    src, dst = make_engine(f"sqlite:///{source}"), make_engine(target_url)
    src_md, dst_md = MetaData(), MetaData()
    src_md.reflect(src)
    dst_md.reflect(dst)
    with src.connect() as s_conn, dst.begin() as d_conn:
        for table in dst_md.sorted_tables:
            if table.name == "alembic_version" or table.name not in src_md.tables:
                continue
            columns = [c.name for c in table.columns if c.name in src_md.tables[table.name].c]
            # a column a later revision moved elsewhere (the person's criteria): its old default
            missing = {c.name: False for c in table.columns if c.name not in columns and not c.nullable
                       and c.type.python_type is bool}
            rows = [{**missing, **r._mapping}
                    for r in s_conn.execute(select(*(src_md.tables[table.name].c[c] for c in columns)))]
            if rows:
                d_conn.execute(insert(table), rows)
        if dst.dialect.name == "postgresql":
            for table in dst_md.sorted_tables:
                if "id" in table.c:
                    d_conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    src.dispose()
    dst.dispose()


def _snapshot(url: str, tables=None) -> dict[str, list[tuple]]:
    """Every row of every table (or of `tables`, with their columns as they were), sorted."""
    engine = make_engine(url)
    md = MetaData()
    md.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in md.tables.items():
            if tables is not None and name not in tables:
                continue
            cols = [table.c[c] for c in (tables[name] if tables is not None else table.c.keys())]
            out[name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    engine.dispose()
    return out


# Columns a revision moved into records of their own: the person's criteria, prescriber and exit became an
# eligibility check and an exit (0006_parcours; tests/parcours/test_migration_0006.py checks the move).
MOVED = {"beneficiary": {"qpv", "rsa", "deld", "detld", "rqth", "ass_aah", "low_qualification", "prescriber",
                         "exit_date", "exit_outcome"}}


def test_oldest_schema_with_data_upgrades_to_head_and_keeps_every_row(new_target, head_source):
    target = new_target("ancienne", empty=True)
    url = database_url(target)
    engine = make_engine(url)
    migrate.upgrade(engine, migrate.base_revision())
    assert migrate.current_revision(engine) == migrate.base_revision()
    engine.dispose()
    _fill_from(head_source, url)
    md = MetaData()
    probe = make_engine(url)
    md.reflect(probe)
    probe.dispose()
    columns = {name: [c for c in t.c.keys() if c not in MOVED.get(name, ())]
               for name, t in md.tables.items() if name != "alembic_version"}
    before = _snapshot(url, columns)
    assert sum(len(rows) for rows in before.values()) > 1000

    db = open_database(target)  # upgrades to head (after a backup, for a file)
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        counts = db.counts()
    finally:
        db.close()
    after = _snapshot(url, columns)
    for name in columns:
        assert after[name] == before[name], name  # every row, every value of the old columns
    assert counts["hours_entry"] == len(before["hours_entry"]) > 100
    assert counts["eligibility_check"] == counts["beneficiary"]  # the criteria moved: one check per person
    if db.path is not None and migrate.base_revision() != migrate.head_revision():
        kinds = [b.reason for b in listing.list_backups(db.path)]
        assert "mise-a-jour" in kinds


FAILING = '''
"""a migration that fails halfway (test)"""
from alembic import op
import sqlalchemy as sa

revision = "9999_fails"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("beneficiary") as batch:  # SQLite: copies the whole table
        batch.add_column(sa.Column("nickname", sa.String(40), nullable=True))
    op.execute("UPDATE beneficiary SET nickname = 'x'")
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("DELETE FROM hours_entry")
    {escape}
    raise RuntimeError("échec simulé au milieu de la migration")


def downgrade():
    pass
'''

# A future migration that commits by itself would escape the upgrade's transaction: the backup covers it.
ESCAPE = 'op.get_bind().connection.driver_connection.commit() if op.get_bind().dialect.name == "sqlite" else None'

SLOW = '''
"""a migration killed halfway (test)"""
from pathlib import Path
import time
from alembic import op
import sqlalchemy as sa

revision = "9999_slow"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hours_entry") as batch:
        batch.add_column(sa.Column("note", sa.String(40), nullable=True))
    op.execute("DELETE FROM contract WHERE id % 2 = 0")
    Path({marker!r}).write_text("au milieu")
    time.sleep(60)


def downgrade():
    pass
'''


def _versions_with(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / name).write_text(body, encoding="utf-8")
    return folder


def _forget_cached_scripts() -> None:
    for cached in vars(migrate).values():
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


@pytest.fixture(autouse=True)
def _no_cached_scripts_leak():
    yield
    _forget_cached_scripts()  # a test pointing at another migrations folder must not leave it cached


def _use_migrations(monkeypatch, folder: Path) -> None:
    """Point the app at another migrations folder, forgetting anything cached about the real one."""
    _forget_cached_scripts()
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)


def _file_with_data(tmp_path: Path) -> Path:
    path = tmp_path / "base.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        build_small_dataset(s)
    db.close()
    return path


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.parametrize("escape", [False, True], ids=["rolled-back", "escaping-its-transaction"])
def test_a_migration_failing_halfway_leaves_the_file_as_before(tmp_path, monkeypatch, escape):
    path = _file_with_data(tmp_path)
    before = _dump(path)
    folder = _versions_with(tmp_path, "9999_fails.py", FAILING.format(down=migrate.head_revision(),
                                                                      escape=ESCAPE if escape else "pass"))
    _use_migrations(monkeypatch, folder)

    with pytest.raises(DatabaseOpenError, match="remise dans son état d'avant la mise à jour") as err:
        open_database(str(path))

    assert "échec simulé" in str(err.value)
    assert _dump(path) == before  # logically identical: schema, every row, the revision
    saved = listing.list_backups(path)
    assert [b.reason for b in saved] == ["mise-a-jour"] and saved[0].path.name in str(err.value)
    monkeypatch.undo()
    _use_migrations(monkeypatch, migrate.MIGRATIONS_DIR)
    db = open_database(str(path))  # and the app opens it as usual
    try:
        assert db.counts()["hours_entry"] == 6
    finally:
        db.close()


def test_a_migration_failing_on_postgresql_is_rolled_back(pg_server, monkeypatch, tmp_path):
    name = pg_server.create_database()
    url = pg_server.url(name)
    try:
        db = open_database(url)
        with db.session() as s:
            build_small_dataset(s)
        db.close()
        before = _snapshot(url)
        folder = _versions_with(tmp_path, "9999_fails.py", FAILING.format(down=migrate.head_revision(), escape="pass"))
        _use_migrations(monkeypatch, folder)
        with pytest.raises(DatabaseOpenError, match="échec simulé"):
            open_database(url)
        assert _snapshot(url) == before
    finally:
        pg_server.drop_database(name)
        monkeypatch.undo()
        _use_migrations(monkeypatch, migrate.MIGRATIONS_DIR)


def test_a_migration_killed_halfway_leaves_the_file_as_before(tmp_path):
    path = _file_with_data(tmp_path)
    before = _dump(path)
    marker = tmp_path / "marker"
    folder = _versions_with(tmp_path, "9999_slow.py", SLOW.format(down=migrate.head_revision(), marker=str(marker)))
    code = (
        "import sys\nfrom pathlib import Path\nfrom erbm_desk.db import migrate\n"
        "migrate.MIGRATIONS_DIR = Path(sys.argv[2])\n"
        "from erbm_desk.services.database.opening import open_database\nopen_database(sys.argv[1])\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(folder)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the migration never started"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    db = open_database(str(path))  # the ordinary app, after the crash
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
    finally:
        db.close()
    assert _dump(path) == before


def test_a_database_from_a_newer_version_is_refused_untouched(new_target):
    target = new_target("future")
    db = open_database(target)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.close()
    path = Path(target) if "://" not in target else None
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path else None

    with pytest.raises(DatabaseOpenError, match="version plus récente d'ERBM Desk"):
        open_database(target)

    if path is not None:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
        assert listing.list_backups(path) == []  # refused before anything, backup included
    else:
        engine = make_engine(database_url(target))
        assert migrate.current_revision(engine) == "9999_future"
        engine.dispose()
