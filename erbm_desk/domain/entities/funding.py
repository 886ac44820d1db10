"""Financement: one funding line of an operation (a funder, an amount, the date it was granted). A funder may
grant an operation several tranches: one line each, told apart by their dates."""

from __future__ import annotations

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    LANDLORD,
    EditedUnder,
    EntitySpec,
    FilterKind,
    ListFilter,
    Naming,
    Noun,
    enum_choices,
)
from erbm_desk.domain.enums import Funder


def _check(v: dict) -> None:
    rules.check_non_negative(v.get("amount"), "amount", "Le montant")


FUNDING = EntitySpec(
    "funding",
    "Financement",
    "Financements",
    (
        C("operation_id", "Opération", K.REF, required=True, ref="operation", width=32),
        C("funder", "Financeur", K.ENUM, required=True, choices=Funder, width=24, aliases=("Organisme financeur",)),
        C("amount", "Montant (€)", K.MONEY, required=True, width=16,
          aliases=("Montant", "Montant accordé", "Subvention")),
        C("granted_on", "Date d'attribution", K.DATE,
          help="Les indicateurs d'une période comptent les financements attribués pendant celle-ci ; une ligne "
               "sans date n'est comptée dans aucune période et signalée comme donnée à compléter."),
    ),
    natural_key=("operation_id", "funder", "granted_on"),
    display=("funder", "granted_on"),
    noun=Noun("ligne de financement", "lignes de financement", feminine=True),
    short_noun=Noun("financement", "financements"),
    naming=Naming(("funder", "operation_id"), " · "),
    duplicate_message="Ce financeur a déjà une ligne de financement à cette date sur cette opération.",
    filters=(
        ListFilter("operation", "Opération", FilterKind.REF, "operation_id", ref="operation", visible=False),
        ListFilter("funder", "Financeur", FilterKind.CHOICE, "funder", choices=enum_choices(Funder)),
    ),
    edited_under=EditedUnder("operation_id", "Ajouter un financement…"),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, LANDLORD}),
    counted_in=frozenset(),
    sheet_note="les lignes de financement de chaque opération",
)
