import pytest


@pytest.fixture
def path_dataset(db):
    """The hand-built dataset of tests/parcours/dataset.py, its figures worked out there."""
    from tests.parcours.dataset import build_path_dataset

    with db.session() as s:
        ids = build_path_dataset(s)
    return ids
