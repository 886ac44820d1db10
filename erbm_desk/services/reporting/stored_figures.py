"""The territory's figures stored in a database file, read without the database layer: the dashboard's tiles and
sentence while the database still opens (integrity check, lock, upgrade, the models and SQLAlchemy loading).

Only the standard library's sqlite3 (read-only, one read transaction) and the domain's figures: nothing here
imports SQLAlchemy. The figures are given only when they are those a fresh computation would give on that file
now: stored at the data's current generation (report_state, stepped by every write: report_tracking.py) by the
same code (`rules_fingerprint`), and never for a database whose figures are shown only after signing in. Anything
else — a server URL, an encrypted file, a missing table, a lock held for long — gives None: the dashboard then
shows its figures once the database is open, as before.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from erbm_desk.domain.figures import DashboardData
from erbm_desk.services.reporting import figures_json

LOGIN_SETTING = "accounts.login_required"  # services/security/database_settings.py
TILES = "territory-tiles"  # report_cache's key of what is shown at start-up (report_cache.py stores it)


def tiles_only(data: DashboardData) -> DashboardData:
    """What start-up shows of stored figures — title, sentence, tiles — without the long lists behind the charts
    (the cités, titulaires and lots behind: nine tenths of the territory's figures at 10× scale). Stored apart,
    they are read in a few milliseconds instead of a fifth of a second."""
    return replace(data, cites=[], titulaires=[], lots_behind=[])


def stored_territory_figures(target: str) -> DashboardData | None:
    if "://" in target:
        return None
    path = Path(target)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=0.2,
                               isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")
        login = conn.execute("SELECT value FROM app_setting WHERE key = ?", (LOGIN_SETTING,)).fetchone()
        if login is not None and json.loads(login[0]) is not False:
            return None
        state = conn.execute("SELECT generation FROM report_state WHERE id = 1").fetchone()
        stored = conn.execute("SELECT generation, rules, payload FROM report_cache WHERE key = ?", (TILES,)).fetchone()
        conn.execute("COMMIT")
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()
    if state is None or stored is None or stored[0] != state[0] or stored[1] != figures_json.rules_fingerprint():
        return None
    try:
        return figures_json.loads(stored[2])
    except (ValueError, TypeError, KeyError):
        return None
