"""One description per entity (`EntitySpec`): import everything about entities from here.

`SPECS` holds the entities people record, in the order of the exchange workbook's sheets; `REFERENCE_SPECS`
the reference entities (communes, EPCI, bailleurs) that records point to; `ALL_SPECS` both.
"""

from __future__ import annotations

from erbm_desk.domain.entities.beneficiary import BENEFICIARY
from erbm_desk.domain.entities.cite import CITE
from erbm_desk.domain.entities.columns import NOTES_HELP, Column, Kind
from erbm_desk.domain.entities.company import COMPANY
from erbm_desk.domain.entities.contract import CONTRACT
from erbm_desk.domain.entities.eligibility import ELIGIBILITY_CHECK
from erbm_desk.domain.entities.followup import FOLLOWUP_ACTION
from erbm_desk.domain.entities.funding import FUNDING
from erbm_desk.domain.entities.hours import HOURS
from erbm_desk.domain.entities.lot import LOT
from erbm_desk.domain.entities.marche import MARCHE
from erbm_desk.domain.entities.operation import OPERATION
from erbm_desk.domain.entities.path_exit import PATH_EXIT
from erbm_desk.domain.entities.references import BAILLEUR, COMMUNE, EPCI
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    FACILITATOR,
    Agreement,
    LANDLORD,
    PUBLICS,
    Checker,
    CountPlace,
    Dependent,
    EditedUnder,
    EntitySpec,
    FilterKind,
    ListFilter,
    Match,
    MonthWithin,
    Naming,
    Noun,
    Related,
    enum_choices,
)

SPECS: dict[str, EntitySpec] = {s.name: s for s in (CITE, OPERATION, FUNDING, COMPANY, MARCHE, LOT, BENEFICIARY, CONTRACT,
                                                    HOURS, ELIGIBILITY_CHECK, PATH_EXIT, FOLLOWUP_ACTION)}
REFERENCE_SPECS: dict[str, EntitySpec] = {s.name: s for s in (EPCI, COMMUNE, BAILLEUR)}
ALL_SPECS: dict[str, EntitySpec] = {**REFERENCE_SPECS, **SPECS}

# The sheets of the exchange workbook, in order, and the entities a sheet refers to by identifier.
WORKBOOK_ENTITIES: tuple[str, ...] = tuple(name for name, s in SPECS.items() if s.in_workbook)
# Entities someone may write, in the order rights are listed (bailleurs first).
WRITABLE_ENTITIES: tuple[str, ...] = tuple(name for name, s in ALL_SPECS.items() if s.written_by)


def counted_in(place: CountPlace) -> tuple[EntitySpec, ...]:
    """The entities whose number of records `place` shows, in the order of SPECS."""
    return tuple(s for s in SPECS.values() if place in s.counted_in)


def writable_by(role_code: str) -> frozenset[str]:
    """Names of the entities a role (by its code) may create, change and delete."""
    return frozenset(name for name, s in ALL_SPECS.items() if role_code in s.written_by)


__all__ = [
    "ADMINISTRATOR", "ALL_SPECS", "Agreement", "BAILLEUR", "BENEFICIARY", "CITE", "COMMUNE", "COMPANY",
    "CONTRACT", "ELIGIBILITY_CHECK", "EPCI", "FACILITATOR", "FOLLOWUP_ACTION", "FUNDING", "HOURS", "LANDLORD",
    "LOT", "MARCHE", "NOTES_HELP", "OPERATION", "PATH_EXIT", "PUBLICS", "REFERENCE_SPECS",
    "SPECS", "WORKBOOK_ENTITIES", "WRITABLE_ENTITIES", "Checker", "Column", "CountPlace", "Dependent",
    "EditedUnder", "EntitySpec", "FilterKind", "Kind", "ListFilter", "Match", "MonthWithin", "Naming", "Noun",
    "Related", "counted_in", "enum_choices", "writable_by",
]
