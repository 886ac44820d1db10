"""What the reference data puts in front of users — the seeded cités' remarks — is written in French."""

from __future__ import annotations

import re

from sqlalchemy import select

from erbm_desk.db.models import Cite

ENGLISH = {"the", "of", "and", "priority", "from", "with", "cities", "housing"}  # none is a French word


def test_the_seeded_cites_remarks_are_in_french(db):
    with db.sessions() as s:
        notes = [n for n in s.scalars(select(Cite.notes)) if n]
    assert notes  # the reference cités carry where they come from
    english = [n for n in notes if ENGLISH & set(re.findall(r"[a-z]+", n.lower()))]
    assert english == []
