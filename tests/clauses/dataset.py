"""The clauses' hand-built dataset: two marchés on the small dataset's operations (tests/fixtures.py), their lots,
contracts attached to them, and every figure the tests expect, worked out on paper below.

Marché 2021-MC-001 on « Réhabilitation A1 », works 01/07/2021 → 30/06/2022 (365 days):
- lot 1 « Gros œuvre », titulaire Bâtiment Gohelle, 1 000 000 € × 50 % × 5 % ÷ 30 € = 833,33 h → 833 h; penalty
  50 € per missing hour; contracts c1 (100,25 + 50 h) and c2 (151,67 + 140 h) attached.
  At 31/03/2022: 274 days of 365 elapsed → expected 833 × 274/365 = 625,32 h; realised 100,25 + 50 + 151,67 + 140
  = 441,92 h; 441,92 < 625,32 − 10 % → « en retard », shortfall 183,40 h.
  At 31/12/2022: finished; expected 833 h; shortfall 391,08 h; penalty 391,08 × 50 € = 19 554,00 €.
- lot 2 « Menuiseries extérieures », titulaire ETTI du Bassin, 120 h fixed by the marché, its own dates
  01/01/2022 → 31/12/2022 (365 days), nothing realised. At 31/03/2022: 90 days → expected 120 × 90/365 = 29,59 h,
  « en retard », shortfall 29,59 h.
Marché 2023-MC-002 on « Réhabilitation A2 », works 01/01/2023 → 31/12/2024 (731 days):
- lot 1 « Isolation », titulaire Bâtiment Gohelle, 360 000 € with every parameter left to the base's defaults
  (50 %, 5 %, 30 €) = 300 h; contract c4 attached with 150 h in 03/2023 and 150 h in 04/2023.
  At 31/12/2023: 365 days of 731 → expected 300 × 365/731 = 149,79 h; realised 300 h > 149,79 + 10 % →
  « en avance », shortfall 0.

Operations' hours required: A1 typed 1 000 h → its lots' 833 + 120 = 953 h; A2 typed 500,50 h → 300 h; the
territory 1 500,50 h → 1 253 h.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy.orm import Session

from erbm_desk.services.records.writes import save_record
from tests.fixtures import build_small_dataset

AS_OF_RUNNING = date(2022, 3, 31)
AS_OF_FINISHED = date(2022, 12, 31)
AS_OF_AHEAD = date(2023, 12, 31)


def build_clauses_dataset(s: Session) -> dict[str, int]:
    ids = build_small_dataset(s)

    def add(key, entity, **values):
        ids[key] = save_record(s, entity, values).id

    add("m1", "marche", operation_id=ids["op_a1"], reference="2021-MC-001", subject="Réhabilitation de 40 logements",
        owner="Maisons & Cités", notified_on=date(2021, 5, 3), works_start=date(2021, 7, 1),
        works_end=date(2022, 6, 30))
    add("l11", "lot", marche_id=ids["m1"], number="1", label="Gros œuvre", company_id=ids["co_a"],
        amount=D("1000000"), labour_share=D("50"), insertion_rate=D("5"), hourly_cost=D("30"),
        penalty_per_hour=D("50"))
    add("l12", "lot", marche_id=ids["m1"], number="2", label="Menuiseries extérieures", company_id=ids["co_b"],
        hours_stated=D("120"), start_date=date(2022, 1, 1), end_date=date(2022, 12, 31))
    add("m2", "marche", operation_id=ids["op_a2"], reference="2023-MC-002", works_start=date(2023, 1, 1),
        works_end=date(2024, 12, 31))
    add("l21", "lot", marche_id=ids["m2"], number="1", label="Isolation", company_id=ids["co_a"], amount=D("360000"))
    for contract, lot in (("c1", "l11"), ("c2", "l11"), ("c4", "l21")):
        save_record(s, "contract", {"lot_id": ids[lot]}, ids[contract])
    add("h7", "hours_entry", contract_id=ids["c4"], month=date(2023, 3, 1), hours=D("150"))
    add("h8", "hours_entry", contract_id=ids["c4"], month=date(2023, 4, 1), hours=D("150"))
    return ids
