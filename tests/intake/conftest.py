"""Fixtures of the import of people's own workbooks: a database on SQLite only (the layouts), helpers that run the
wizard's steps as the CLI does, and the story every layout holds (tests/intake/workbooks.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import MODELS


@pytest.fixture
def sqlite_db(tmp_path):
    """An open SQLite database with the reference data (most layout tests need no second backend)."""
    from erbm_desk.services.database.opening import open_database

    database = open_database(str(tmp_path / "base.sqlite"))
    yield database
    database.close()


def counts(db) -> dict[str, int]:
    with db.sessions() as s:
        return {name: s.scalar(select(func.count()).select_from(model))
                for name, model in MODELS.items() if name not in ("epci", "commune")}


def review_of(db, intake):
    from erbm_desk.services.exchange.mapping.intake import review

    with db.sessions() as s:
        return review(s, intake)


def bring_in(db, path, saved=(), save_as=None):
    """Open, review and apply a file as `import --mapping auto` does; (intake, review, summary)."""
    from erbm_desk.services.exchange.mapping.intake import Intake, analyse, apply_review, review

    intake = Intake.open(path, saved)
    with db.sessions() as s:
        analysis = analyse(s, intake)
        assert not analysis.gaps, [g.message for g in analysis.gaps]
        result = review(s, intake, analysis)
    assert result.ok, [str(p) for p in result.problems]
    summary = apply_review(db, intake, result, save_as=save_as)
    return intake, result, summary


def indicators(db):
    from erbm_desk.services.reporting.indicators import compute_indicators

    with db.sessions() as s:
        return compute_indicators(s)


@pytest.fixture
def small_dataset_file(tmp_path, db, small_dataset):
    """Our own exchange workbook of the hand-built dataset (tests/fixtures.py), exported from another base."""
    from erbm_desk.services.exchange import ExportOptions, export_workbook

    path = tmp_path / "echange.xlsx"
    with db.session() as s:
        export_workbook(s, path, ExportOptions(anonymous=False))
    return path
