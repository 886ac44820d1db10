"""An import parses each cell with its column's fast parser and does not check the value again against the
column's rules (a quarter of a million rows at 10× scale): so every value a parser accepts must be one the column's
rules accept, whatever the cell held."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from erbm_desk.domain.entities import SPECS, WORKBOOK_ENTITIES
from erbm_desk.services.exchange.cells import parser
from erbm_desk.services.exchange.sheet_format import Role, sheet_columns

HOSTILE_CELLS = [
    "Cité\u202e2024", "Nom\x00caché", "a\u200fb", "ligne\x7f", "\ufffe", "x" * 5000, "  plusieurs   espaces  ",
    "12,5", "1e20", "-3", "31/02/2024", "01/01/1800", "12/9999", "oui", "peut-être", 12.5, 1e300, float("nan"),
    -7, 10**20, True, date(1850, 1, 1), date(2024, 5, 17), datetime(2024, 5, 17, 13, 30), Decimal("1e16"),
]


def _field_columns():
    for entity in WORKBOOK_ENTITIES:
        for col in sheet_columns(SPECS[entity]):
            if col.role is Role.FIELD:
                yield pytest.param(col, id=f"{entity}.{col.key}")


@pytest.mark.parametrize("col", list(_field_columns()))
def test_every_value_a_column_parser_accepts_obeys_the_column_rules(col):
    _, what, _, parse = parser(0, col, [])
    if what != "f":
        return  # references are resolved against records, not parsed
    for cell in HOSTILE_CELLS:
        try:
            value = parse(cell)
        except ValueError:
            continue
        assert col.column.value_problem(value) is None, (cell, value)
