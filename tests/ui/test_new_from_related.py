"""Fewer steps for the common job: from a record's related tab, « Nouvelle opération » under a cité, « Nouveau
contrat » under an operation or a beneficiary opens the new record on its own page with that record already
chosen — nothing to switch to and nothing to type again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.helpers import TIMEOUT, go_to, open_window, wait_list


@pytest.mark.parametrize("owner, owner_key, tab, entity, button, key, name", [
    ("beneficiary", "p1", "Contrats", "contract", "Nouveau contrat", "beneficiary_id", "DURAND"),
    ("operation", "op_a1", "Contrats", "contract", "Nouveau contrat", "operation_id", "Réhabilitation A1"),
    ("cite", "cite_a", "Opérations", "operation", "Nouvelle opération", "cite_id", "Cité Test A"),
])
def test_a_new_record_from_a_related_tab_starts_with_the_record_shown(qtbot, db, small_dataset, owner, owner_key,
                                                                      tab, entity, button, key, name):
    window = open_window(qtbot, db, start=owner)
    page = go_to(qtbot, window, owner)
    row = page.model.ids.index(small_dataset[owner_key])
    rect = page.table.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.form.record_id == small_dataset[owner_key], timeout=TIMEOUT)
    related = page.related
    index = next(i for i in range(related.count()) if related.tabText(i).startswith(tab))
    qtbot.mouseClick(related.tabBar(), Qt.LeftButton, pos=related.tabBar().tabRect(index).center())
    listed = related.widget(index)
    assert listed.add_button is not None and listed.add_button.text().startswith(button)
    qtbot.waitUntil(listed.add_button.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(listed.add_button, Qt.LeftButton)

    target = window.page(entity)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is target, timeout=TIMEOUT)
    wait_list(qtbot, target)
    picker = target.form.fields[key].widget
    qtbot.waitUntil(lambda: picker.value() == small_dataset[owner_key], timeout=TIMEOUT)
    assert target.form.record_id is None  # a new record, not yet saved
    assert name in picker.text()
