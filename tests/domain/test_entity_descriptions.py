"""Every entity description is complete, and every name it uses resolves to a real column or entity."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from erbm_desk.db.models import MODELS
from erbm_desk.domain.entities import (
    ALL_SPECS,
    SPECS,
    WORKBOOK_ENTITIES,
    WRITABLE_ENTITIES,
    CountPlace,
    FilterKind,
    Kind,
    Match,
    counted_in,
    writable_by,
)
from erbm_desk.services.security.authz import Role

_MODELS = MODELS


def _model_columns(entity: str) -> set[str]:
    return {c.key for c in inspect(_MODELS[entity]).column_attrs}


def _follow(entity: str, steps: tuple[str, ...]) -> tuple[str, str | None]:
    """(entity reached, last column key) along a path of reference columns, failing on any unknown step."""
    for step in steps[:-1]:
        column = ALL_SPECS[entity].column(step)
        assert column.kind is Kind.REF, f"{entity}.{step} n'est pas une référence"
        entity = column.ref
    last = steps[-1] if steps else None
    if last is not None:
        assert last in _model_columns(entity), f"{entity}.{last} n'existe pas"
    return entity, last


@pytest.mark.parametrize("name", list(ALL_SPECS))
def test_every_description_names_and_counts_its_records(name):
    spec = ALL_SPECS[name]
    assert spec.name == name and spec.label and spec.plural and spec.columns and spec.natural_key
    assert spec.noun and spec.noun.one and spec.noun.many
    assert spec.short_noun and spec.write_label.startswith("les ")
    assert spec.naming and spec.naming.parts
    assert name in _MODELS
    assert set(spec.keys) <= _model_columns(name)
    assert set(spec.natural_key) <= set(spec.keys)
    for part in spec.naming.parts + tuple(x for x in (spec.naming.fallback, spec.naming.detail) if x):
        assert part in _model_columns(name)
    for column in spec.columns:
        assert column.kind is not Kind.REF or column.ref in ALL_SPECS


@pytest.mark.parametrize("name", list(SPECS))
def test_every_recorded_entity_has_its_messages_and_sheet(name):
    spec = SPECS[name]
    assert spec.duplicate_message.endswith(".")
    assert spec.sheet_note
    assert spec.written_by
    assert spec.checks


def test_dependents_related_panels_and_dialog_children_resolve():
    for spec in ALL_SPECS.values():
        for dep in spec.dependents:
            child = SPECS[dep.entity].column(dep.key)
            assert child.kind is Kind.REF and child.ref == spec.name
        for panel in spec.related:
            assert panel.title
            SPECS[panel.entity].filter(panel.filter_key)  # the filter exists
        if spec.first_sort:
            spec.column(spec.first_sort)
        if spec.edited_under:
            assert spec.column(spec.edited_under.key).kind is Kind.REF
        if spec.month_within:
            assert spec.column(spec.month_within.month).kind is Kind.MONTH
            parent = ALL_SPECS[spec.column(spec.month_within.within).ref]
            assert {"start_date", "end_date"} <= set(parent.keys)
            assert any(d.entity == spec.name and d.key == spec.month_within.within for d in parent.dependents)
        if spec.summed:
            assert spec.column(spec.summed).kind is Kind.DECIMAL


@pytest.mark.parametrize("name", list(SPECS))
def test_filter_declarations_resolve_to_real_columns(name):
    spec = SPECS[name]
    assert len({f.key for f in spec.filters}) == len(spec.filters)
    for f in spec.filters:
        assert f.label
        reached, last = _follow(name, f.steps)
        if f.kind is FilterKind.REF:
            assert f.ref in ALL_SPECS
            assert f.match is Match.EQUALS
            assert ALL_SPECS[reached].column(last).ref == f.ref
        if f.kind is FilterKind.CHOICE:
            assert f.choices
        if f.match is Match.PUBLIC:
            # the path reaches a person: the record itself or a reference to one
            person = reached if last is None else ALL_SPECS[reached].column(last).ref
            assert person == "beneficiary"
        if f.until:
            assert f.until in _model_columns(reached)


def test_role_codes_are_the_roles_of_the_app():
    codes = {r.value for r in Role}
    for spec in ALL_SPECS.values():
        assert spec.written_by <= codes
    assert writable_by(Role.ADMIN.value) == frozenset(WRITABLE_ENTITIES)
    assert writable_by(Role.COMITE.value) == frozenset()


def test_todays_words_and_orders():
    """What the messages, titles and counts said before they came from the descriptions."""
    assert [SPECS[e].new_title for e in SPECS] == [
        "Nouvelle cité", "Nouvelle opération", "Nouvelle ligne de financement", "Nouvelle entreprise",
        "Nouveau marché", "Nouveau lot", "Nouveau bénéficiaire", "Nouveau contrat d'insertion", "Nouveau mois d'heures",
        "Nouveau diagnostic d'éligibilité", "Nouvelle sortie", "Nouvelle action de suivi"]
    assert SPECS["contract"].noun.count(14) == "14 contrats d'insertion"
    assert SPECS["contract"].short_noun.count(1) == "1 contrat"
    assert SPECS["hours_entry"].write_label == "les heures réalisées"
    assert SPECS["funding"].write_label == "les financements"
    assert WORKBOOK_ENTITIES == ("cite", "operation", "funding", "company", "marche", "lot", "beneficiary",
                                 "contract", "hours_entry", "eligibility_check", "path_exit", "followup_action")
    assert WRITABLE_ENTITIES == ("bailleur",) + WORKBOOK_ENTITIES
    assert [s.name for s in counted_in(CountPlace.BACKUP)] == [
        "cite", "operation", "beneficiary", "contract", "hours_entry"]
    assert [s.name for s in counted_in(CountPlace.STATUS_BAR)] == [
        "cite", "operation", "company", "beneficiary", "contract", "hours_entry"]
    assert [s.name for s in counted_in(CountPlace.WINDOW_TITLE)] == ["cite", "beneficiary", "contract"]
