"""The one reporting engine: every figure of `erbm-desk stats`, the dashboard, the Synthèse sheet and the bilan
comes from `report(session, scope, period, by)`.

One pass of five grouped queries (the cités in scope; hours per contract with its person; contracts active in
the period; operations; funding) fills one tally per cité. A group — an EPCI, a commune, the whole scope — is
the union of its cités' tallies, so every grouping of one report costs no query and the groups add up: hours,
contracts, operations, homes and funding of the groups sum to the scope's. People are distinct persons: one
who worked on two cités counts once in each cité and once in their EPCI.

The rules of `domain.reporting` are applied here and nowhere else: a person in scope (a contract in scope with
hours in the period), « moins de 26 ans » at a contract's start, a contract active in the period, homes
delivered in the period. Sums are exact (hours and euros are integer hundredths in the database, Decimal here);
per-person rules run in Python on one row per contract, which stays fast at 10× ERBM scale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Beneficiary, Cite, Commune, Contract, Epci, Funding, HoursEntry, Operation
from erbm_desk.domain.enums import Phase, Sex
from erbm_desk.domain.figures import GroupRow
from erbm_desk.domain.reporting import Indicators, Period, Scope, delivered_in, under_26_at_start
from erbm_desk.services.clauses.required import with_lot_hours
from erbm_desk.services.period_filters import contract_active_in, hours_in
from erbm_desk.services.reporting.scopes import scope_cites, scope_label, scope_operations

ZERO = Decimal("0.00")
GROUPINGS = ("cite", "epci", "commune")


class People:
    """Distinct persons of a group, and those of each public."""

    __slots__ = ("all", "rsa", "young", "women", "deld", "qpv")

    def __init__(self):
        self.all, self.rsa, self.young, self.women, self.deld, self.qpv = set(), set(), set(), set(), set(), set()

    def add(self, pid: int, rsa: bool, young: bool, woman: bool, deld: bool, qpv: bool) -> None:
        self.all.add(pid)
        for wanted, found in ((rsa, self.rsa), (young, self.young), (woman, self.women), (deld, self.deld),
                              (qpv, self.qpv)):
            if wanted:
                found.add(pid)

    def update(self, other: People) -> None:
        for name in self.__slots__:
            getattr(self, name).update(getattr(other, name))


@dataclass
class Tally:
    """The figures of one group while the pass adds them up."""

    hours: Decimal = ZERO
    required: Decimal = ZERO
    people: People = field(default_factory=People)
    contracts: Counter = field(default_factory=Counter)  # (contract type, delivery method) -> contracts
    phases: Counter = field(default_factory=Counter)  # phase -> operations
    homes_planned: int = 0
    homes_in_works: int = 0
    homes_delivered: int = 0
    funding: dict = field(default_factory=dict)  # funder -> euros
    cites: int = 0

    def add(self, other: Tally) -> None:
        self.hours += other.hours
        self.required += other.required
        self.people.update(other.people)
        self.contracts.update(other.contracts)
        self.phases.update(other.phases)
        self.homes_planned += other.homes_planned
        self.homes_in_works += other.homes_in_works
        self.homes_delivered += other.homes_delivered
        for funder, amount in other.funding.items():
            self.funding[funder] = self.funding.get(funder, ZERO) + amount
        self.cites += other.cites

    def row(self, **identity) -> GroupRow:
        p = self.people
        return GroupRow(
            **identity, hours_realised=self.hours, hours_required=self.required, people=len(p.all),
            people_rsa=len(p.rsa), people_under_26=len(p.young), people_women=len(p.women),
            people_deld=len(p.deld), people_qpv=len(p.qpv), contracts=sum(self.contracts.values()),
            operations=sum(self.phases.values()), homes_planned=self.homes_planned,
            homes_in_works=self.homes_in_works, homes_delivered=self.homes_delivered,
            funding=sum(self.funding.values(), ZERO), cites=self.cites,
        )

    def indicators(self, label: str) -> Indicators:
        p = self.people
        by_type: Counter[str] = Counter()
        by_delivery: Counter[str] = Counter()
        for (ctype, method), n in self.contracts.items():
            by_type[ctype.value] += n
            by_delivery[method.value] += n
        funding = {funder.value: amount for funder, amount in sorted(self.funding.items(), key=lambda f: f[0].value)}
        return Indicators(
            scope_label=label, hours_realised=self.hours, hours_required=self.required, people=len(p.all),
            people_rsa=len(p.rsa), people_under_26=len(p.young), people_deld=len(p.deld),
            people_women=len(p.women), people_qpv=len(p.qpv), contracts=sum(by_type.values()),
            contracts_by_type=dict(sorted(by_type.items())), contracts_by_delivery=dict(sorted(by_delivery.items())),
            operations=sum(self.phases.values()),
            operations_by_phase=dict(sorted((phase.value, n) for phase, n in self.phases.items())),
            homes_planned=self.homes_planned, homes_in_works=self.homes_in_works,
            homes_delivered=self.homes_delivered, funding_total=sum(funding.values(), ZERO),
            funding_by_funder=funding,
        )


@dataclass(frozen=True)
class CiteInfo:
    id: int
    name: str
    commune: str
    insee_code: str
    epci_id: int
    epci_siren: str
    epci_short: str
    epci_name: str
    bailleur: str


@dataclass
class Report:
    """The figures of a scope over a period: `total` for the scope, `groups` by the grouping asked for, and any
    other grouping through `grouped` (no query)."""

    scope: Scope
    period: Period
    label: str  # the scope as the user named it (« EPCI CALL »)
    by: str | None
    cites: dict[int, CiteInfo]  # every cité in scope (with or without operations), by EPCI then name
    operations: list[Row]  # the operations in scope, by start date: id, cite_id, name, phase, homes, dates, …
    tallies: dict[int, Tally]  # cité id -> its figures
    operation_ids: Select | None  # the SELECT of the operations in scope (None: the territory)

    @cached_property
    def scope_tally(self) -> Tally:
        total = Tally()
        for tally in self.tallies.values():
            total.add(tally)
        return total

    @property
    def people(self) -> People:
        """The scope's distinct persons (each counted once)."""
        return self.scope_tally.people

    @cached_property
    def total(self) -> Indicators:
        return self.scope_tally.indicators(self.label)

    @property
    def groups(self) -> list[GroupRow]:
        return self.grouped(self.by) if self.by else []

    def grouped(self, by: str) -> list[GroupRow]:
        """One row per cité (by EPCI, then name), per EPCI (by name) or per commune (by INSEE code) in scope."""
        if by == "cite":
            return [self.tallies[cid].row(id=cid, name=c.name, epci=c.epci_short, commune=c.commune,
                                          insee_code=c.insee_code, bailleur=c.bailleur)
                    for cid, c in self.cites.items()]
        if by not in GROUPINGS:
            raise ValueError(f"Regroupement inconnu : {by}")
        merged: dict[int | str, Tally] = {}
        identity: dict[int | str, dict] = {}
        for cid, c in self.cites.items():
            if by == "epci":
                key, named = c.epci_id, dict(id=c.epci_id, name=c.epci_name, epci=c.epci_short)
            else:
                key, named = c.insee_code, dict(id=c.insee_code, name=c.commune, epci=c.epci_short,
                                                commune=c.commune, insee_code=c.insee_code)
            merged.setdefault(key, Tally()).add(self.tallies[cid])
            identity[key] = named
        rows = [merged[key].row(**identity[key]) for key in merged]
        return sorted(rows, key=lambda r: r.name if by == "epci" else r.insee_code)


def report(session: Session, scope: Scope = Scope(), period: Period = Period(), by: str | None = None, *,
           only_cites: list[int] | None = None) -> Report:
    """The figures of `scope` over `period`, grouped `by` None (the scope only), "cite", "epci" or "commune".
    `only_cites`: the territory's tallies of these cités alone (report_cache.py recomputes the cités a write
    touched). Raises ScopeError when the scope names nothing."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"Regroupement inconnu : {by}")
    cite_ids = scope_cites(session, scope)
    if only_cites is not None and scope.kind == "territory":
        cite_ids = select(Cite.id).where(Cite.id.in_(only_cites))
    operation_ids = scope_operations(session, scope) if scope.kind == "operation" else None

    def in_scope(query: Select) -> Select:
        """`query` (joined to Operation) limited to the scope's cités, and to its operation."""
        if cite_ids is not None:
            query = query.where(Operation.cite_id.in_(cite_ids))
        if operation_ids is not None:
            query = query.where(Operation.id.in_(operation_ids))
        return query

    cites = _cites(session, cite_ids)
    tallies = {cid: Tally(cites=1) for cid in cites}
    _add_people(session, period, in_scope, tallies, scoped=cite_ids is not None)
    _add_contracts(session, period, in_scope, tallies)
    operations = session.execute(in_scope(select(
        Operation.id, Operation.cite_id, Operation.name, Operation.phase, Operation.homes, Operation.start_date,
        Operation.end_date, Operation.delivery_date, Operation.hours_required, Operation.energy_before,
        Operation.energy_after,
    )).order_by(Operation.start_date, Operation.id)).all()
    operations = with_lot_hours(session, operations)  # an operation with lots requires the sum of theirs
    for op in operations:
        _add_operation(tallies[op.cite_id], op, period)
    funding_q = in_scope(select(Operation.cite_id, Funding.funder, func.sum(Funding.amount))
                         .join(Operation, Funding.operation_id == Operation.id)
                         .group_by(Operation.cite_id, Funding.funder))
    for cid, funder, amount in session.execute(funding_q):
        tallies[cid].funding[funder] = amount or ZERO
    if operation_ids is None and cite_ids is not None:
        operation_ids = select(Operation.id).where(Operation.cite_id.in_(cite_ids))
    return Report(scope, period, scope_label(session, scope), by, cites, operations, tallies, operation_ids)


def _cites(session: Session, cite_ids: Select | None) -> dict[int, CiteInfo]:
    query = (
        select(Cite.id, Cite.name, Commune.name, Commune.insee_code, Epci.id, Epci.siren, Epci.short_name, Epci.name,
               Bailleur.name)
        .join(Commune, Cite.commune_id == Commune.id)
        .join(Epci, Commune.epci_id == Epci.id)
        .outerjoin(Bailleur, Cite.bailleur_id == Bailleur.id)
        .order_by(Epci.short_name, Cite.name)
    )
    if cite_ids is not None:
        query = query.where(Cite.id.in_(cite_ids))
    return {cid: CiteInfo(cid, name, commune, insee, eid, siren, short, ename, bailleur or "")
            for cid, name, commune, insee, eid, siren, short, ename, bailleur in session.execute(query)}


def _add_people(session: Session, period: Period, in_scope, tallies: dict[int, Tally], scoped: bool) -> None:
    """Hours realised and the persons in scope: one row per contract in scope with hours in the period.

    The hours are summed per contract first (one scan of the (contract_id, month) index), then joined: grouping
    the joined rows instead took 3× as long on SQLite at demo scale 10. A scope narrower than the territory
    sums only its own contracts' hours."""
    sums = select(HoursEntry.contract_id.label("contract_id"), func.sum(HoursEntry.hours).label("hours"))
    if not period.is_whole:
        sums = sums.where(hours_in(period))
    if scoped:
        sums = sums.where(HoursEntry.contract_id.in_(
            in_scope(select(Contract.id).join(Operation, Contract.operation_id == Operation.id))))
    per_contract = sums.group_by(HoursEntry.contract_id).subquery()
    worked = in_scope(
        select(
            Operation.cite_id, Contract.start_date, Contract.age_band, Beneficiary.id, Beneficiary.birth_date,
            Beneficiary.sex, Beneficiary.rsa, Beneficiary.deld, Beneficiary.qpv, per_contract.c.hours,
        )
        .select_from(per_contract)
        .join(Contract, per_contract.c.contract_id == Contract.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .join(Beneficiary, Contract.beneficiary_id == Beneficiary.id)
    )
    for cid, start, band, pid, birth, sex, rsa, deld, qpv, hours in session.execute(worked):
        if not hours:  # a contract whose months of the period hold no hour: its person is not in scope
            continue
        tally = tallies[cid]
        tally.hours += hours
        tally.people.add(pid, bool(rsa), under_26_at_start(birth, start, band), sex == Sex.FEMALE, bool(deld),
                         bool(qpv))


def _add_contracts(session: Session, period: Period, in_scope, tallies: dict[int, Tally]) -> None:
    """Contracts active in the period, by type and delivery method."""
    query = in_scope(
        select(Operation.cite_id, Contract.contract_type, Contract.delivery_method, func.count(Contract.id))
        .join(Operation, Contract.operation_id == Operation.id)
        .group_by(Operation.cite_id, Contract.contract_type, Contract.delivery_method)
    )
    if not period.is_whole:
        query = query.where(contract_active_in(period))
    for cid, ctype, method, n in session.execute(query):
        tallies[cid].contracts[(ctype, method)] += n


def _add_operation(tally: Tally, op: Row, period: Period) -> None:
    homes = op.homes or 0
    tally.phases[op.phase] += 1
    tally.required += op.hours_required or 0
    if op.phase != Phase.ABANDONED:
        tally.homes_planned += homes
    if op.phase == Phase.WORKS:
        tally.homes_in_works += homes
    if delivered_in(op.phase, op.delivery_date, period):
        tally.homes_delivered += homes
