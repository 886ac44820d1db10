from __future__ import annotations

import pytest


@pytest.fixture
def clauses_dataset(db):
    """tests/clauses/dataset.py on a new database: its ids."""
    from tests.clauses.dataset import build_clauses_dataset

    with db.session() as s:
        ids = build_clauses_dataset(s)
    return ids
