"""The dashboard's series against the hand-built dataset of tests/fixtures.py, worked out by hand."""

from datetime import date
from decimal import Decimal as D

import pytest

from erbm_desk.services.reporting.dashboard_data import (
    commune_shapes,
    dashboard_data,
    data_date,
    epci_outlines,
    group_rows,
)
from erbm_desk.db.models import HoursEntry
from erbm_desk.domain.enums import Phase
from erbm_desk.services.reporting.indicators import Period, Scope, ScopeError


@pytest.fixture
def territory(db, small_dataset):
    with db.session() as s:
        return dashboard_data(s)


def test_kpis_are_those_of_the_indicators(territory):
    ind = territory.indicators
    assert ind.hours_realised == D("477.42") and ind.people == 3
    assert territory.as_of == date(2023, 2, 28)  # end of the last month with hours


def test_cumulative_hours_against_required(territory):
    h = territory.hours
    # From the first to the last month with hours (February 2023 has only 0 h): 13 months.
    assert h.months[0] == date(2022, 1, 1) and h.months[-1] == date(2023, 1, 1) and len(h.months) == 13
    assert h.realised[:3] == [D("100.25"), D("201.67"), D("140")]
    assert h.cumulative[2] == D("441.92") and h.cumulative[-1] == D("477.42")
    assert all(isinstance(v, D) for v in h.cumulative + h.required_cumulative)
    # A1 requires 1000 h over its 13 months 06/2021-06/2022 (76.92 a month, the remainder on the last month);
    # A2 requires 500.50 h in its only known month (it has a start and no end).
    assert h.required_cumulative[0] == D("76.92") * 8  # June 2021 … January 2022
    assert h.required_cumulative[5] == D("1000.00")  # June 2022
    assert h.required_cumulative[-1] == D("1500.50") == h.required_total


def test_people_contracts_phases_funding(territory):
    assert territory.people_by_public == {"Bénéficiaires du RSA": 2, "Moins de 26 ans": 1, "DELD": 2,
                                          "Autres publics": 0}
    assert territory.people_by_sex == {"Femmes": 1, "Hommes": 2}
    assert territory.contracts_by_type == {"CDI": 1, "CDD": 2, "Intérim": 1}
    assert territory.contracts_by_delivery == {"Embauche directe": 3, "Mise à disposition ETTI": 1}
    assert territory.operations_by_phase == {"Études": 1, "Programmée": 0, "En travaux": 1, "Livrée": 1,
                                             "Abandonnée": 0}
    assert territory.funding_by_funder == {"État": D("100000.10"), "Région Hauts-de-France": D("50000"),
                                           "EPCI": D("25000")}


def test_homes_pace_to_2027(territory):
    homes = territory.homes
    assert homes.years == list(range(2017, 2028))
    assert homes.delivered[homes.years.index(2022)] == 40 and sum(homes.delivered) == 40
    assert homes.target == 23_000 and homes.target_label == "objectif ERBM"
    # 40 homes in the 66 months from January 2017 to the last delivery (30/06/2022), whatever the hours typed
    # since; the 22 960 left over the months to come after this one, to the end of 2027.
    today = date.today()
    assert homes.delivered_until == date(2022, 6, 30) and homes.as_of == today
    assert homes.pace_current == D("7.3")
    left = (2027 - today.year) * 12 + 12 - today.month
    assert homes.pace_needed == ((D(22_960) * 12 / left).quantize(D("0.1")) if left > 0 else None)
    assert homes.cumulative[homes.years.index(2022)] == 40
    assert homes.projection[homes.years.index(today.year) - 1] is None


def test_homes_figures_stand_at_the_dates_given():
    """The pace so far up to the last delivery, the pace needed over the months after `as_of`'s."""
    from erbm_desk.services.reporting.homes_pace import homes_pace

    class Op:
        phase, homes, delivery_date = Phase.DELIVERED, 40, date(2022, 6, 30)

    homes = homes_pace([Op()], "territory", (date(2022, 6, 30), date(2024, 12, 2)), 0)
    assert homes.pace_current == D("7.3")  # 40 × 12 / 66
    assert homes.pace_needed == D("7653.3")  # 22 960 × 12 / 36 (2025, 2026 and 2027)
    assert homes.projection_2027 == 62  # 40 + 7,3 × 3
    assert [y for y in homes.years if y > homes.as_of.year] == [2025, 2026, 2027]  # the « nécessaire » bars


def test_typing_a_month_of_hours_moves_no_homes_figure(db, small_dataset):
    with db.session() as s:
        before = dashboard_data(s).homes
        s.add(HoursEntry(contract_id=small_dataset["c1"], month=date(2023, 11, 1), hours=D("150")))
        s.commit()
    with db.session() as s:
        after = dashboard_data(s)
    assert after.as_of == date(2023, 11, 30)  # the hours' date moved …
    assert after.homes == before  # … the homes' figures did not


def test_a_period_that_ended_has_its_years_to_come_after_its_end(db, small_dataset):
    with db.session() as s:
        homes = dashboard_data(s, period=Period(end=date(2022, 12, 1))).homes
    assert homes.as_of == date(2022, 12, 31) and homes.delivered_until == date(2022, 6, 30)
    assert homes.pace_needed == D("4592.0")  # 22 960 × 12 / 60 months of 2023–2027


def test_energy_one_row_per_epci_for_the_territory(territory):
    assert territory.energy_level == "EPCI"
    assert [(r.label, r.before, r.after, r.homes) for r in territory.energy] == [
        ("CALL", D("320.0"), D("110.5"), 40)]


def test_cites_ranked_with_their_own_figures(territory):
    a, b = [c for c in territory.cites if c.name.startswith("Cité Test")]
    assert (a.name, a.hours_realised, a.people, a.people_rsa, a.people_under_26, a.people_women) == (
        "Cité Test A", D("441.92"), 2, 1, 1, 1)
    assert (a.contracts, a.operations, a.homes_planned, a.homes_delivered, a.hours_required, a.funding) == (
        3, 2, 60, 40, D("1500.50"), D("150000.10"))
    assert a.hours_rate == D("29.5")
    assert (b.hours_realised, b.people, b.people_under_26, b.contracts, b.homes_planned, b.funding) == (
        D("35.50"), 1, 0, 1, 30, D("25000"))
    assert territory.cites[0] is a and territory.cites[1] is b  # ranked by hours; seeded cités have none
    assert sum((c.hours_realised for c in territory.cites), D(0)) == territory.indicators.hours_realised


def test_map_values_per_commune(territory):
    m = territory.map
    assert len(m.insee_codes) == 336 and len(m.epcis) == 8
    assert m.values["62498"] == {"hours": D("441.92"), "people": 2, "homes_delivered": 40}  # Lens
    assert m.values["59172"] == {"hours": D("35.50"), "people": 1, "homes_delivered": 0}  # Denain
    assert "59002" not in m.values  # Abscon: no cité
    ids = {c.id for c in m.cites}
    assert {c.id for c in territory.cites} <= ids and all(c.in_scope for c in m.cites)
    assert m.epci_names["246200364"] == "CALL"


def test_cite_scope(db, small_dataset):
    with db.session() as s:
        data = dashboard_data(s, Scope("cite", small_dataset["cite_a"]))
    assert data.indicators.hours_realised == D("441.92")
    assert [c.name for c in data.cites] == ["Cité Test A"]
    assert data.energy_level == "opération" and [r.label for r in data.energy] == ["Réhabilitation A1"]
    assert data.homes.target == 60 and data.homes.target_label == "logements prévus"
    assert data.homes.projection_2027 <= 60  # never more homes than planned
    assert data.map.epcis == ["246200364"]  # the cité's EPCI only
    assert set(data.map.values) == {"62498"}
    inside = {c.id for c in data.map.cites if c.in_scope}
    assert inside == {small_dataset["cite_a"]}
    assert data.label == "Cité Test A — Lens (CALL)"


def test_period_limits_hours_people_and_deliveries(db, small_dataset):
    with db.session() as s:
        feb = dashboard_data(s, period=Period(date(2022, 2, 1), date(2022, 2, 1)))
    assert feb.hours.months == [date(2022, 2, 1)] and feb.hours.cumulative == [D("201.67")]
    a = next(c for c in feb.cites if c.name == "Cité Test A")
    assert a.hours_realised == D("201.67") and a.people == 2 and a.homes_delivered == 0
    assert feb.as_of == date(2022, 2, 28)


def test_group_rows_per_epci(db, small_dataset):
    with db.session() as s:
        epcis, cites = group_rows(s)
    by_short = {e.epci: e for e in epcis}
    assert by_short["CALL"].hours_realised == D("441.92") and by_short["CALL"].people == 2
    assert by_short["CAPH"].people_rsa == 1 and by_short["CAPH"].funding == D("25000")
    assert sum(e.cites for e in epcis) == len(cites)


def test_empty_database_gives_empty_series(db):
    with db.session() as s:
        data = dashboard_data(s)
        assert data_date(s) == date.today()
    assert data.hours.months == [] and data.indicators.people == 0
    assert data.homes.delivered_total == 0 and data.energy == []


def test_unknown_scope(db, small_dataset):
    with db.session() as s, pytest.raises(ScopeError):
        dashboard_data(s, Scope("cite", "Nulle part"))


def test_geography_is_read_once_and_outlines_every_epci():
    shapes = commune_shapes()
    assert len(shapes) == 336 and shapes["62498"].name == "Lens"
    assert commune_shapes() is shapes
    outlines = epci_outlines()
    assert len(outlines) == 8 and all(len(segments) > 20 for segments in outlines.values())


def test_figures_kept_from_another_month_are_computed_again(territory):
    """The pace needed counts the months to come: figures stored last month are not shown as today's."""
    from dataclasses import replace

    from erbm_desk.services.reporting import figures_json

    assert figures_json.loads(figures_json.dumps(territory)).homes == territory.homes
    old = replace(territory, homes=replace(territory.homes, as_of=date(2020, 1, 15)))
    with pytest.raises(ValueError):
        figures_json.loads(figures_json.dumps(old))
