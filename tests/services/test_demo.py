from sqlalchemy import func, select

from erbm_desk.db.models import MODELS
from erbm_desk.domain.validation import record_problems
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.reporting.indicators import compute_indicators
from erbm_desk.services.records.writes import row_dict


def _demo(target, seed):
    db = open_database(target)
    with db.session() as s:
        summary = generate_demo(s, seed=seed, scale=0.2)
    with db.session() as s:
        ind = compute_indicators(s).to_json()
    return db, summary, ind


def test_same_seed_same_data_and_realistic_shares(new_target):
    db1, summary1, ind1 = _demo(new_target("a"), 7)
    _db2, summary2, ind2 = _demo(new_target("b"), 7)
    _db3, _summary3, ind3 = _demo(new_target("c"), 8)
    assert summary1 == summary2 and ind1 == ind2
    assert ind1 != ind3
    assert 0.35 < ind1["people_rsa"] / ind1["people"] < 0.55
    assert 0.18 < ind1["people_under_26"] / ind1["people"] < 0.38
    assert summary1.hours_entries > 5 * summary1.contracts
    db1.close()


def test_demo_rows_obey_every_record_rule(new_target):
    db, _summary, _ind = _demo(new_target("a"), 3)
    with db.session() as s:
        for entity in ("cite", "operation", "funding", "company", "beneficiary", "contract"):
            for obj in s.scalars(select(MODELS[entity])):
                assert record_problems(entity, row_dict(obj)) == {}, (entity, obj.id)
    db.close()


def _demo_made_on(target, today):
    db = open_database(target)
    with db.session() as s:
        generate_demo(s, seed=5, scale=0.2, today=today)
    return db


def test_a_fresh_demo_has_nobody_left_to_anonymise_and_the_same_figures(new_target):
    """As a base kept by the retention rule: the paths ended more than 5 years before the day the demo is made
    are already anonymised (pseudonym, age bands on the contracts), so the first start greets nobody with
    people to anonymise — and no figure depends on the day it was made."""
    from datetime import date

    from erbm_desk.db.models import Beneficiary, Contract
    from erbm_desk.services.security.gdpr import due_for_retention

    early = _demo_made_on(new_target("early"), date(2026, 1, 1))
    late = _demo_made_on(new_target("late"), date(2029, 6, 1))
    with early.session() as s:
        assert due_for_retention(s, today=date(2026, 1, 1)) == []
        ind_early = compute_indicators(s).to_json()
        anonymous_early = s.scalar(select(func.count()).where(Beneficiary.last_name.is_(None)))
        assert 0 < anonymous_early < s.scalar(select(func.count()).select_from(Beneficiary))
        pseudonymised = s.scalar(select(Beneficiary).where(Beneficiary.last_name.is_(None)).limit(1))
        assert pseudonymised.pseudonym and pseudonymised.birth_date is None and pseudonymised.first_name is None
        assert all(c.age_band is not None for c in
                   s.scalars(select(Contract).where(Contract.beneficiary_id == pseudonymised.id)))
    with late.session() as s:
        assert due_for_retention(s, today=date(2029, 6, 1)) == []
        assert s.scalar(select(func.count()).where(Beneficiary.last_name.is_(None))) > anonymous_early
        assert compute_indicators(s).to_json() == ind_early
    early.close()
    late.close()
