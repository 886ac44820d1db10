"""Shared fixtures: a fresh database file with the reference data, and a hand-built dataset."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never touch the real user's data folder or settings from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ERBM_DESK_DB", raising=False)


@pytest.fixture
def db(tmp_path):
    from erbm_desk.services.database import open_database

    database = open_database(str(tmp_path / "test.sqlite"))
    yield database
    database.close()


@pytest.fixture
def small_dataset(db):
    """The hand-built dataset of tests/fixtures.py, its expected indicators written there."""
    from tests.fixtures import build_small_dataset

    with db.session() as s:
        ids = build_small_dataset(s)
    return ids
