"""Existing bases upgrade to marchés and lots without any indicator changing; the demo's lots require exactly
the hours its operations had typed."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import delete, func, select, update

from erbm_desk.db import migrate
from erbm_desk.db.models import Contract, Lot, Marche
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.reporting.engine import report

DATA = Path(__file__).resolve().parent.parent / "data"


def test_a_base_of_schema_0004_upgrades_without_any_lot(tmp_path):
    """Its figures after the upgrade are checked in tests/parcours/test_migration_0006.py (the path's new
    definitions change some of them); the lots take no part in them: the upgrade makes none."""
    base = tmp_path / "base.sqlite"
    shutil.copy(DATA / "base-schema-0004.sqlite", base)
    db = open_database(str(base))  # upgrades, after a backup
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Lot)) == 0
        assert s.scalar(select(func.count()).select_from(Contract).where(Contract.lot_id.is_not(None))) == 0
    db.close()


def test_the_demo_lots_change_no_indicator(tmp_path):
    db = open_database(str(tmp_path / "demo.sqlite"))
    with db.session() as s:
        generate_demo(s, seed=1, scale=1)
    with db.session() as s:
        with_lots = report(s, by="cite")
        assert s.scalar(select(func.count()).select_from(Lot)) > 300
        operations_with_lots = s.scalar(select(func.count(func.distinct(Marche.operation_id))))
    with db.session() as s:  # the same base as the previous version had it: no marché, no lot
        s.execute(update(Contract).values(lot_id=None))
        s.execute(delete(Lot))
        s.execute(delete(Marche))
    with db.session() as s:
        without = report(s, by="cite")
    db.close()
    assert operations_with_lots > 100
    assert with_lots.total.to_json() == without.total.to_json()
    assert [r.hours_required for r in with_lots.groups] == [r.hours_required for r in without.groups]
