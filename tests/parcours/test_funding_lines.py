"""Several funding lines per funder on one operation, told apart by their grant date — and an undated line is one
line too: typed twice in the window, or sent twice in a workbook without identifiers, it is not doubled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import Funding
from erbm_desk.domain.enums import Funder
from erbm_desk.domain.reporting import Period
from erbm_desk.services.exchange.model import Status
from erbm_desk.services.records.writes import RecordInvalid, save_record
from erbm_desk.services.reporting.indicators import compute_indicators
from tests.services.test_excel_support import import_file, plan

DUPLICATE = "Ce financeur a déjà une ligne de financement à cette date sur cette opération."


def _lines(db) -> list[tuple]:
    with db.session() as s:
        return s.execute(select(Funding.funder, Funding.amount, Funding.granted_on)
                         .order_by(Funding.funder, Funding.granted_on)).all()


def test_a_second_tranche_is_taken_the_same_date_or_a_second_undated_line_is_refused(db, path_dataset):
    bh, bs = path_dataset["BH"], path_dataset["BS"]  # BH: État on 10/02/2024 and 01/03/2025; BS: Région undated
    with db.session() as s:
        save_record(s, "funding", {"operation_id": bh, "funder": Funder.STATE, "amount": Decimal(25000),
                                   "granted_on": date(2025, 9, 1)})  # a third tranche
        for values in ({"operation_id": bh, "funder": Funder.STATE, "amount": Decimal(1), "granted_on":
                        date(2025, 3, 1)},
                       {"operation_id": bs, "funder": Funder.REGION, "amount": Decimal(30000)}):
            with pytest.raises(RecordInvalid) as refused:
                save_record(s, "funding", values)
            assert refused.value.errors == {"operation_id": DUPLICATE}
        save_record(s, "funding", {"operation_id": bs, "funder": Funder.REGION, "amount": Decimal(5000),
                                   "granted_on": date(2025, 2, 1)})  # dated: a tranche of its own
    with db.session() as s:
        assert compute_indicators(s).funding_by_funder == {"etat": Decimal(175000), "region": Decimal(35000)}
        assert compute_indicators(s, period=Period(date(2025, 1, 1), date(2025, 12, 1))).funding_by_funder == {
            "etat": Decimal(75000), "region": Decimal(5000)}


def _hand_made(path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in (
        ("Cités", [["Nom de la cité", "Commune", "Logements"], ["Cité Nouvelle", "Lens", 12]]),
        ("Opérations", [["Intitulé", "Cité", "Nature", "Phase"],
                        ["Réhabilitation X", "Cité Nouvelle", "réhabilitation", "en travaux"]]),
        ("Financements", [["Opération", "Financeur", "Montant (€)", "Date d'attribution"],
                          ["Réhabilitation X", "État", "100 000", "10/02/2024"],
                          ["Réhabilitation X", "État", "50 000", "01/03/2025"],
                          ["Réhabilitation X", "Région", "30 000", None]]),
    ):
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_a_workbook_sent_twice_does_not_double_an_undated_line(tmp_path, db):
    path = _hand_made(tmp_path / "financements.xlsx")
    first = import_file(db, path)
    assert first.count(Status.ERROR) == 0
    assert _lines(db) == [(Funder.STATE, Decimal(100000), date(2024, 2, 10)),
                          (Funder.STATE, Decimal(50000), date(2025, 3, 1)),
                          (Funder.REGION, Decimal(30000), None)]
    again = plan(db, path)  # no identifiers in it: matched by operation, funder and date — none is a value
    assert again.ok and again.writes == 0 and again.count(Status.UNCHANGED) == 5
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Funding)) == 3
