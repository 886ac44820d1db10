"""The reason a user reads when the database server cannot be reached, in French, whatever wraps the driver's
error."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from erbm_desk.services.error_messages import reason

UNREACHABLE = "le serveur de base de données ne répond pas (serveur arrêté, réseau coupé ou connexion perdue)"


def test_a_server_that_refuses_the_connection_is_said_in_french():
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect("host=127.0.0.1 port=1 dbname=erbm user=erbm connect_timeout=2")
    assert reason(refused.value) == UNREACHABLE
    assert reason(OperationalError("SELECT 1", {}, refused.value)) == UNREACHABLE  # as SQLAlchemy hands it on


def test_other_errors_keep_their_own_reason():
    assert reason(OperationalError("SELECT 1", {}, Exception("boom"))) == "erreur inattendue (OperationalError)"
    assert reason(psycopg.DataError("invalid input")) == "erreur inattendue (DataError)"
