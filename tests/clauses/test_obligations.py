"""Where each lot and each titulaire company stands, on the hand-built dataset (figures in dataset.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from erbm_desk.db.models import Contract, Epci
from erbm_desk.domain.clauses import ClauseStatus, MonthLine, monthly_progress, months_of
from erbm_desk.domain.reporting import Period
from erbm_desk.services.clauses.obligations import ClauseFilter, any_lot, lot_lines, titulaire_lines
from erbm_desk.services.records.writes import RecordInvalid, delete_record, restore_deleted, save_record
from erbm_desk.services.reporting.engine import report
from tests.clauses.dataset import AS_OF_AHEAD, AS_OF_FINISHED, AS_OF_RUNNING


def _by_title(lines):
    return {(line.marche, line.number): line for line in lines}


def test_every_lot_figure_while_the_works_run(db, clauses_dataset):
    with db.session() as s:
        lines = _by_title(lot_lines(s, AS_OF_RUNNING))
    gros_oeuvre, menuiseries, isolation = (lines[("2021-MC-001", "1")], lines[("2021-MC-001", "2")],
                                           lines[("2023-MC-002", "1")])
    ob = gros_oeuvre.obligation
    assert (ob.required, ob.realised, ob.expected, ob.status, ob.shortfall, ob.finished) == (
        D("833"), D("441.92"), D("625.32"), ClauseStatus.BEHIND, D("183.40"), False)
    assert ob.rate == D("53.1")
    assert gros_oeuvre.penalty is None  # only once the works are over
    assert gros_oeuvre.by_month == {
        date(2022, 1, 1): D("100.25"),
        date(2022, 2, 1): D("201.67"),
        date(2022, 3, 1): D("140.00"),
    }
    assert (gros_oeuvre.company, gros_oeuvre.owner, gros_oeuvre.cite, gros_oeuvre.epci) == (
        "Bâtiment Gohelle", "Maisons & Cités", "Cité Test A", "CALL")
    ob = menuiseries.obligation
    assert (ob.required, ob.realised, ob.expected, ob.status, ob.shortfall) == (
        D("120"), D("0"), D("29.59"), ClauseStatus.BEHIND, D("29.59"))
    ob = isolation.obligation  # works not started on 31/03/2022
    assert (ob.required, ob.expected, ob.status, ob.shortfall) == (D("300"), D("0"), ClauseStatus.ON_TRACK, D("0"))


def test_a_lot_month_by_month_realised_cumulated_and_expected_at_each_months_end(db, clauses_dataset):
    with db.session() as s:
        line = _by_title(lot_lines(s, AS_OF_RUNNING))[("2021-MC-001", "1")]
    months = monthly_progress(line, AS_OF_RUNNING)
    # works 01/07/2021 → 30/06/2022 (365 days); 833 h required; the months up to 03/2022, empty ones shown
    assert [m.month for m in months] == [date(2021, m, 1) for m in range(7, 13)] + [date(2022, m, 1)
                                                                                    for m in (1, 2, 3)]
    assert months[0] == MonthLine(date(2021, 7, 1), D("0"), D("0"), D("70.75"))  # 833 × 31/365
    assert months[5] == MonthLine(date(2021, 12, 1), D("0"), D("0"), D("419.92"))  # 833 × 184/365
    assert months[6:] == [
        MonthLine(date(2022, 1, 1), D("100.25"), D("100.25"), D("490.67")),  # 833 × 215/365
        MonthLine(date(2022, 2, 1), D("201.67"), D("301.92"), D("554.57")),  # 833 × 243/365
        MonthLine(date(2022, 3, 1), D("140.00"), D("441.92"), D("625.32")),  # 833 × 274/365: the lot's figure
    ]
    assert months[-1].cumulated == line.obligation.realised and months[-1].expected == line.obligation.expected
    # in the middle of a month, that month is expected up to the date
    assert monthly_progress(line, date(2022, 3, 15))[-1].expected == D("588.81")  # 833 × 258/365


def test_a_titulaires_months_add_up_its_lots(db, clauses_dataset):
    ids = clauses_dataset
    with db.session() as s:
        lines = lot_lines(s, AS_OF_AHEAD, ClauseFilter(company_id=ids["co_a"]))  # « Gros œuvre » and « Isolation »
    months = months_of(lines, AS_OF_AHEAD)
    # from the first lot's first month (07/2021) to the last month of the situation (12/2023), none left out
    assert (months[0].month, months[-1].month, len(months)) == (date(2021, 7, 1), date(2023, 12, 1), 30)
    by_month = {m.month: m for m in months}
    # between the two lots: « Gros œuvre » over (833 h expected), « Isolation » not begun (0 h)
    assert by_month[date(2022, 9, 1)] == MonthLine(date(2022, 9, 1), D("0"), D("441.92"), D("833"))
    # 03/2023: 150 h on « Isolation »; expected 833 + 300 × 90/731 = 833 + 36,94
    assert by_month[date(2023, 3, 1)] == MonthLine(date(2023, 3, 1), D("150"), D("591.92"), D("869.94"))
    # the last month gives the company's figures: 741,92 h realised, 833 + 149,79 h expected
    assert months[-1] == MonthLine(date(2023, 12, 1), D("0"), D("741.92"), D("982.79"))
    assert months[-1].cumulated == sum(line.obligation.realised for line in lines)
    assert months_of(lines[:1], AS_OF_AHEAD) == monthly_progress(lines[0], AS_OF_AHEAD)


def test_a_finished_lot_shows_its_shortfall_and_penalty(db, clauses_dataset):
    with db.session() as s:
        line = _by_title(lot_lines(s, AS_OF_FINISHED))[("2021-MC-001", "1")]
    assert line.obligation.finished
    assert (line.obligation.expected, line.obligation.shortfall, line.penalty) == (D("833"), D("391.08"),
                                                                                 D("19554.00"))


def test_a_lot_ahead(db, clauses_dataset):
    with db.session() as s:
        line = _by_title(lot_lines(s, AS_OF_AHEAD))[("2023-MC-002", "1")]
    ob = line.obligation
    assert (ob.required, ob.realised, ob.expected, ob.status, ob.shortfall) == (
        D("300"), D("300"), D("149.79"), ClauseStatus.AHEAD, D("0"))


def test_lists_filter_by_company_cite_epci_and_status(db, clauses_dataset):
    ids = clauses_dataset
    with db.session() as s:
        by_company = lot_lines(s, AS_OF_RUNNING, ClauseFilter(company_id=ids["co_b"]))
        behind = lot_lines(s, AS_OF_RUNNING, ClauseFilter(status=ClauseStatus.BEHIND))
        by_cite = lot_lines(s, AS_OF_RUNNING, ClauseFilter(cite_id=ids["cite_b"]))
        call = s.scalar(select(Epci.id).where(Epci.short_name == "CALL"))
        in_call = lot_lines(s, AS_OF_RUNNING, ClauseFilter(epci_id=call))
        later = lot_lines(s, AS_OF_RUNNING, ClauseFilter(period=Period(date(2023, 1, 1))))
    assert [line.label for line in by_company] == ["Menuiseries extérieures"]
    assert [line.label for line in behind] == ["Gros œuvre", "Menuiseries extérieures"]
    assert by_cite == []
    assert len(in_call) == 3
    assert [line.label for line in later] == ["Isolation"]


@pytest.mark.parametrize("period", [Period(), Period(date(2023, 1, 1)), Period(date(2026, 1, 1)),
                                    Period(None, date(2021, 6, 1)), Period(date(2022, 12, 1), date(2022, 12, 1))])
def test_whether_a_scope_has_lots_is_known_without_their_hours(db, clauses_dataset, period):
    # the bilan counts its pages (a page for the titulaires when the scope has a lot) before the lots' lines
    ids = clauses_dataset
    with db.session() as s:
        for flt in (ClauseFilter(period=period), ClauseFilter(cite_id=ids["cite_b"], period=period),
                    ClauseFilter(company_id=ids["co_b"], period=period)):
            assert any_lot(s, flt) == bool(lot_lines(s, AS_OF_RUNNING, flt)), flt
        assert any_lot(s, ClauseFilter(period=Period(date(2023, 1, 1))))
        assert not any_lot(s, ClauseFilter(period=Period(date(2026, 1, 1))))  # no works meet it
        with pytest.raises(ValueError):
            any_lot(s, ClauseFilter(status=ClauseStatus.BEHIND))


def test_a_titulaire_company_sums_its_lots(db, clauses_dataset):
    with db.session() as s:
        companies = {c.name: c for c in titulaire_lines(s, AS_OF_RUNNING)}
    gohelle = companies["Bâtiment Gohelle"]
    assert (gohelle.lots, gohelle.lots_behind) == (2, 1)
    ob = gohelle.obligation
    assert (ob.required, ob.realised, ob.expected, ob.shortfall, ob.status) == (
        D("1133"), D("441.92"), D("625.32"), D("183.40"), ClauseStatus.BEHIND)
    assert companies["ETTI du Bassin"].lots_behind == 1


def test_an_operation_with_lots_requires_the_sum_of_its_lots(db, clauses_dataset):
    ids = clauses_dataset
    with db.session() as s:
        r = report(s, by="cite")
        by_operation = {op.id: op.hours_required for op in r.operations}
    assert by_operation[ids["op_a1"]] == D("953")  # typed 1 000 h, lots 833 + 120
    assert by_operation[ids["op_a2"]] == D("300")  # typed 500,50 h, one lot of 300
    assert r.total.hours_required == D("1253")
    assert r.total.hours_realised == D("777.42")  # unchanged: hours are counted by contract, lot or not


def test_a_contract_attaches_only_to_a_lot_of_its_own_operation(db, clauses_dataset):
    ids = clauses_dataset
    with db.session() as s, pytest.raises(RecordInvalid) as caught:
        save_record(s, "contract", {"lot_id": ids["l21"]}, ids["c1"])  # lot of A2, contract on A1
    assert caught.value.errors == {"lot_id": "Ce lot appartient à un marché d'une autre opération que celle du "
                                             "contrat."}


def test_deleting_a_lot_keeps_its_contracts_and_undo_attaches_them_again(db, clauses_dataset):
    ids = clauses_dataset
    with db.session() as s:
        deleted = delete_record(s, "lot", ids["l11"])
    with db.session() as s:
        assert s.get(Contract, ids["c1"]) is not None
        assert s.get(Contract, ids["c1"]).lot_id is None
    with db.session() as s:
        restore_deleted(s, deleted)
    with db.session() as s:
        assert {s.get(Contract, ids[c]).lot_id for c in ("c1", "c2")} == {ids["l11"]}


def test_cli_clauses_json_and_text(db, clauses_dataset, capsys):
    import json

    from erbm_desk.cli.main import main

    if not db.url.startswith("sqlite"):
        pytest.skip("the CLI test uses the SQLite file")
    base = db.url.removeprefix("sqlite:///")
    assert main(["--db", base, "clauses", "--json", "--statut", "en-retard", "--au", "31/03/2022"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2022-03-31"
    assert [(lot["marche"], lot["lot"], lot["required"], lot["realised"], lot["expected"], lot["shortfall"])
            for lot in out["lots"]] == [("2021-MC-001", "1", 833, 441.92, 625.32, 183.4),
                                        ("2021-MC-001", "2", 120, 0, 29.59, 29.59)]
    gros_oeuvre = out["lots"][0]
    assert gros_oeuvre["months"][0] == {"month": "2021-07", "realised": 0, "cumulated": 0, "expected": 70.75}
    assert gros_oeuvre["months"][-1] == {"month": "2022-03", "realised": 140, "cumulated": 441.92,
                                         "expected": 625.32}
    gohelle = next(c for c in out["titulaires"] if c["titulaire"] == "Bâtiment Gohelle")
    assert gohelle["months"] == gros_oeuvre["months"]  # its one lot behind (the status filter keeps only those)
    assert main(["--db", base, "clauses", "--par-entreprise", "--au", "31/03/2022", "--cite", "Cité Test A"]) == 0
    text = capsys.readouterr().out
    assert "Suivi des clauses d'insertion au 31/03/2022 — 2 titulaires" in text
    assert "Bâtiment Gohelle (73282932000074) : 2 lots dont 1 en retard" in text
    assert main(["--db", base, "clauses", "--statut", "en-panne"]) == 2
