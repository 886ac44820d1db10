"""Energy consumption before and after renovation, homes-weighted, one level below the scope: EPCIs of the
territory, cités of an EPCI or a bailleur, operations of a cité."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from sqlalchemy import Row

from erbm_desk.domain.enums import Phase
from erbm_desk.domain.figures import EnergyRow
from erbm_desk.services.reporting.engine import Report


def _weighted(pairs: list[tuple[Decimal, int]]) -> Decimal | None:
    weight = sum(w for _, w in pairs)
    if not pairs or not weight:
        return None
    return (sum(v * w for v, w in pairs) / weight).quantize(Decimal("0.1"), ROUND_HALF_UP)


def energy_rows(operations: list[Row], key_of: Callable[[Row], int], label_of: Callable[[Row], str]
                ) -> list[EnergyRow]:
    """One row per group `key_of(operation)` (an EPCI, a cité, an operation: its id), labelled `label_of`.
    Operations renovated (both values known) give both means; a group without any renovated operation shows its
    consumption before works only."""
    groups: dict[int, list[Row]] = defaultdict(list)
    for op in operations:
        if op.energy_before is None or op.phase == Phase.ABANDONED:
            continue
        groups[key_of(op)].append(op)
    rows = []
    for ops in groups.values():
        label = label_of(ops[0])
        done = [op for op in ops if op.energy_after is not None]
        basis = done or ops
        rows.append(EnergyRow(
            label=label,
            before=_weighted([(op.energy_before, op.homes or 1) for op in basis]),
            after=_weighted([(op.energy_after, op.homes or 1) for op in done]),
            homes=sum(op.homes or 0 for op in basis),
        ))
    rows.sort(key=lambda r: r.label)
    return rows


def report_energy(r: Report) -> tuple[list[EnergyRow], str]:
    """(rows, what one row is: « EPCI », « cité » or « opération ») for the report's scope."""
    if r.scope.kind == "territory":
        return energy_rows(r.operations, lambda op: r.cites[op.cite_id].epci_id,
                           lambda op: r.cites[op.cite_id].epci_short), "EPCI"
    if r.scope.kind in ("epci", "bailleur"):
        return energy_rows(r.operations, lambda op: op.cite_id, lambda op: r.cites[op.cite_id].name), "cité"
    return operations_energy(r.operations), "opération"


def operations_energy(operations: list[Row]) -> list[EnergyRow]:
    """One row per operation (a cité's page)."""
    return energy_rows(operations, lambda op: op.id, lambda op: op.name)
