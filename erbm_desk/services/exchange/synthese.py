"""The `Synthèse` sheet: the comité's indicators for the exported perimeter, per EPCI and per cité, as values.

Computing `compute_indicators` once per cité costs a few queries each (seconds at 10× ERBM scale), so the
figures of every group come from one pass over a handful of grouped queries, applying exactly the rules of
`services.indicators` (tests/services/test_excel_synthese.py checks both agree on every cité and EPCI).

In an anonymous workbook the counts of people and contracts are protected as `services.disclosure` does it:
a non-zero count under the threshold (setting `disclosure.threshold`, default 5) is shown « < 5 », and enough
other values are hidden (« s ») that no total can give one back. Here the totals are the sheet's own rows —
each EPCI is the total of its cités, the perimeter the total of its EPCIs, for every count column — so the
rule « never exactly one hidden value in a line (values and its total) » is applied over these linked lines,
until every one holds (`protect_counts`). `disclosure.suppress_small` works on one two-way table whose totals
are sums of its cells; it cannot be used as it is here: the columns of a row are not parts of a whole (a row's
sum means nothing, and hiding for it would hide for nothing), the lines are nested (an EPCI is a value of the
perimeter's line and the total of its cités' line), and a count of people is a count of distinct persons (one
who worked in two cités counts once in their EPCI), not the sum of its parts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.orm import Session

from erbm_desk.db.models import Beneficiary, Cite, Commune, Contract, Epci, Funding, HoursEntry, Operation
from erbm_desk.domain import rules
from erbm_desk.domain.enums import AgeBand, Phase, Sex
from erbm_desk.services.reporting import disclosure
from erbm_desk.services.reporting.indicators import Period

HEADERS = (
    "Niveau", "Nom", "EPCI", "Heures réalisées", "Heures exigées", "Taux de réalisation (%)", "Personnes",
    "dont RSA", "dont moins de 26 ans", "dont femmes", "dont DELD", "dont QPV", "Contrats", "Opérations",
    "Logements prévus", "Logements en travaux", "Logements livrés", "Financements (€)",
)
COUNT_COLUMNS = range(6, 13)  # counts of persons and contracts: protected in anonymous workbooks


@dataclass
class Group:
    hours: Decimal = Decimal("0.00")
    required: Decimal = Decimal("0.00")
    people: dict[int, tuple] = field(default_factory=dict)
    young: set[int] = field(default_factory=set)
    contracts: int = 0
    operations: int = 0
    homes_planned: int = 0
    homes_in_works: int = 0
    homes_delivered: int = 0
    funding: Decimal = Decimal("0.00")

    def row(self, level: str, name: str, epci: str) -> list:
        people = self.people.values()
        rate = None
        if self.required:
            rate = float((self.hours / self.required * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))
        return [
            level, name, epci, self.hours, self.required, rate, len(self.people),
            sum(1 for _, rsa, _, _ in people if rsa), len(self.young),
            sum(1 for sex, *_ in people if sex == Sex.FEMALE), sum(1 for _, _, deld, _ in people if deld),
            sum(1 for *_, qpv in people if qpv), self.contracts, self.operations, self.homes_planned,
            self.homes_in_works, self.homes_delivered, self.funding,
        ]


def _in(column, ids: Select | None):
    return column.in_(ids) if ids is not None else true()


def synthese_rows(session: Session, cite_ids: Select | None, period: Period, scope_name: str,
                  anonymous: bool, threshold: int | None = None) -> list[list]:
    """Rows of the Synthèse sheet: the perimeter, then each EPCI, then each cité (values, not formulas).
    Anonymous: the counts protected by `protect_counts` (threshold: the database's setting unless given)."""
    cites = session.execute(
        select(Cite.id, Cite.name, Commune.epci_id, Epci.short_name)
        .join(Commune, Cite.commune_id == Commune.id).join(Epci, Commune.epci_id == Epci.id)
        .where(_in(Cite.id, cite_ids)).order_by(Epci.short_name, Cite.name)
    ).all()
    epci_of = {cid: epci for cid, _, epci, _ in cites}
    total = Group()
    by_epci: dict[int, Group] = defaultdict(Group)
    by_cite: dict[int, Group] = defaultdict(Group)

    def groups(cite_id: int):
        return total, by_epci[epci_of[cite_id]], by_cite[cite_id]

    hours_q = (
        select(HoursEntry.contract_id, func.sum(HoursEntry.hours))
        .join(Contract, HoursEntry.contract_id == Contract.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .where(_in(Operation.cite_id, cite_ids))
        .group_by(HoursEntry.contract_id)
    )
    if period.start:
        hours_q = hours_q.where(HoursEntry.month >= rules.month_start(period.start))
    if period.end:
        hours_q = hours_q.where(HoursEntry.month <= rules.month_start(period.end))
    hours_by_contract = {cid: h for cid, h in session.execute(hours_q) if h}
    worked = (
        select(Contract.id, Operation.cite_id, Contract.start_date, Contract.age_band, Beneficiary.id,
               Beneficiary.birth_date, Beneficiary.sex, Beneficiary.rsa, Beneficiary.deld, Beneficiary.qpv)
        .join(Beneficiary, Contract.beneficiary_id == Beneficiary.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .where(_in(Operation.cite_id, cite_ids))
    )
    for cid, cite_id, start, band, bid, birth, sex, rsa, deld, qpv in session.execute(worked):
        hours = hours_by_contract.get(cid)
        if hours is None:
            continue
        under = rules.is_under_26(birth, start) if birth else band == AgeBand.UNDER_26
        for g in groups(cite_id):
            g.hours += hours
            g.people[bid] = (sex, rsa, deld, qpv)
            if under:
                g.young.add(bid)

    contracts_q = (
        select(Operation.cite_id, func.count(Contract.id))
        .join(Operation, Contract.operation_id == Operation.id)
        .where(_in(Operation.cite_id, cite_ids)).group_by(Operation.cite_id)
    )
    if period.last_day:
        contracts_q = contracts_q.where(Contract.start_date <= period.last_day)
    if period.first_day:
        contracts_q = contracts_q.where(or_(Contract.end_date.is_(None), Contract.end_date >= period.first_day))
    for cite_id, n in session.execute(contracts_q):
        for g in groups(cite_id):
            g.contracts += n

    ops_q = select(Operation.cite_id, Operation.phase, Operation.homes, Operation.delivery_date,
                   Operation.hours_required).where(_in(Operation.cite_id, cite_ids))
    whole_time = period.start is None and period.end is None
    for cite_id, phase, homes, delivered_on, required in session.execute(ops_q):
        homes = homes or 0
        delivered = phase == Phase.DELIVERED and (
            whole_time or (delivered_on is not None and _day_in(delivered_on, period)))
        for g in groups(cite_id):
            g.operations += 1
            g.required += required or 0
            if phase != Phase.ABANDONED:
                g.homes_planned += homes
            if phase == Phase.WORKS:
                g.homes_in_works += homes
            if delivered:
                g.homes_delivered += homes

    funding_q = (
        select(Operation.cite_id, func.sum(Funding.amount)).join(Operation, Funding.operation_id == Operation.id)
        .where(_in(Operation.cite_id, cite_ids)).group_by(Operation.cite_id)
    )
    for cite_id, amount in session.execute(funding_q):
        for g in groups(cite_id):
            g.funding += amount or 0

    epci_names = {epci: short for _, _, epci, short in cites}
    rows = [total.row("Périmètre", scope_name, "")]
    rows += [by_epci[e].row("EPCI", epci_names[e], epci_names[e]) for e in sorted(epci_names, key=epci_names.get)]
    rows += [by_cite[cid].row("Cité", name, short) for cid, name, _, short in cites]
    if anonymous:
        protect_counts(rows, disclosure.threshold_of(session) if threshold is None else threshold)
    return rows


def total_lines(rows: list[list]) -> list[tuple[list[int], int]]:
    """(indexes of the rows of a line, index of the row that is their total) of the Synthèse rows: each EPCI
    and its cités, the perimeter and its EPCIs."""
    epci_rows = {row[1]: i for i, row in enumerate(rows) if row[0] == "EPCI"}
    lines = [(list(epci_rows.values()), 0)]
    members: dict[str, list[int]] = {name: [] for name in epci_rows}
    for i, row in enumerate(rows):
        if row[0] == "Cité":
            members[row[2]].append(i)
    lines += [(members[name], i) for name, i in epci_rows.items()]
    return lines


def protect_counts(rows: list[list], threshold: int, columns=COUNT_COLUMNS) -> None:
    """Hide, in place, the small counts of `columns` (« < 5 ») and enough others (« s ») that no line of
    `total_lines` has exactly one hidden value: its total minus the shown values never gives a hidden one.
    Shown counts stay numbers. The choice of the complementary value is `disclosure`'s: a value before a total,
    a non-zero one before a zero, then the smallest."""
    lines = total_lines(rows)
    for c in columns:
        values = [row[c] for row in rows]
        small = {i for i, v in enumerate(values) if 0 < v < threshold}
        hidden = set(small)
        changed = True
        while changed:
            changed = False
            for members, total in lines:
                line = [*members, total]
                if sum(1 for i in line if i in hidden) != 1:
                    continue
                candidates = [i for i in line if i not in hidden]
                if candidates:
                    hidden.add(min(candidates, key=lambda i: (i == total, values[i] == 0, values[i], i)))
                    changed = True
        for i in hidden:
            rows[i][c] = f"< {threshold}" if i in small else disclosure.SECRET


def _day_in(day, period: Period) -> bool:
    return (period.first_day is None or day >= period.first_day) and (
        period.last_day is None or day <= period.last_day
    )
