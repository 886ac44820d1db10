"""The figures of the person's path as French lines (label, value): written once for `erbm-desk stats`, the
dashboard and the bilan, whose definitions are in docs/indicateurs.md. Pure Python."""

from __future__ import annotations

from decimal import Decimal

from erbm_desk.domain.enums import CompanyKind, ExitOutcome, SixMonthSituation
from erbm_desk.domain.french import format_hours, format_int, format_number, format_percent
from erbm_desk.domain.parcours import PUBLICS
from erbm_desk.domain.reporting import Indicators

PEOPLE_LABEL = "Personnes ayant réalisé des heures"
CONTRACTS_LABEL = "Contrats actifs sur la période"


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value)


def contracts_text(ind: Indicators) -> str:
    """« 59 (dont 57 avec des heures réalisées) »: contracts and people do not count the same population."""
    return f"{format_int(ind.contracts)} (dont {format_int(ind.contracts_with_hours)} avec des heures réalisées)"


def fte_text(ind: Indicators) -> str:
    return format_number(ind.fte, 2)


def exits_text(ind: Indicators) -> str:
    if not ind.exits:
        return "aucune sur la période"
    sustainable = ind.exits_by_outcome.get(ExitOutcome.SUSTAINABLE_JOB.value, 0)
    return (f"{format_int(ind.exits)}, dont {format_int(ind.exits_positive)} positive{'s' if ind.exits_positive > 1 else ''} "
            f"({_percent(ind.positive_exit_rate)}) et {format_int(sustainable)} en emploi durable "
            f"({_percent(ind.sustainable_exit_rate)})")


def situations_text(ind: Indicators) -> str:
    if not ind.situations_due and not ind.situations_known:
        return "aucune situation due sur la période"
    return (f"{format_int(ind.situations_known)} relevée{'s' if ind.situations_known > 1 else ''} pour "
            f"{format_int(ind.situations_due)} due{'s' if ind.situations_due > 1 else ''} — en emploi : "
            f"{_percent(ind.employment_rate_6m)}")


def siae_text(ind: Indicators) -> str:
    return f"{format_hours(ind.hours_siae)} h ({_percent(ind.siae_share)})"


def path_lines(ind: Indicators) -> list[tuple[str, str]]:
    """The path's headline figures, in the order every output shows them."""
    average = ind.hours_per_person
    return [
        ("Équivalents temps plein (heures ÷ 1 607)", fte_text(ind)),
        ("Heures par personne (moyenne)", "—" if average is None else f"{format_hours(average)} h"),
        (CONTRACTS_LABEL, contracts_text(ind)),
        ("Heures en SIAE (ETTI, EI, ACI, AI)", siae_text(ind)),
        ("Sorties", exits_text(ind)),
        ("Situation à 6 mois", situations_text(ind)),
    ]


def public_rows(ind: Indicators) -> list[tuple[str, int, Decimal]]:
    """(public, persons, hours) for every public, in PUBLICS' order."""
    return [(label, ind.people_by_public.get(code, 0), ind.hours_by_public.get(code, Decimal("0.00")))
            for code, label in PUBLICS]


def company_kind_rows(ind: Indicators) -> list[tuple[str, int, Decimal]]:
    """(company kind, persons, hours) for every kind with hours, in the enumeration's order."""
    return [(kind.label, ind.people_by_company_kind.get(kind.value, 0), ind.hours_by_company_kind[kind.value])
            for kind in CompanyKind if kind.value in ind.hours_by_company_kind]


def outcome_rows(ind: Indicators) -> list[tuple[str, int]]:
    return [(o.label, ind.exits_by_outcome.get(o.value, 0)) for o in ExitOutcome]


def situation_rows(ind: Indicators) -> list[tuple[str, int]]:
    rows = [(s.label, ind.situations_by_kind.get(s.value, 0)) for s in SixMonthSituation]
    missing = max(ind.situations_due - ind.situations_known, 0)
    return rows + [("Non relevée (six mois passés)", missing)]
