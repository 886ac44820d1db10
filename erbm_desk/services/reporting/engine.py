"""The one reporting engine: every figure of `erbm-desk stats`, the dashboard, the Synthèse sheet and the bilan
comes from `report(session, scope, period, by)`.

One pass of grouped queries (the cités in scope; hours per contract with its person and company; the persons'
entry facts; contracts active in the period; operations; funding; exits) fills one tally per cité. A group — an EPCI, a commune, the whole scope — is
the union of its cités' tallies, so every grouping of one report costs no query and the groups add up: hours,
contracts, operations, homes and funding of the groups sum to the scope's. People are distinct persons: one
who worked on two cités counts once in each cité and once in their EPCI.

The rules of `domain.reporting` and `domain.parcours` are applied here and nowhere else: a person in scope (a
contract in scope with hours in the period) and their publics at entry into the clause (`person_facts`), a
contract active in the period, hours required spread over the months of works, homes delivered and funding
granted in the period, exits of the period (`exits`), the data that keep a figure from being complete
(`data_problems`). Sums are exact (hours and euros are integer hundredths in the database, Decimal here);
per-person rules run in Python on one row per contract, which stays fast at 10× ERBM scale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import attrgetter

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Cite, Commune, Company, Contract, Epci, Funding, HoursEntry, Operation
from erbm_desk.domain.enums import CompanyKind, Phase
from erbm_desk.domain.figures import GroupRow
from erbm_desk.domain.parcours import PUBLIC_CODES
from erbm_desk.domain.reporting import Indicators, Period, Scope, delivered_in, required_in, works_months
from erbm_desk.services.clauses.required import with_lot_hours
from erbm_desk.services.period_filters import contract_active_in, granted_in, hours_in
from erbm_desk.services.reporting.data_problems import data_problems
from erbm_desk.services.reporting.exits import add_exits
from erbm_desk.services.parcours.person_facts import PersonFacts, person_facts
from erbm_desk.services.reporting.scopes import canonical_scope, scope_cites, scope_label, scope_operations

ZERO = Decimal("0.00")
GROUPINGS = ("cite", "epci", "commune")


class People:
    """Distinct persons of a group, and those of each public (domain/parcours.py: at entry into the clause)."""

    __slots__ = ("all", "by_public", "unchecked")

    def __init__(self):
        self.all: set[int] = set()
        self.by_public: dict[str, set[int]] = {code: set() for code in PUBLIC_CODES}
        self.unchecked: set[int] = set()  # without any eligibility check: in no public of a criterion

    def add(self, pid: int, facts: PersonFacts) -> None:
        self.all.add(pid)
        for code in facts.publics:
            self.by_public[code].add(pid)
        if not facts.checked:
            self.unchecked.add(pid)

    def update(self, other: People) -> None:
        self.all.update(other.all)
        for code, found in other.by_public.items():
            self.by_public[code].update(found)
        self.unchecked.update(other.unchecked)

    # the publics the comité sentence and the first charts name
    rsa = property(lambda self: self.by_public["rsa"])
    young = property(lambda self: self.by_public["under_26"])
    women = property(lambda self: self.by_public["women"])
    deld = property(lambda self: self.by_public["deld"])
    qpv = property(lambda self: self.by_public["qpv"])


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
    contracts_with_hours: int = 0
    hours_by_public: Counter = field(default_factory=Counter)  # public code -> hours of its persons
    hours_by_kind: Counter = field(default_factory=Counter)  # company kind -> hours
    people_by_kind: dict = field(default_factory=dict)  # company kind -> persons who worked there
    exits: dict = field(default_factory=dict)  # exit id -> exits.ExitFact
    # the row's figures once read: a tally is read only once its pass is over, and kept across the dashboard's
    # updates for the cités a write did not touch (report_cache.py), so their rows cost nothing again
    figures: dict | None = field(default=None, repr=False, compare=False)

    def add(self, other: Tally) -> None:
        self.figures = None
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
        self.contracts_with_hours += other.contracts_with_hours
        self.hours_by_public.update(other.hours_by_public)
        self.hours_by_kind.update(other.hours_by_kind)
        for kind, found in other.people_by_kind.items():
            self.people_by_kind.setdefault(kind, set()).update(found)
        self.exits.update(other.exits)

    def path_figures(self) -> dict:
        """The figures of the person's path (publics, company kinds, exits), as Indicators and GroupRow name them."""
        p = self.people
        exits = self.exits.values()
        outcomes: Counter[str] = Counter(map(attrgetter("outcome"), exits))
        situations: Counter[str] = Counter(filter(None, map(attrgetter("situation"), exits)))
        return dict(
            contracts_with_hours=self.contracts_with_hours,
            people_by_public={code: len(found) for code, found in p.by_public.items()},
            hours_by_public={code: self.hours_by_public.get(code, ZERO) for code in PUBLIC_CODES},
            people_by_company_kind={k.value: len(found) for k, found in sorted(self.people_by_kind.items())},
            hours_by_company_kind={k.value: h for k, h in sorted(self.hours_by_kind.items())},
            exits=len(self.exits), exits_by_outcome=dict(sorted(outcomes.items())),
            situations_due=sum(map(attrgetter("due"), exits)),
            situations_by_kind=dict(sorted(situations.items())),
        )

    def row(self, **identity) -> GroupRow:
        if self.figures is None:
            p = self.people
            self.figures = dict(
                hours_realised=self.hours, hours_required=self.required, people=len(p.all),
                people_rsa=len(p.rsa), people_under_26=len(p.young), people_women=len(p.women),
                people_deld=len(p.deld), people_qpv=len(p.qpv), contracts=sum(self.contracts.values()),
                operations=sum(self.phases.values()), homes_planned=self.homes_planned,
                homes_in_works=self.homes_in_works, homes_delivered=self.homes_delivered,
                funding=sum(self.funding.values(), ZERO), cites=self.cites, **self.path_figures(),
            )
        return GroupRow(**identity, **self.figures)

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
            funding_by_funder=funding, **self.path_figures(),
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
    session: Session | None = field(default=None, repr=False)  # for the data problems, read when first asked
    # the tallies of groups of several cités, by their cités' ids: built once per report, and handed on by the
    # dashboard's update to the next report for the groups whose cités a write did not touch (report_cache.py)
    merged: dict[tuple[int, ...], Tally] = field(default_factory=dict, repr=False)

    @cached_property
    def scope_tally(self) -> Tally:
        # the sum of the EPCIs' sums: after a write on one cité, only its EPCI's sum is made again (`merged`)
        by_epci: dict[int, list[int]] = {}
        for cid, c in self.cites.items():
            by_epci.setdefault(c.epci_id, []).append(cid)
        total = Tally()
        for cids in by_epci.values():
            total.add(self._group_tally(cids))
        return total

    @property
    def people(self) -> People:
        """The scope's distinct persons (each counted once)."""
        return self.scope_tally.people

    @cached_property
    def total(self) -> Indicators:
        total = self.scope_tally.indicators(self.label)
        total.data_problems = self.data_problems
        return total

    @cached_property
    def data_problems(self) -> list[str]:
        """What keeps the figures from being complete (undated records, persons without a check), in French."""
        return data_problems(self.session, self.operations, self.operation_ids, len(self.people.unchecked))

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
        members: dict[int | str, list[int]] = {}
        identity: dict[int | str, dict] = {}
        for cid, c in self.cites.items():
            if by == "epci":
                key, named = c.epci_id, dict(id=c.epci_id, name=c.epci_name, epci=c.epci_short)
            else:
                key, named = c.insee_code, dict(id=c.insee_code, name=c.commune, epci=c.epci_short,
                                                commune=c.commune, insee_code=c.insee_code)
            members.setdefault(key, []).append(cid)
            identity[key] = named
        rows = [self._group_tally(cids).row(**identity[key]) for key, cids in members.items()]
        return sorted(rows, key=lambda r: r.name if by == "epci" else r.insee_code)

    def _group_tally(self, cids: list[int]) -> Tally:
        if len(cids) == 1:  # a group of one cité has that cité's figures (the map's communes, mostly)
            return self.tallies[cids[0]]
        group = self.merged.get(tuple(cids))
        if group is None:
            group = self.merged[tuple(cids)] = Tally()
            for cid in cids:
                group.add(self.tallies[cid])
        return group


def report(session: Session, scope: Scope = Scope(), period: Period = Period(), by: str | None = None, *,
           only_cites: list[int] | None = None) -> Report:
    """The figures of `scope` over `period`, grouped `by` None (the scope only), "cite", "epci" or "commune".
    `only_cites`: the territory's tallies of these cités alone (report_cache.py recomputes the cités a write
    touched). Raises ScopeError when the scope names nothing."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"Regroupement inconnu : {by}")
    scope = canonical_scope(session, scope)
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
    funding_q = funding_q.where(granted_in(period))
    for cid, funder, amount in session.execute(funding_q):
        tallies[cid].funding[funder] = amount or ZERO
    add_exits(session, period, in_scope, tallies)
    if operation_ids is None and cite_ids is not None:
        operation_ids = select(Operation.id).where(Operation.cite_id.in_(cite_ids))
    return Report(scope, period, scope_label(session, scope), by, cites, operations, tallies, operation_ids,
                  session)


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
    sums only its own contracts' hours. A person's publics are those of their entry into the clause, read once
    for the whole database (`person_facts`), never from this scope's or this period's contracts."""
    sums = select(HoursEntry.contract_id.label("contract_id"), func.sum(HoursEntry.hours).label("hours"))
    if not period.is_whole:
        sums = sums.where(hours_in(period))
    if scoped:
        sums = sums.where(HoursEntry.contract_id.in_(
            in_scope(select(Contract.id).join(Operation, Contract.operation_id == Operation.id))))
    per_contract = sums.group_by(HoursEntry.contract_id).subquery()
    worked = in_scope(
        select(Operation.cite_id, Contract.beneficiary_id, Company.kind, per_contract.c.hours)
        .select_from(per_contract)
        .join(Contract, per_contract.c.contract_id == Contract.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .join(Company, Contract.company_id == Company.id)
    )
    rows = [row for row in session.execute(worked) if row[3]]  # a contract without hours: its person is not in scope
    people = None if not scoped and period.is_whole else \
        select(Contract.beneficiary_id).where(Contract.id.in_(select(per_contract.c.contract_id)))
    facts = person_facts(session, people)
    for cid, pid, kind, hours in rows:
        add_worked(tallies[cid], pid, facts[pid], kind, hours)


def add_worked(tally: Tally, pid: int, facts: PersonFacts, kind: CompanyKind, hours: Decimal) -> None:
    """One contract with hours in the period: its hours, its person and their publics, its company's kind."""
    tally.hours += hours
    tally.contracts_with_hours += 1
    tally.people.add(pid, facts)
    for code in facts.publics:
        tally.hours_by_public[code] += hours
    tally.hours_by_kind[kind] += hours
    tally.people_by_kind.setdefault(kind, set()).add(pid)


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
    tally.required += required_in(op.hours_required, op.phase,
                                  works_months(op.start_date, op.end_date, op.delivery_date), period)
    if op.phase != Phase.ABANDONED:
        tally.homes_planned += homes
    if op.phase == Phase.WORKS:
        tally.homes_in_works += homes
    if delivered_in(op.phase, op.delivery_date, period):
        tally.homes_delivered += homes
