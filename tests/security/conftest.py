import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _owasp_minimum_hasher(monkeypatch):
    """Tests hash many passwords: use the OWASP minimum (19 MiB, 2 iterations, 1 lane), still Argon2id."""
    from erbm_desk.services.security import accounts

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


@pytest.fixture
def accounts_db(db, small_dataset):
    from tests.security.helpers import make_accounts

    make_accounts(db)
    return db
