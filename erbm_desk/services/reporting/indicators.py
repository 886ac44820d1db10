"""The comité's indicators for a scope (territory, EPCI, cité, bailleur, operation) and a period of months.

Sums are exact (hours and euros are integer hundredths in the database, Decimal here). Everything is
computed from a few grouped queries; per-person rules (« moins de 26 ans » at each contract's start) are
applied in Python on one row per contract, which stays fast at 10× ERBM scale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Beneficiary, Cite, Commune, Contract, Epci, Funding, HoursEntry, Operation
from erbm_desk.domain import rules
from erbm_desk.domain.french import format_int
from erbm_desk.domain.enums import AgeBand, Phase, Sex
from erbm_desk.domain.text import fold

SCOPE_KINDS = ("territory", "epci", "bailleur", "cite", "operation")
SCOPE_LABELS = {
    "territory": "Territoire ERBM",
    "epci": "EPCI",
    "bailleur": "Bailleur",
    "cite": "Cité",
    "operation": "Opération",
}


class ScopeError(ValueError):
    """The scope names nothing in the database (French message)."""


@dataclass(frozen=True)
class Scope:
    kind: str = "territory"
    value: str | int | None = None  # EPCI SIREN or short name; cité/bailleur name or id; operation id

    def __post_init__(self):
        if self.kind not in SCOPE_KINDS:
            raise ScopeError(f"Périmètre inconnu : {self.kind}")


@dataclass(frozen=True)
class Period:
    start: date | None = None  # first month included
    end: date | None = None  # last month included

    def contains_month(self, month: date) -> bool:
        return (self.start is None or month >= self.start) and (self.end is None or month <= self.end)

    @property
    def first_day(self) -> date | None:
        return rules.month_start(self.start) if self.start else None

    @property
    def last_day(self) -> date | None:
        return rules.month_end(self.end) if self.end else None


@dataclass
class Indicators:
    scope_label: str
    hours_realised: Decimal = Decimal("0.00")
    hours_required: Decimal = Decimal("0.00")
    people: int = 0
    people_rsa: int = 0
    people_under_26: int = 0
    people_deld: int = 0
    people_women: int = 0
    people_qpv: int = 0
    contracts: int = 0
    contracts_by_type: dict[str, int] = field(default_factory=dict)
    contracts_by_delivery: dict[str, int] = field(default_factory=dict)
    operations: int = 0
    operations_by_phase: dict[str, int] = field(default_factory=dict)
    homes_planned: int = 0
    homes_in_works: int = 0
    homes_delivered: int = 0
    homes_target: int = rules.TARGET_HOMES
    funding_total: Decimal = Decimal("0.00")
    funding_by_funder: dict[str, Decimal] = field(default_factory=dict)

    @property
    def hours_rate(self) -> Decimal | None:
        """Hours realised as a share of hours required (None when nothing is required)."""
        if not self.hours_required:
            return None
        return (self.hours_realised / self.hours_required * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def sentence(self) -> str:
        return comite_sentence(self.hours_realised, self.people, self.people_rsa, self.people_under_26)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: hours and euros as numbers with at most two decimals."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, Decimal):
                value = _number(value)
            elif isinstance(value, dict):
                value = {k: _number(v) if isinstance(v, Decimal) else v for k, v in value.items()}
            out[key] = value
        out["hours_rate"] = None if self.hours_rate is None else float(self.hours_rate)
        out["sentence"] = self.sentence
        return out


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{format_int(n)} {singular if n < 2 else plural}"


def comite_sentence(hours: Decimal, people: int, rsa: int, under_26: int) -> str:
    """« 710 156 heures d'insertion réalisées par 1 630 personnes dont 735 bénéficiaires du RSA et 458 jeunes
    de moins de 26 ans » (numbers with a no-break space as thousands separator, hours rounded to the unit)."""
    whole = int(Decimal(hours).quantize(Decimal(1), ROUND_HALF_UP))
    return (
        f"{_plural(whole, 'heure', 'heures')} d'insertion {'réalisée' if whole < 2 else 'réalisées'} "
        f"par {_plural(people, 'personne', 'personnes')} dont "
        f"{_plural(rsa, 'bénéficiaire', 'bénéficiaires')} du RSA et "
        f"{_plural(under_26, 'jeune', 'jeunes')} de moins de 26 ans"
    )


def _match_one(session: Session, query: Select, wanted: str | int, what: str) -> list[int]:
    rows = session.execute(query).all()
    if isinstance(wanted, int) or str(wanted).isdigit():
        ids = [r[0] for r in rows if str(r[0]) == str(wanted) or any(str(c) == str(wanted) for c in r[1:])]
    else:
        target = fold(str(wanted))
        ids = [r[0] for r in rows if any(c is not None and fold(str(c)) == target for c in r[1:])]
    if not ids:
        raise ScopeError(f"{what} introuvable : « {wanted} ».")
    return ids


def scope_operations(session: Session, scope: Scope) -> Select | None:
    """A SELECT of the operation ids in scope; None for the whole territory."""
    if scope.kind == "territory":
        return None
    base = select(Operation.id).join(Cite, Operation.cite_id == Cite.id)
    if scope.kind == "epci":
        ids = _match_one(session, select(Epci.id, Epci.siren, Epci.short_name, Epci.name), scope.value, "EPCI")
        return base.join(Commune, Cite.commune_id == Commune.id).where(Commune.epci_id.in_(ids))
    if scope.kind == "bailleur":
        ids = _match_one(session, select(Bailleur.id, Bailleur.name), scope.value, "Bailleur")
        return base.where(Cite.bailleur_id.in_(ids))
    if scope.kind == "cite":
        ids = _match_one(session, select(Cite.id, Cite.name, Cite.uuid), scope.value, "Cité")
        return base.where(Cite.id.in_(ids))
    ids = _match_one(session, select(Operation.id, Operation.uuid), scope.value, "Opération")
    return select(Operation.id).where(Operation.id.in_(ids))


def scope_cites(session: Session, scope: Scope) -> Select | None:
    """A SELECT of the cité ids in scope, with or without operations; None for the whole territory."""
    if scope.kind == "territory":
        return None
    if scope.kind == "operation":
        return select(Operation.cite_id).where(Operation.id.in_(scope_operations(session, scope)))
    if scope.kind == "epci":
        ids = _match_one(session, select(Epci.id, Epci.siren, Epci.short_name, Epci.name), scope.value, "EPCI")
        return select(Cite.id).join(Commune, Cite.commune_id == Commune.id).where(Commune.epci_id.in_(ids))
    if scope.kind == "bailleur":
        ids = _match_one(session, select(Bailleur.id, Bailleur.name), scope.value, "Bailleur")
        return select(Cite.id).where(Cite.bailleur_id.in_(ids))
    ids = _match_one(session, select(Cite.id, Cite.name, Cite.uuid), scope.value, "Cité")
    return select(Cite.id).where(Cite.id.in_(ids))


def scope_label(session: Session, scope: Scope) -> str:
    if scope.kind == "territory":
        return SCOPE_LABELS["territory"]
    return f"{SCOPE_LABELS[scope.kind]} {scope.value}"


def compute_indicators(session: Session, scope: Scope = Scope(), period: Period = Period()) -> Indicators:
    ops = scope_operations(session, scope)
    result = Indicators(scope_label=scope_label(session, scope))

    def in_scope(column):
        return true() if ops is None else column.in_(ops)

    # Hours realised, one row per contract with hours in the period.
    hours_q = (
        select(HoursEntry.contract_id, func.sum(HoursEntry.hours))
        .join(Contract, HoursEntry.contract_id == Contract.id)
        .where(in_scope(Contract.operation_id))
        .group_by(HoursEntry.contract_id)
    )
    if period.start:
        hours_q = hours_q.where(HoursEntry.month >= rules.month_start(period.start))
    if period.end:
        hours_q = hours_q.where(HoursEntry.month <= rules.month_start(period.end))
    hours_by_contract = {cid: total for cid, total in session.execute(hours_q) if total}
    result.hours_realised = sum(hours_by_contract.values(), Decimal("0.00"))

    worked = (
        select(
            Contract.id, Contract.start_date, Contract.age_band, Beneficiary.id, Beneficiary.birth_date,
            Beneficiary.sex, Beneficiary.rsa, Beneficiary.deld, Beneficiary.qpv,
        )
        .join(Beneficiary, Contract.beneficiary_id == Beneficiary.id)
        .where(in_scope(Contract.operation_id))
        .where(Contract.id.in_(hours_q.with_only_columns(HoursEntry.contract_id)))
    )
    people: dict[int, tuple] = {}
    young: set[int] = set()
    for cid, start, band, bid, birth, sex, rsa, deld, qpv in session.execute(worked):
        if cid not in hours_by_contract:
            continue
        people[bid] = (sex, rsa, deld, qpv)
        under = rules.is_under_26(birth, start) if birth else band == AgeBand.UNDER_26
        if under:
            young.add(bid)
    result.people = len(people)
    result.people_under_26 = len(young)
    result.people_women = sum(1 for sex, *_ in people.values() if sex == Sex.FEMALE)
    result.people_rsa = sum(1 for _, rsa, _, _ in people.values() if rsa)
    result.people_deld = sum(1 for _, _, deld, _ in people.values() if deld)
    result.people_qpv = sum(1 for *_, qpv in people.values() if qpv)

    # Contracts whose period overlaps the period asked for.
    contracts_q = select(Contract.contract_type, Contract.delivery_method).where(in_scope(Contract.operation_id))
    if period.last_day:
        contracts_q = contracts_q.where(Contract.start_date <= period.last_day)
    if period.first_day:
        contracts_q = contracts_q.where(or_(Contract.end_date.is_(None), Contract.end_date >= period.first_day))
    by_type: Counter[str] = Counter()
    by_delivery: Counter[str] = Counter()
    for ctype, method in session.execute(contracts_q):
        by_type[ctype.value] += 1
        by_delivery[method.value] += 1
    result.contracts = sum(by_type.values())
    result.contracts_by_type = dict(sorted(by_type.items()))
    result.contracts_by_delivery = dict(sorted(by_delivery.items()))

    # Operations, homes and hours required.
    ops_q = select(Operation.phase, Operation.homes, Operation.delivery_date, Operation.hours_required).where(
        in_scope(Operation.id)
    )
    by_phase: Counter[str] = Counter()
    required = Decimal("0.00")
    for phase, homes, delivered_on, hours_required in session.execute(ops_q):
        by_phase[phase.value] += 1
        required += hours_required or 0
        homes = homes or 0
        if phase != Phase.ABANDONED:
            result.homes_planned += homes
        if phase == Phase.WORKS:
            result.homes_in_works += homes
        if phase == Phase.DELIVERED and (
            (period.start is None and period.end is None)
            or (delivered_on is not None and _day_in(delivered_on, period))
        ):
            result.homes_delivered += homes
    result.operations = sum(by_phase.values())
    result.operations_by_phase = dict(sorted(by_phase.items()))
    result.hours_required = required

    funding_q = (
        select(Funding.funder, func.sum(Funding.amount)).where(in_scope(Funding.operation_id)).group_by(Funding.funder)
    )
    result.funding_by_funder = {f.value: total for f, total in session.execute(funding_q)}
    result.funding_total = sum(result.funding_by_funder.values(), Decimal("0.00"))
    return result


def _day_in(day: date, period: Period) -> bool:
    return (period.first_day is None or day >= period.first_day) and (
        period.last_day is None or day <= period.last_day
    )
