"""Round trip of the exchange workbook, as a property over random datasets: export → import into an empty
database → export gives the same values in every sheet; the same file imported twice changes nothing; an
anonymous workbook gives exactly the source's indicators."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from erbm_desk.db.models import Bailleur, Cite, Commune
from erbm_desk.domain import rules
from erbm_desk.domain.enums import (
    ActionKind,
    AgeBand,
    CompanyKind,
    ContractType,
    DeliveryMethod,
    ExitOutcome,
    Funder,
    OperationNature,
    Phase,
    Prescriber,
    Sex,
    SixMonthSituation,
)
from erbm_desk.services.database.demo import generate_demo, make_siret
from erbm_desk.services.exchange.model import Status
from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.services.records.writes import save_record
from tests.services.test_excel_support import (
    export,
    fresh_db,
    import_file,
    indicators,
    plan,
    table_dump,
    workbook_values,
)

INSEE = ("62498", "59172", "62413", "59178", "62637")
ALPHABET = "abcdefghijklmnopqrstuvwxyzÉéèêàçôœŒ ÂABCDZ'-=+@&\"«»—€0123456789()/,;."


def _clean(text: str) -> str:
    return " ".join(text.split())


texts = st.text(alphabet=ALPHABET, min_size=1, max_size=24).map(_clean).filter(bool)
money = st.integers(0, 10**10).map(lambda c: Decimal(c) / 100)
hours = st.integers(0, 20_800).map(lambda c: Decimal(c) / 100)
days = st.dates(date(2017, 1, 1), date(2025, 12, 31))


@st.composite
def datasets(draw):
    """A random dataset as a list of records to save (values only; references by position)."""
    seed = draw(st.integers(0, 10**6))
    cites = [dict(name=f"{draw(texts)} {i}", insee=draw(st.sampled_from(INSEE)),
                  bailleur=draw(st.sampled_from((None, "Maisons & Cités", "SIA Habitat"))),
                  homes=draw(st.none() | st.integers(0, 900)), priority=draw(st.booleans()),
                  unesco=draw(st.booleans()), notes=draw(st.none() | texts))
             for i in range(draw(st.integers(0, 2)))]
    seed_edit = draw(st.none() | st.integers(0, 900))  # homes of a seeded cité changed at the source
    ops = []
    for i in range(draw(st.integers(1, 3))):
        start = draw(st.none() | days)
        ops.append(dict(name=f"{draw(texts)} {i}", cite=draw(st.integers(-1, len(cites) - 1)),
                        nature=draw(st.sampled_from(list(OperationNature))), phase=draw(st.sampled_from(list(Phase))),
                        homes=draw(st.none() | st.integers(0, 300)), start_date=start,
                        end_date=None if start is None else draw(st.none() | st.just(start + timedelta(days=400))),
                        delivery_date=draw(st.none() | days), energy_before=draw(st.none() | hours),
                        energy_after=draw(st.none() | hours), hours_required=draw(st.none() | money),
                        notes=draw(st.none() | texts),
                        funders=draw(st.lists(st.sampled_from(list(Funder)), unique=True, max_size=2)),
                        amounts=[draw(money) for _ in range(2)], granted=draw(st.none() | days)))
    companies = [dict(name=draw(texts), kind=draw(st.sampled_from(list(CompanyKind))),
                      insee=draw(st.none() | st.sampled_from(INSEE))) for _ in range(draw(st.integers(1, 2)))]
    people = []
    for i in range(draw(st.integers(1, 3))):
        anonymous = draw(st.booleans()) and i > 0
        people.append(dict(
            anonymous=anonymous, last=f"{draw(texts)}{i}", first=draw(texts),
            birth=date(draw(st.integers(1946, 2006)), draw(st.integers(1, 12)), draw(st.integers(1, 28))),
            sex=draw(st.sampled_from(list(Sex))), insee=draw(st.none() | st.sampled_from(INSEE)),
            flags=draw(st.lists(st.booleans(), min_size=7, max_size=7)),
            prescriber=draw(st.none() | st.sampled_from(list(Prescriber))), entry=draw(st.none() | days),
            checked=draw(days), exit_outcome=draw(st.none() | st.sampled_from(list(ExitOutcome))),
            exit_date=draw(days), situation=draw(st.none() | st.sampled_from(list(SixMonthSituation))),
            action=draw(st.none() | st.sampled_from(list(ActionKind))), note=draw(st.none() | texts)))
    contracts = []
    for i in range(draw(st.integers(0, 4))):
        start = draw(days)
        months = draw(st.integers(1, 14))
        contracts.append(dict(
            person=draw(st.integers(0, len(people) - 1)), company=draw(st.integers(0, len(companies) - 1)),
            op=draw(st.integers(0, len(ops) - 1)), start=start + timedelta(days=i),
            months=months, open_ended=draw(st.booleans()),
            type=draw(st.sampled_from(list(ContractType))), method=draw(st.sampled_from(list(DeliveryMethod))),
            planned=draw(st.none() | money), band=draw(st.sampled_from(list(AgeBand))),
            hours=draw(st.lists(hours, max_size=min(months, 4)))))
    return dict(seed=seed, cites=cites, seed_edit=seed_edit, ops=ops, companies=companies, people=people,
                contracts=contracts)


def build(s, data) -> None:
    rng = random.Random(data["seed"])
    communes = dict(s.execute(select(Commune.insee_code, Commune.id)).all())
    bailleurs = dict(s.execute(select(Bailleur.name, Bailleur.id)).all())
    seeded = s.scalars(select(Cite.id).order_by(Cite.id)).all()
    if data["seed_edit"] is not None:
        save_record(s, "cite", {"homes": data["seed_edit"], "notes": "modifiée = ici"}, seeded[0])
    cite_ids = []
    for c in data["cites"]:
        cite_ids.append(save_record(s, "cite", dict(
            name=c["name"], commune_id=communes[c["insee"]], bailleur_id=bailleurs.get(c["bailleur"]),
            homes=c["homes"], priority=c["priority"], unesco=c["unesco"], notes=c["notes"])).id)
    op_ids = []
    for o in data["ops"]:
        cite = cite_ids[o["cite"]] if o["cite"] >= 0 else seeded[1]
        op = save_record(s, "operation", dict(
            name=o["name"], cite_id=cite, nature=o["nature"], phase=o["phase"], homes=o["homes"],
            start_date=o["start_date"], end_date=o["end_date"], delivery_date=o["delivery_date"],
            energy_before=o["energy_before"], energy_after=o["energy_after"], hours_required=o["hours_required"],
            notes=o["notes"]))
        op_ids.append(op.id)
        for funder, amount in zip(o["funders"], o["amounts"]):
            save_record(s, "funding", dict(operation_id=op.id, funder=funder, amount=amount, granted_on=o["granted"]))
    company_ids = []
    for c in data["companies"]:
        company_ids.append(save_record(s, "company", dict(
            name=c["name"], siret=make_siret(rng), kind=c["kind"],
            commune_id=communes.get(c["insee"]) if c["insee"] else None)).id)
    people = []
    for i, p in enumerate(data["people"]):
        identity = {} if p["anonymous"] else dict(last_name=p["last"], first_name=p["first"], birth_date=p["birth"])
        f = p["flags"]
        person = save_record(s, "beneficiary", dict(
            **identity, pseudonym=f"P-{data['seed']}-{i}" if p["anonymous"] else None, sex=p["sex"],
            commune_id=communes.get(p["insee"]) if p["insee"] else None, entry_date=p["entry"]))
        save_record(s, "eligibility_check", dict(
            beneficiary_id=person.id, check_date=p["checked"], qpv=f[0], rsa=f[1], deld=f[2], detld=f[3], rqth=f[4],
            ass_aah=f[5], low_qualification=f[6], prescriber=p["prescriber"], validated_by=p["note"]))
        if p["exit_outcome"] is not None:
            save_record(s, "path_exit", dict(beneficiary_id=person.id, exit_date=p["exit_date"],
                                             outcome=p["exit_outcome"], situation_6m=p["situation"]))
        if p["action"] is not None:
            save_record(s, "followup_action", dict(beneficiary_id=person.id, action_date=p["checked"],
                                                   kind=p["action"], note=p["note"], in_charge=p["note"]))
        people.append((person.id, p["anonymous"]))
    seen = set()
    for c in data["contracts"]:
        person, anonymous = people[c["person"]]
        start = c["start"]
        key = (person, c["company"], c["op"], start)
        if key in seen:  # the same contract twice is refused (natural key): keep the first
            continue
        seen.add(key)
        last_month = date(start.year + (start.month + c["months"] - 2) // 12, (start.month + c["months"] - 2) % 12 + 1, 1)
        contract = save_record(s, "contract", dict(
            beneficiary_id=person, company_id=company_ids[c["company"]], operation_id=op_ids[c["op"]],
            contract_type=c["type"], delivery_method=c["method"], start_date=start,
            end_date=None if c["open_ended"] else rules.month_end(last_month), hours_planned=c["planned"],
            age_band=c["band"] if anonymous else None))
        month = rules.month_start(start)
        for h in c["hours"]:
            save_record(s, "hours_entry", dict(contract_id=contract.id, month=month, hours=h))
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)


SLOW = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SLOW
@given(data=datasets(), anonymous=st.booleans())
def test_export_import_export_gives_the_same_workbook(tmp_path_factory, data, anonymous):
    folder = tmp_path_factory.mktemp("roundtrip")
    source = fresh_db(folder, "source")
    with source.session() as s:
        build(s, data)
    first = export(source, folder / "first.xlsx", anonymous=anonymous)
    copy = fresh_db(folder, "copy")
    p = import_file(copy, first)
    assert not p.conflicts and not p.notices
    second = export(copy, folder / "second.xlsx", anonymous=anonymous)
    a, b = workbook_values(first), workbook_values(second)
    assert a.keys() == b.keys()
    for sheet in a:
        assert a[sheet] == b[sheet], sheet
    assert indicators(source) == indicators(copy)
    again = plan(copy, first)  # and the copy, offered the same file again, has nothing to do
    assert again.ok and {s for s in Status if again.count(s)} <= {Status.UNCHANGED}
    source.close()
    copy.close()


def test_importing_the_same_file_twice_changes_nothing(tmp_path, small_dataset, db):
    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    own = plan(db, path)  # its own export: everything is already there
    assert own.ok and own.count(Status.UNCHANGED) == 44 and own.writes == 0  # 18 cités, 26 others (4 checks)
    other = fresh_db(tmp_path, "other")
    import_file(other, path)
    before = table_dump(other)
    second = import_file(other, path)
    assert {s: second.count(s) for s in Status if second.count(s)} == {Status.UNCHANGED: second.count(Status.UNCHANGED)}
    assert table_dump(other) == before  # ids, values, updated_at and versions untouched
    other.close()


@pytest.mark.slow
def test_anonymous_workbook_gives_the_same_indicators_on_every_scope(tmp_path):
    source = fresh_db(tmp_path, "demo")
    with source.session() as s:
        generate_demo(s, seed=3, scale=0.2)
    path = export(source, tmp_path / "anonymous.xlsx")
    values = workbook_values(path)
    header = values["Bénéficiaires"][0]
    assert "Nom" not in header and "Prénom" not in header and "Date de naissance" not in header
    comite = fresh_db(tmp_path, "comite")
    import_file(comite, path)
    scopes = [Scope(), Scope("epci", "CALL"), Scope("bailleur", "SIA Habitat"), Scope("cite", "Cité Bernard")]
    periods = [Period(), Period(date(2021, 1, 1), date(2022, 12, 1))]
    for scope in scopes:
        for period in periods:
            assert indicators(source, scope, period) == indicators(comite, scope, period), (scope, period)
    source.close()
    comite.close()
