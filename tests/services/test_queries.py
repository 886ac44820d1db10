"""The list queries behind the tables, without Qt: search, filters, sort, chunks, names, dependents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from erbm_desk.domain.enums import Phase
from erbm_desk.domain.entities import SPECS
from erbm_desk.services.reporting.indicators import compute_indicators
from erbm_desk.services.records.lists import (
    ListQuery,
    dependents_text,
    display_rows,
    hours_total,
    load_list,
    pick_list,
    record_title,
    record_values,
    select_ids,
)
from erbm_desk.services.records.writes import delete_record, dependents


def names(db, query: ListQuery, column: int = 0) -> list[str]:
    with db.sessions() as s:
        return [row[column] for _, row in load_list(s, query).rows]


def test_search_is_case_and_accent_insensitive_and_needs_every_word(db, small_dataset):
    for text in ("lea", "LÉA", "  léa  durand "):
        assert names(db, ListQuery("beneficiary", search=text)) == ["DURAND"]
    assert names(db, ListQuery("beneficiary", search="lea martin")) == []
    # through references: a contract is found by its company's or its beneficiary's name
    assert names(db, ListQuery("contract", search="etti bassin")) == ["NOWAK Piotr"]
    assert names(db, ListQuery("cite", search="test lens")) == ["Cité Test A"]  # and its commune
    assert names(db, ListQuery("company", search="50%_")) == []  # LIKE wildcards are plain text


def test_sort_by_any_column_with_references_and_enums_by_their_names(db, small_dataset):
    by = {
        ("beneficiary", "last_name", False): ["DURAND", "LEROY", "MARTIN", "NOWAK"],
        ("contract", "company_id", False): ["Bâtiment Gohelle"] * 3 + ["ETTI du Bassin"],
        ("operation", "phase", False): ["En travaux", "Études", "Livrée"],  # labels, as read
        ("operation", "homes", True): ["40", "30", "20"],
    }
    for (entity, key, descending), expected in by.items():
        query = ListQuery(entity, sort=key, descending=descending)
        col = SPECS[entity].keys.index(key)
        assert names(db, query, col) == expected, (entity, key)


def test_under_26_filter_counts_like_the_indicators(db, small_dataset):
    with db.sessions() as s:
        ind = compute_indicators(s)
        people = select_ids(s, ListQuery("beneficiary", filters={"public": "under_26"}))
        contracts = select_ids(s, ListQuery("contract", filters={"public": "under_26"}))
    assert len(people) == ind.people_under_26 + 1  # LEROY (no hours) counts here, not in the indicators
    assert set(people) == {small_dataset["p1"], small_dataset["p4"]}
    assert set(contracts) == {small_dataset["c1"], small_dataset["c4"]}  # MARTIN is 26 on c2's first day


def test_filters(db, small_dataset):
    ids = small_dataset
    with db.sessions() as s:
        def found(entity, **filters):
            return set(select_ids(s, ListQuery(entity, filters=filters)))

        assert found("contract", active=date(2022, 3, 1)) == {ids["c1"], ids["c2"]}
        assert found("contract", active=date(2022, 4, 1)) == {ids["c1"]}
        assert found("contract", cite=ids["cite_a"]) == {ids["c1"], ids["c2"], ids["c4"]}
        assert found("contract", public="rsa", cite=ids["cite_a"]) == {ids["c1"]}
        assert found("operation", phase=Phase.DELIVERED) == {ids["op_a1"]}
        assert found("operation", phase=None) == {ids["op_a1"], ids["op_a2"], ids["op_b1"]}  # None: no filter
        assert found("funding", operation=ids["op_a1"]) == {ids["f1"], ids["f2"]}
        assert found("hours_entry", beneficiary=ids["p1"]) == {ids["h1"], ids["h2"]}
        assert found("beneficiary", public="women") == {ids["p1"]}
        assert hours_total(s, ListQuery("hours_entry", filters={"contract": ids["c2"]})) == Decimal("291.67")


def test_rows_come_in_the_order_asked_and_skip_what_was_deleted(db, small_dataset):
    ids = small_dataset
    with db.session() as s:
        order = [ids["p4"], ids["p1"], ids["p3"]]
        assert [rid for rid, _ in display_rows(s, "beneficiary", order)] == order
        delete_record(s, "beneficiary", ids["p1"])
        rows = display_rows(s, "beneficiary", order)
        assert [rid for rid, _ in rows] == [ids["p4"], ids["p3"]]
        assert rows[0][1][:4] == ("LEROY", "Hugo", "01/06/1999", "Homme")
        s.rollback()


def test_load_list_reaches_the_record_to_keep_selected(db, small_dataset):
    with db.sessions() as s:
        page = load_list(s, ListQuery("hours_entry", sort="hours"), first=2, through=small_dataset["h3"])
    assert len(page.ids) == 6 and page.total == 6
    assert small_dataset["h3"] in [rid for rid, _ in page.rows]


def test_names_titles_and_pick_lists(db, small_dataset):
    ids = small_dataset
    with db.sessions() as s:
        people = dict(pick_list(s, "beneficiary"))
        assert people[ids["p1"]] == "DURAND Léa (15/03/2000)"
        assert dict(pick_list(s, "operation"))[ids["op_a1"]] == "Réhabilitation A1 · Cité Test A"
        assert record_title(s, "funding", ids["f1"]) == "État · Réhabilitation A1 · Cité Test A"
        assert record_title(s, "hours_entry", ids["h1"]) == "01/2022 · DURAND Léa — Bâtiment Gohelle"
        values, refs = record_values(s, "contract", ids["c1"])
        assert values["start_date"] == date(2022, 1, 10) and values["version"] == 1
        assert refs == {"beneficiary_id": "DURAND Léa (15/03/2000)", "company_id": "Bâtiment Gohelle",
                        "operation_id": "Réhabilitation A1 · Cité Test A"}
        assert dependents_text(dependents(s, "cite", ids["cite_a"])) == (
            "2 opérations, 2 lignes de financement, 3 contrats d'insertion et 4 mois d'heures")
    assert dependents_text({}) == ""
    assert dependents_text({"contract": 1}) == "1 contrat d'insertion"
