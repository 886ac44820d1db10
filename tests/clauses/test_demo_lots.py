"""The demo's marchés and lots look like a real programme: several lots per operation, titulaires of every kind,
a few lots behind, some finished with a shortfall and most finished without; parameters typed, left to the
base's defaults or replaced by hours the marché states."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from erbm_desk.db.models import Company, Lot, Marche
from erbm_desk.domain.clauses import ClauseStatus
from erbm_desk.domain.enums import CompanyKind
from erbm_desk.domain.reporting import Period
from erbm_desk.services.clauses.obligations import lot_lines
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.reporting.dashboard_data import as_of_date


def test_the_demo_at_scale_1_has_lots_of_every_situation(tmp_path):
    db = open_database(str(tmp_path / "demo.sqlite"))
    with db.session() as s:
        generate_demo(s, seed=1, scale=1)
    with db.session() as s:
        as_of = as_of_date(s, Period())
        lines = lot_lines(s, as_of)
        per_marche = Counter(s.scalars(select(Lot.marche_id)).all())
        marches_per_operation = Counter(s.scalars(select(Marche.operation_id)).all())
        titulaire_kinds = set(s.scalars(select(Company.kind).join(Lot, Lot.company_id == Company.id)).all())
        stated = s.scalar(select(func.count()).select_from(Lot).where(Lot.hours_stated.is_not(None)))
        left_to_defaults = s.scalar(select(func.count()).select_from(Lot).where(Lot.labour_share.is_(None),
                                                                                Lot.hours_stated.is_(None)))
    db.close()
    assert set(per_marche.values()) <= {2, 3, 4} and len(set(per_marche.values())) > 1
    assert set(marches_per_operation.values()) == {1}
    assert titulaire_kinds == set(CompanyKind)
    assert stated > 20 and left_to_defaults > 20
    behind_running = [x for x in lines if x.obligation.status == ClauseStatus.BEHIND and not x.obligation.finished]
    finished = [x for x in lines if x.obligation.finished]
    short = [x for x in finished if x.obligation.shortfall > 0]
    with_penalty = [x for x in short if x.penalty]
    assert len(behind_running) >= 5  # late while the works run: the reminder letters
    assert len(short) >= 5 and len(with_penalty) >= 5  # finished short: attestations with a penalty
    assert len(finished) - len(short) >= 3 * len(short)  # most finished lots met their clause
    behind = sum(x.obligation.status == ClauseStatus.BEHIND for x in lines)
    assert behind < len(lines) / 4  # a few, not most
    assert all(x.obligation.required and x.obligation.required > 0 for x in lines)
