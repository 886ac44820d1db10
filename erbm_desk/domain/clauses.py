"""The insertion clause of a works contract's lot, written once. Pure Python, no I/O.

A lot owes **hours required** = amount HT × share of labour × insertion rate ÷ hourly cost, rounded to the
nearest whole hour (half an hour and more rounds up: 833,33 h → 833 h, 833,5 h → 834 h), unless the marché
states the number of hours itself (that figure is taken as it is). A parameter the lot leaves blank takes the
base's default (`ClauseDefaults`, settings of the database).

At a date, the lot is expected to have done **hours expected to date** = hours required × the elapsed share of
its works period (days elapsed, the first and the date itself included, over the days of the period), to the
hundredth. Its **status** compares the hours realised with that expectation, with a tolerance (a setting, in
percent of the hours expected): below it « en retard », above it « en avance », within it « dans les temps ».
A titulaire company's obligation is the sum of its lots': hours missing on its lots add up (one lot's hours do
not make up for another's) and it is « en retard » as soon as one of its lots is.
The **shortfall** is what is missing against the expectation (never negative); once the works period is over it
is the hours missing against the hours required, and the **penalty** is that shortfall × the lot's penalty per
missing hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from erbm_desk.domain.enums import LabelledEnum
from erbm_desk.domain.rules import month_end, month_start

ZERO = Decimal("0.00")
HUNDREDTH = Decimal("0.01")
HUNDRED = Decimal(100)


class ClauseStatus(LabelledEnum):
    AHEAD = "en-avance", "En avance"
    ON_TRACK = "dans-les-temps", "Dans les temps"
    BEHIND = "en-retard", "En retard"


@dataclass(frozen=True)
class ClauseDefaults:
    """The base's defaults for what a lot leaves blank, and the tolerance of the status (all in the units typed:
    percent, euros)."""

    labour_share: Decimal = Decimal("50")  # % of the amount
    insertion_rate: Decimal = Decimal("5")  # % of the hours of labour
    hourly_cost: Decimal = Decimal("30")  # € per hour of labour
    tolerance: Decimal = Decimal("10")  # % of the hours expected


@dataclass(frozen=True)
class ClauseTerms:
    """What a lot's clause says, as typed (None: blank)."""

    amount: Decimal | None = None
    labour_share: Decimal | None = None
    insertion_rate: Decimal | None = None
    hourly_cost: Decimal | None = None
    hours_stated: Decimal | None = None
    penalty_per_hour: Decimal | None = None

    def effective(self, defaults: ClauseDefaults) -> ClauseTerms:
        """The terms with the base's defaults in place of the blank parameters."""
        return ClauseTerms(
            self.amount,
            self.labour_share if self.labour_share is not None else defaults.labour_share,
            self.insertion_rate if self.insertion_rate is not None else defaults.insertion_rate,
            self.hourly_cost if self.hourly_cost is not None else defaults.hourly_cost,
            self.hours_stated, self.penalty_per_hour,
        )


def exact_hours(terms: ClauseTerms, defaults: ClauseDefaults = ClauseDefaults()) -> Decimal | None:
    """The formula's hours before rounding; None when the marché states the hours or the formula cannot run (no
    amount, or an hourly cost of zero)."""
    t = terms.effective(defaults)
    if terms.hours_stated is not None or t.amount is None or not t.hourly_cost:
        return None
    return Decimal(t.amount) * Decimal(t.labour_share) / HUNDRED * Decimal(t.insertion_rate) / HUNDRED \
        / Decimal(t.hourly_cost)


def hours_required(terms: ClauseTerms, defaults: ClauseDefaults = ClauseDefaults()) -> Decimal | None:
    """The hours a lot owes: the stated figure, else the formula rounded to the whole hour (half up); None when
    neither can be had (no amount, or an hourly cost of zero)."""
    if terms.hours_stated is not None:
        return terms.hours_stated.quantize(HUNDREDTH)
    exact = exact_hours(terms, defaults)
    if exact is None:
        return None
    return exact.quantize(Decimal(1), ROUND_HALF_UP).quantize(HUNDREDTH)


def elapsed_share(start: date | None, end: date | None, as_of: date) -> Decimal | None:
    """The share of the works period elapsed at `as_of` (0 before it starts, 1 from its last day on), days
    counted inclusively; None without both dates."""
    if start is None or end is None:
        return None
    if end < start:
        start, end = end, start
    if as_of < start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)


def hours_expected(required: Decimal | None, share: Decimal | None) -> Decimal | None:
    """Hours required × elapsed share, to the hundredth (half up)."""
    if required is None or share is None:
        return None
    return (required * share).quantize(HUNDREDTH, ROUND_HALF_UP)


def status(realised: Decimal, expected: Decimal | None, tolerance: Decimal) -> ClauseStatus | None:
    """« en retard » below the expectation less its tolerance, « en avance » above it plus its tolerance,
    « dans les temps » within (and before the works start with nothing done). None without an expectation."""
    if expected is None:
        return None
    margin = expected * tolerance / HUNDRED
    if realised < expected - margin:
        return ClauseStatus.BEHIND
    if realised > expected + margin:
        return ClauseStatus.AHEAD
    return ClauseStatus.ON_TRACK


def shortfall(realised: Decimal, expected: Decimal | None) -> Decimal:
    """Hours missing against the expectation (0 when none or nothing is missing)."""
    if expected is None or realised >= expected:
        return ZERO
    return (expected - realised).quantize(HUNDREDTH)


def penalty(missing: Decimal, per_hour: Decimal | None) -> Decimal | None:
    """Euros the missing hours imply at the lot's penalty per hour (None when the lot sets none)."""
    if per_hour is None:
        return None
    return (missing * per_hour).quantize(HUNDREDTH, ROUND_HALF_UP)


def rate(realised: Decimal, required: Decimal | None) -> Decimal | None:
    """Hours realised per hundred hours required, to one decimal (None when nothing is required)."""
    if not required:
        return None
    return (realised / required * HUNDRED).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Obligation:
    """Where one obligation stands at a date: a lot's, or the sum of a titulaire company's lots."""

    required: Decimal | None
    realised: Decimal
    expected: Decimal | None
    status: ClauseStatus | None
    shortfall: Decimal
    finished: bool

    @property
    def rate(self) -> Decimal | None:
        return rate(self.realised, self.required)

    @property
    def remaining(self) -> Decimal:
        """Hours still to do to meet the obligation."""
        if self.required is None or self.realised >= self.required:
            return ZERO
        return (self.required - self.realised).quantize(HUNDREDTH)


def lot_obligation(terms: ClauseTerms, defaults: ClauseDefaults, start: date | None, end: date | None,
                   realised: Decimal, as_of: date) -> Obligation:
    """A lot's obligation at `as_of`, from its terms, its works period and the hours realised by then."""
    required = hours_required(terms, defaults)
    expected = hours_expected(required, elapsed_share(start, end, as_of))
    finished = end is not None and as_of >= end
    return Obligation(required, realised, expected, status(realised, expected, defaults.tolerance),
                      shortfall(realised, expected), finished)


def combined(obligations: list[Obligation], tolerance: Decimal) -> Obligation:
    """The obligations of several lots (a titulaire company's) as one: the sums, the hours missing on each lot
    added up (hours done on one lot do not make up for another: each lot is its own obligation), and « en retard »
    as soon as one lot is, else the status of the sums."""
    required = sum((o.required for o in obligations if o.required is not None), ZERO)
    realised = sum((o.realised for o in obligations), ZERO)
    expected = sum((o.expected for o in obligations if o.expected is not None), ZERO)
    known = any(o.expected is not None for o in obligations)
    behind = any(o.status == ClauseStatus.BEHIND for o in obligations)
    state = ClauseStatus.BEHIND if behind else (status(realised, expected, tolerance) if known else None)
    return Obligation(required if any(o.required is not None for o in obligations) else None, realised,
                      expected if known else None, state, sum((o.shortfall for o in obligations), ZERO),
                      all(o.finished for o in obligations))


@dataclass(frozen=True)
class LotLine:
    """One lot in the follow-up of the clauses: who, where, and where its obligation stands."""

    id: int
    number: str
    label: str
    marche_id: int
    marche: str  # the marché's reference
    owner: str  # maître d'ouvrage (the cité's bailleur when the marché names none)
    operation_id: int
    operation: str
    cite_id: int
    cite: str
    epci: str
    company_id: int
    company: str
    siret: str
    company_kind: str
    start: date | None
    end: date | None
    terms: ClauseTerms
    obligation: Obligation
    penalty_per_hour: Decimal | None
    by_month: dict[date, Decimal] = field(default_factory=dict, compare=False)

    @property
    def penalty(self) -> Decimal | None:
        """The penalty the shortfall implies, once the works period is over."""
        if not self.obligation.finished:
            return None
        return penalty(self.obligation.shortfall, self.penalty_per_hour)

    @property
    def title(self) -> str:
        return f"Lot {self.number} — {self.label}"


@dataclass(frozen=True)
class CompanyLine:
    """A titulaire company and the sum of its lots."""

    id: int
    name: str
    siret: str
    kind: str
    lots: int
    lots_behind: int
    obligation: Obligation


@dataclass(frozen=True)
class MonthLine:
    """One month of a lot: hours realised in it, cumulated since the first, and expected by its end."""

    month: date
    realised: Decimal
    cumulated: Decimal
    expected: Decimal | None


def monthly_progress(line: LotLine, as_of: date) -> list[MonthLine]:
    """The lot's months up to `as_of`'s, from the first with hours or the first of its works period (whichever
    is earlier) to the last of its works period or with hours (whichever is later): a month without hours in
    between shows 0, so a facilitator sees when the company stopped. Each month is expected to have reached
    hours required × the share of the works period elapsed at its end (or at `as_of` in the month of `as_of`)."""
    return months_of([line], as_of)


def months_of(lines: list[LotLine], as_of: date) -> list[MonthLine]:
    """Several lots' months added up (a titulaire company's): every month from the earliest of the lots' to the
    latest (as `monthly_progress` bounds each lot), each lot counting its hours in that month, its cumulated hours
    and its expectation at the month's end (0 before its works, its hours required after them)."""
    bounds = [m for line in lines for m in line.by_month]
    bounds += [month_start(d) for line in lines for d in (line.start, line.end) if d is not None]
    if not bounds:
        return []
    month, last = min(bounds), min(max(bounds), month_start(as_of))
    out: list[MonthLine] = []
    cumulated = ZERO
    while month <= last:
        realised = sum((line.by_month.get(month, ZERO) for line in lines), ZERO)
        cumulated += realised
        moment = min(month_end(month), as_of)
        expectations = [hours_expected(line.obligation.required, elapsed_share(line.start, line.end, moment))
                        for line in lines]
        known = [e for e in expectations if e is not None]
        out.append(MonthLine(month, realised, cumulated, sum(known, ZERO) if known else None))
        month = date.fromordinal(month_end(month).toordinal() + 1)
    return out
