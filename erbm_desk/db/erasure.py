"""What erasing a person means for the stored rows, written once.

Erasure (GDPR art. 17) removes a beneficiary's identity and keeps their path as an anonymous record:

- every identity column of the beneficiary (the `personal` columns of its entity description: names, birth date)
  becomes NULL, and the person keeps a pseudonym (theirs, or a random one);
- each of their contracts keeps the age band at its start, worked out from the birth date before it goes, so
  the « moins de 26 ans » indicator does not change;
- the personal values of the audit entries about them (the `personal` column) become NULL;
- the personal columns of the records that belong to them (the notes of their follow-up actions, who validated
  their eligibility checks: `dependent_personal_columns`) become NULL; the records themselves stay (the
  indicators count their checks and exits).

`services.security.gdpr` applies this rule through the ORM (audited, rights checked) and
`services.backup.scrub` applies it in SQL to the automatic backups, which cannot be opened as a Database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from erbm_desk.domain import rules
from erbm_desk.domain.entities import BENEFICIARY, SPECS

AUDIT_PERSONAL_COLUMN = "personal"  # audit_log: the salted personal values of an entry, NULL once erased


def identity_columns() -> tuple[str, ...]:
    """The beneficiary's columns that identify the person (last name, first name, birth date)."""
    return tuple(c.key for c in BENEFICIARY.columns if c.personal)


def dependent_personal_columns() -> dict[str, tuple[str, ...]]:
    """Table -> personal columns of the records that point to a beneficiary by `beneficiary_id`."""
    found = {}
    for name, spec in SPECS.items():
        if name == "beneficiary" or "beneficiary_id" not in spec.keys or spec.column("beneficiary_id").ref != "beneficiary":
            continue
        personal = tuple(c.key for c in spec.columns if c.personal)
        if personal:
            found[name] = personal
    return found


def new_pseudonym() -> str:
    """Random, not derived from anything about the person."""
    return "ANON-" + secrets.token_hex(4).upper()


@dataclass(frozen=True)
class PersonErasure:
    beneficiary: dict[str, Any]  # column -> value once erased
    contract_age_bands: dict[int, Any]  # contract id -> domain.enums.AgeBand at the contract's start


def erasure_of(birth_date: date | None, contracts: Iterable[tuple[int, date]],
               pseudonym: str | None) -> PersonErasure:
    """The new values of one person's rows. `contracts`: (id, start date) of their contracts; `pseudonym`: the
    one they already have (or should keep), None for a new random one."""
    bands = {cid: rules.age_band(birth_date, start) for cid, start in contracts} if birth_date else {}
    values: dict[str, Any] = {column: None for column in identity_columns()}
    values["pseudonym"] = pseudonym or new_pseudonym()
    return PersonErasure(values, bands)
