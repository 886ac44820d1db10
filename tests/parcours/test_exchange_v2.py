"""The exchange workbook, format version 2: the dated checks, exits and follow-up actions travel in sheets of
their own (actions never in an anonymous workbook), and version-1 workbooks — whose criteria and exit were
columns of the person — still import, as the schema upgrade turns them into a check and an exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import EligibilityCheck, FollowUpAction, PathExit
from erbm_desk.services.exchange.model import Status
from tests.services.test_excel_support import export, fresh_db, import_file, indicators, plan, workbook_values

DATA = Path(__file__).parents[1] / "data"
V1_STATS = json.loads((DATA / "format-v1.stats.json").read_text(encoding="utf-8"))
CHANGED = {"hours_required", "hours_rate"}  # the abandoned operations' hours required (docs/indicateurs.md)


def _counts(db) -> tuple[int, int, int]:
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (EligibilityCheck, PathExit,
                                                                               FollowUpAction))


@pytest.mark.parametrize("name", ["format-v1-nominatif.xlsx", "format-v1-anonyme.xlsx"])
def test_a_version_1_workbook_still_imports(tmp_path, name):
    db = fresh_db(tmp_path, "v1")
    first = import_file(db, DATA / name)
    assert first.count(Status.ERROR) == 0
    assert _counts(db) == (80, 56, 0)  # one check at entry per person; an exit for each person who had left
    now = indicators(db)
    for key, value in V1_STATS.items():
        if key not in CHANGED:
            assert now[key] == value, key
    again = plan(db, DATA / name)  # the same file again: the checks and exits it made are found
    assert again.ok and again.writes == 0
    db.close()


def test_the_path_travels_and_the_anonymous_workbook_keeps_only_what_the_indicators_need(tmp_path, db, path_dataset):
    nominative = workbook_values(export(db, tmp_path / "nominatif.xlsx", anonymous=False))
    anonymous = workbook_values(export(db, tmp_path / "anonyme.xlsx"))
    assert {"Diagnostics d'éligibilité", "Sorties", "Actions de suivi"} <= set(nominative)
    assert "Actions de suivi" not in anonymous  # working notes: never in an anonymous workbook
    assert "Validé par" in nominative["Diagnostics d'éligibilité"][0]
    assert "Validé par" not in anonymous["Diagnostics d'éligibilité"][0]
    assert "Situation à 6 mois" in anonymous["Sorties"][0]
    readme = {r[0]: r[1] for r in workbook_values(tmp_path / "anonyme.xlsx", skip_varying=False)["Lisez-moi"]
              if r and r[0]}
    assert readme["Version du format"] == 2
    comite = fresh_db(tmp_path, "comite")
    import_file(comite, tmp_path / "anonyme.xlsx")
    assert indicators(comite) == indicators(db)  # the path's figures included
    assert _counts(comite) == (6, 3, 0)
    comite.close()
