"""What the charts draw and the reports print: plain data, computed by services.reporting, drawn by charts/.
No Qt, no matplotlib, no database.

Hours and euros stay `Decimal` (exact sums); charts convert to float only to draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from erbm_desk.domain.clauses import CompanyLine, LotLine
from erbm_desk.domain.reporting import Indicators, PathRates, Period, Scope, hours_rate

ZERO = Decimal("0.00")
MAP_INDICATORS = {"hours": "Heures réalisées", "people": "Personnes", "homes_delivered": "Logements livrés"}
PUBLIC_LABELS = ("Bénéficiaires du RSA", "Moins de 26 ans", "DELD", "Autres publics")


@dataclass(frozen=True)
class MonthlyHours:
    months: list[date]  # first day of each month, no gap
    realised: list[Decimal]  # hours realised in the month
    cumulative: list[Decimal]  # hours realised since the first month shown
    required_cumulative: list[Decimal]  # hours required, spread evenly over each operation's months, cumulated
    required_total: Decimal  # hours required by all the operations in scope


@dataclass(frozen=True)
class HomesPace:
    years: list[int]  # 2017 … 2027
    delivered: list[int]  # homes delivered each year (0 after the data's date)
    cumulative: list[int | None]  # delivered since 2017 at each year's end, None after the data's year
    projection: list[int | None]  # at the pace so far, from the data's year to 2027, None before
    target: int
    target_label: str  # « objectif ERBM » or « logements prévus »
    delivered_total: int
    as_of: date  # today, or the last day of a period that ended: the years after its year are to come
    pace_current: Decimal  # homes a year from January 2017 to `delivered_until`
    pace_needed: Decimal | None  # homes a year from `as_of` to the end of 2027 (None when no time is left)
    projection_2027: int
    delivered_until: date | None = None  # the last delivery recorded by `as_of` (the pace is measured up to it)


@dataclass(frozen=True)
class EnergyRow:
    label: str
    before: Decimal | None  # kWh/m²/an, homes-weighted mean
    after: Decimal | None
    homes: int


@dataclass
class GroupRow(PathRates):
    """Indicators of one group of a scope — a cité, an EPCI, a commune — for the bilan's tables, the comparison
    of cités, the map and the Synthèse sheet. Hours, contracts, homes and funding of a scope's groups add up to
    the scope's; people are counted once per group (one who worked on two cités counts in both)."""

    id: int | str  # cité or EPCI id, INSEE code of a commune
    name: str
    epci: str = ""  # short name of the EPCI
    commune: str = ""
    insee_code: str = ""
    bailleur: str = ""
    hours_realised: Decimal = ZERO
    hours_required: Decimal = ZERO
    people: int = 0
    people_rsa: int = 0
    people_under_26: int = 0
    people_women: int = 0
    people_deld: int = 0
    people_qpv: int = 0
    contracts: int = 0
    operations: int = 0
    homes_planned: int = 0
    homes_in_works: int = 0
    homes_delivered: int = 0
    funding: Decimal = ZERO
    cites: int = 0
    # the person's path, as in `Indicators` (domain/reporting.py)
    contracts_with_hours: int = 0
    people_by_public: dict[str, int] = field(default_factory=dict)
    hours_by_public: dict[str, Decimal] = field(default_factory=dict)
    people_by_company_kind: dict[str, int] = field(default_factory=dict)
    hours_by_company_kind: dict[str, Decimal] = field(default_factory=dict)
    exits: int = 0
    exits_by_outcome: dict[str, int] = field(default_factory=dict)
    situations_due: int = 0
    situations_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def hours_rate(self) -> Decimal | None:
        return hours_rate(self.hours_realised, self.hours_required)


@dataclass(frozen=True)
class CommuneShape:
    insee_code: str
    name: str
    epci_siren: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # outer ring of each polygon, (lon, lat); holes dropped


@dataclass(frozen=True)
class MapCite:
    id: int
    name: str
    x: float  # longitude, nudged apart when several cités share a commune
    y: float  # latitude
    in_scope: bool


@dataclass(frozen=True)
class MapData:
    insee_codes: list[str]  # communes drawn (the scope's EPCIs)
    values: dict[str, dict[str, Decimal | int]]  # insee -> {"hours", "people", "homes_delivered"}; in scope only
    cites: list[MapCite]
    epcis: list[str]  # SIREN of the EPCIs drawn
    epci_names: dict[str, str] = field(default_factory=dict)  # SIREN -> short name
    # The boundaries drawn (read once per process from seeds/): INSEE -> shape, EPCI SIREN -> outline segments.
    shapes: dict[str, CommuneShape] = field(default_factory=dict, repr=False, compare=False)
    outlines: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class DashboardData:
    scope: Scope
    period: Period
    label: str
    as_of: date
    indicators: Indicators
    hours: MonthlyHours
    people_by_public: dict[str, int]
    people_by_sex: dict[str, int]
    contracts_by_type: dict[str, int]
    contracts_by_delivery: dict[str, int]
    operations_by_phase: dict[str, int]
    funding_by_funder: dict[str, Decimal]
    homes: HomesPace
    energy: list[EnergyRow]
    energy_level: str  # what one energy row is: « EPCI », « cité » or « opération »
    cites: list[GroupRow]  # ranked by hours realised, then name
    map: MapData = field(repr=False)
    titulaires: list[CompanyLine] = field(default_factory=list)  # the lots' titulaire companies in scope
    lots_behind: list[LotLine] = field(default_factory=list)  # the lots « en retard » at `as_of`
    exits_by_outcome: dict[str, int] = field(default_factory=dict)  # French label -> exits of the period
    situations_6m: dict[str, int] = field(default_factory=dict)  # French label -> situations (« non relevée » too)


@dataclass(frozen=True)
class CiteSeries:
    """What a cité's page of the bilan draws."""

    row: GroupRow
    hours: MonthlyHours
    homes: HomesPace
    energy: list[EnergyRow]
