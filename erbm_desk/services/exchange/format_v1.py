"""Workbooks of format version 1 still import: their « Bénéficiaires » sheet carried the person's criteria,
prescriber and exit as columns of the person. Those columns are read (`LEGACY_COLUMNS`) and become what the
schema upgrade makes of them (db/migrations/versions/0006_parcours.py): one eligibility check dated at the
person's entry into the clause (their first contract's start — in the workbook or the database —, else their
entry date), and one exit. Their identifiers derive from the person's as the upgrade's do, so a version-1
workbook of a person this database upgraded finds the same check and exit, and importing it twice changes
nothing.

The import of workbooks of another layout (mapping/) writes a person's criteria, prescriber and exit into these
same columns, found by the headers people give them (the columns' `aliases`), so both follow this one rule. A
row of such a file that says nothing of a column (the person appears on a sheet without it) holds `NOT_GIVEN`
there: the check and exit keep what the base says.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import date
from typing import Any

from erbm_desk.domain.entities import SPECS, Column, Kind
from erbm_desk.domain.enums import ExitOutcome, Prescriber
from erbm_desk.domain.parcours import CRITERIA
from erbm_desk.domain.text import fold
from erbm_desk.domain.validation import record_problems
from erbm_desk.services.exchange.model import RowPlan, SheetPlan, Status

# The namespace of the schema upgrade's identifiers (the same constant, so both derive the same ones).
NAMESPACE = uuidlib.UUID("3f0d1c2e-6a55-4c39-9d0e-2b8f5e0c7a11")
# Version 1's outcomes by their label or code, folded: (outcome, detail kept for an outcome outside the PLIE's).
_OLD_OUTCOMES = {
    **{fold(text): (ExitOutcome.SUSTAINABLE_JOB, None)
       for text in ("Emploi durable (CDI, CDD ≥ 6 mois)", "emploi_durable")},
    **{fold(text): (ExitOutcome.TRANSITION_JOB, None) for text in ("Emploi de transition", "emploi_transition")},
    **{fold(text): (ExitOutcome.TRAINING, None) for text in ("Formation qualifiante", "formation")},
    **{fold(text): (ExitOutcome.POSITIVE_OTHER, None) for text in ("Autre sortie positive", "sortie_positive")},
    **{fold(text): (ExitOutcome.OTHER, "Sans solution") for text in ("Sans solution", "sans_solution")},
    **{fold(text): (ExitOutcome.OTHER, "Déménagement") for text in ("Déménagement", "demenagement")},
    **{fold(text): (ExitOutcome.OTHER, "Abandon") for text in ("Abandon", "abandon")},
    fold("Autre"): (ExitOutcome.OTHER, None),
}


def _parse_outcome(raw: Any) -> tuple[ExitOutcome, str | None] | None:
    """A version-1 outcome (its label or code) or one of today's, with the detail an old one leaves."""
    if raw is None or str(raw).strip() == "":
        return None
    text = " ".join(str(raw).split())
    if fold(text) in _OLD_OUTCOMES:
        return _OLD_OUTCOMES[fold(text)]
    try:
        return ExitOutcome.from_text(text), None
    except ValueError:
        raise ValueError(f"« {raw} » n'est pas un motif de sortie connu "
                         f"({', '.join(ExitOutcome.labels())}).") from None


# The other headers people give these columns in their own workbooks (the import of another layout).
_ALIASES: dict[str, tuple[str, ...]] = {
    "rsa": ("RSA", "BRSA", "Allocataire du RSA", "Bénéficiaire RSA"),
    "deld": ("DELD", "Demandeur d'emploi de longue durée"),
    "detld": ("DETLD", "Demandeur d'emploi de très longue durée"),
    "rqth": ("TH", "BOETH", "Travailleur handicapé"),
    "ass_aah": ("ASS", "AAH", "ASS-AAH"),
    "low_qualification": ("Faible qualification", "Niveau 3 ou moins", "Infra bac", "Bas niveau de qualification"),
    "qpv": ("QPV", "Habitant QPV", "Quartier prioritaire"),
    "prescriber": ("Orienteur", "Orienté par", "Structure prescriptrice"),
    "exit_date": ("Date de sortie", "Date de sortie du parcours", "Sortie PLIE", "Date de sortie PLIE",
                  "date_sortie_parcours"),
    "exit_outcome": ("Situation à la sortie", "Type de sortie", "motif_sortie"),
}

# key -> (the version-1 header, the column that parses its value). The outcome is read by `_parse_outcome`
# (version 1's own labels too); its column lists today's outcomes, for the choices of another layout's values.
LEGACY_COLUMNS: dict[str, tuple[str, Column]] = {
    **{key: (label, Column(key, label, Kind.BOOL, aliases=_ALIASES[key])) for key, label in CRITERIA},
    "prescriber": ("Prescripteur", Column("prescriber", "Prescripteur", Kind.ENUM, choices=Prescriber,
                                          aliases=_ALIASES["prescriber"])),
    "exit_date": ("Sortie du parcours", Column("exit_date", "Sortie du parcours", Kind.DATE,
                                               aliases=_ALIASES["exit_date"])),
    "exit_outcome": ("Motif de sortie", Column("exit_outcome", "Motif de sortie", Kind.ENUM, choices=ExitOutcome,
                                               aliases=_ALIASES["exit_outcome"])),
}


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven()  # a cell of a row that says nothing of its column (not a blank: the base's value stays)


def legacy_parser(key: str):
    """The parser of a version-1 column (blank: None, or False for a yes/no; `NOT_GIVEN` stays as it is)."""
    column = LEGACY_COLUMNS[key][1]
    parse = _parse_outcome if key == "exit_outcome" else column.parse
    blank = False if column.kind is Kind.BOOL else None
    return lambda raw: blank if raw is None else raw if raw is NOT_GIVEN else parse(raw)


def derived_uuid(person_uuid: str, what: str) -> str:
    return str(uuidlib.uuid5(NAMESPACE, f"{person_uuid}:{what}"))


class LegacyRows:
    """Mixed into the planner: after every sheet is checked, the version-1 columns of each person become an
    eligibility check and an exit, checked and classified like the rows of their own sheets."""


    @staticmethod
    def legacy_values(cells: list, legacy: list, errors: dict) -> dict[str, Any]:
        """The values of a version-1 row's columns that now belong to other records (format_v1.py)."""
        found = {}
        for j, key, parse in legacy:
            raw = cells[j] if j < len(cells) else None
            if raw.__class__ is str and (not raw or raw.isspace()):
                raw = None
            try:
                found[key] = parse(raw)
            except ValueError as exc:
                errors[f"legacy:{key}"] = str(exc)
        return found

    def legacy_rows(self) -> None:
        sheet = self.plan.sheets.get("beneficiary")
        people = [rp for rp in sheet.rows if rp.legacy and rp.status is not Status.ERROR] if sheet else []
        if not people:
            return
        firsts, lasts = self._contract_dates()
        for rp in people:
            legacy = {key: value for key, value in rp.legacy.items() if value is not NOT_GIVEN}
            first = firsts.get(self._person_key(rp))
            entry = first or rp.final.get("entry_date") or self._earlier_check_date(rp) or (
                rp.file_updated_at or self.now).date()
            found = {key: bool(legacy[key]) for key, _ in CRITERIA if key in legacy}
            if "prescriber" in legacy:
                found["prescriber"] = legacy["prescriber"]
            if found:
                self._synthesise("eligibility_check", rp, dict(beneficiary_id=rp, check_date=entry, **found),
                                 derived_uuid(rp.uuid, "diagnostic"))
            outcome = legacy.get("exit_outcome")
            day = legacy.get("exit_date")
            if outcome is None and day is None:
                continue
            day = day or lasts.get(self._person_key(rp)) or rp.final.get("entry_date") or entry
            outcome, detail = outcome or (ExitOutcome.OTHER, "Motif non renseigné")
            self._synthesise("path_exit", rp, dict(beneficiary_id=rp, exit_date=day, outcome=outcome, detail=detail),
                             derived_uuid(rp.uuid, "sortie"))

    def _earlier_check_date(self, rp: RowPlan) -> date | None:
        """The date of the check an earlier import made for a person with no entry day (no contract, no entry
        date): kept, so that importing the same file another day changes nothing."""
        known = self.db.by_uuid("eligibility_check").get(derived_uuid(rp.uuid, "diagnostic"))
        return self.db.rows("eligibility_check")[known]["check_date"] if known is not None else None

    @staticmethod
    def _person_key(rp: RowPlan) -> tuple:
        return ("db", rp.db_id) if rp.db_id is not None else ("row", rp.row)

    def _contract_dates(self) -> tuple[dict[tuple, date], dict[tuple, date]]:
        """The first start and last end of each person's contracts, in the workbook and the database."""
        firsts: dict[tuple, date] = {}
        lasts: dict[tuple, date] = {}

        def seen(person: Any, start: date | None, end: date | None) -> None:
            key = self._person_key(person) if isinstance(person, RowPlan) else ("db", person)
            if start is not None and (key not in firsts or start < firsts[key]):
                firsts[key] = start
            last = end or start
            if last is not None and (key not in lasts or last > lasts[key]):
                lasts[key] = last

        for contract in self.db.rows("contract").values():
            seen(contract["beneficiary_id"], contract["start_date"], contract.get("end_date"))
        sheet = self.plan.sheets.get("contract")
        for rp in sheet.rows if sheet else ():
            if rp.status is not Status.ERROR and rp.final.get("beneficiary_id") is not None:
                seen(rp.final["beneficiary_id"], rp.final.get("start_date"), rp.final.get("end_date"))
        return firsts, lasts

    def _synthesise(self, entity: str, person: RowPlan, values: dict[str, Any], record_uuid: str) -> None:
        sp = self.plan.sheets.get(entity)
        if sp is None:
            sp = self.plan.sheets[entity] = SheetPlan(entity, SPECS[entity].plural, set(values))
        if entity not in self._maps:
            self._maps[entity] = (self.db.by_uuid(entity), self.db.by_key(entity), self.db.rows(entity),
                                  self.file_uuids[entity], self.file_keys[entity])
        rp = RowPlan(entity, person.row, record_uuid, values, {}, file_updated_at=person.file_updated_at)
        errors: dict = {}
        self.match(rp, errors)
        final = dict(self.db.rows(entity)[rp.db_id]) if rp.db_id is not None else {}
        final.update(values)
        rp.final = final
        for key, message in record_problems(entity, final).items():
            errors.setdefault(key, message)
        sp.rows.append(rp)
        where = {key: f"« {LEGACY_COLUMNS.get(key, (SPECS[entity].column(key).label,))[0]} »" for key in values}
        beneficiaries = self.plan.sheets["beneficiary"].sheet
        if errors:
            rp.status = Status.ERROR
            self.report(beneficiaries, person.row, errors, where)
            return
        self.classify(rp, beneficiaries, None, where)
