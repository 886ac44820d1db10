"""Shared fixtures: a fresh database file with the reference data, and a hand-built dataset; and, for every test
that uses Qt (`qtbot`, `qapp`), the guard that fails it when the app's UI code runs SQL or writes a file on the
GUI thread (tests/ui/gui_thread_guard.py says how, and why it looks at the call stack)."""

from __future__ import annotations

import os
import sys

import pytest

from tests.ui.gui_thread_guard import (  # noqa: F401 - pytest finds these hooks by name in this module
    pytest_runtest_call,
    pytest_runtest_setup,
    pytest_runtest_teardown,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The audit journal's secret key and anchors (services/audit_keys.py): one key for the whole run, so that the
# PostgreSQL template seeded once per run verifies in every test, and nothing written to the real user's folder.
TEST_AUDIT_KEY = "clé de test du journal ERBM Desk : 32 caractères et plus"
os.environ.setdefault("ERBM_DESK_AUDIT_KEY", TEST_AUDIT_KEY)
os.environ.setdefault("ERBM_DESK_AUDIT_ANCHOR_DIR", os.path.join(
    __import__("tempfile").mkdtemp(prefix="erbm-ancres-"), "ancres"))


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never touch the real user's data folder or settings from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("ERBM_DESK_AUDIT_ANCHOR_DIR", str(home / "config" / "ancres-journal"))
    monkeypatch.delenv("ERBM_DESK_DB", raising=False)
    # The window's settings object is one per process (ui/common/window_state.py) and Qt keeps the folder it
    # first read: each test starts from empty settings, not from the page or size a previous test's window left.
    window_state = sys.modules.get("erbm_desk.ui.common.window_state")
    if window_state is not None and window_state._settings is not None:
        window_state._settings.clear()


# ---------------------------------------------------------------------------------------------------------
# Every test that touches the database runs twice: on an SQLite file and on a real PostgreSQL server that the
# test run starts itself (initdb + pg_ctl in a temporary folder, loopback only, one fresh database per test,
# copied from a migrated and seeded template). Without PostgreSQL installed the [postgresql] variants FAIL;
# ERBM_TEST_NO_POSTGRES=1 skips them instead (a developer without the server, never CI).

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server():
    from tests.pg_server import start_test_server

    if os.environ.get("ERBM_TEST_NO_POSTGRES") == "1":
        pytest.skip("ERBM_TEST_NO_POSTGRES=1 : variantes PostgreSQL sautées")
    server = start_test_server()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def new_target(backend, tmp_path, request):
    """`new_target(name="x", empty=False)` gives a fresh database target of the test's backend: an SQLite file
    path, or the URL of a new PostgreSQL database (already migrated and seeded unless `empty`)."""
    made: list[str] = []
    server = request.getfixturevalue("pg_server") if backend == "postgresql" else None

    def make(name: str | None = None, empty: bool = False) -> str:
        name = name or f"db{len(made)}"
        if server is None:
            return str(tmp_path / f"{name}.sqlite")
        dbname = server.create_database(empty=empty)
        made.append(dbname)
        return server.url(dbname)

    yield make
    for dbname in made:
        server.drop_database(dbname)


@pytest.fixture
def pg_target(request):
    """A fresh, migrated and seeded PostgreSQL database URL, for tests about PostgreSQL only."""
    server = request.getfixturevalue("pg_server")
    dbname = server.create_database()
    yield server.url(dbname)
    server.drop_database(dbname)


@pytest.fixture
def db_target(new_target) -> str:
    return new_target("test")


@pytest.fixture
def db(db_target):
    """An open Database with the reference data: a new SQLite file, or a new PostgreSQL database."""
    from erbm_desk.services.database.opening import open_database

    database = open_database(db_target)
    yield database
    database.close()


@pytest.fixture
def small_dataset(db):
    """The hand-built dataset of tests/fixtures.py, its expected indicators written there."""
    from tests.fixtures import build_small_dataset

    with db.session() as s:
        ids = build_small_dataset(s)
    return ids
