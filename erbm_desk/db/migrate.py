"""Schema upgrades through Alembic, run from the app itself (no alembic.ini needed)."""

from __future__ import annotations

import functools
from erbm_desk.domain.french import format_count
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

# Alembic is imported inside the functions that need it: importing it costs about 0.15 s, and at every start-up
# the schema is usually already up to date, which `needs_upgrade` checks from the scripts' text (start-up time,
# tests/test_startup_imports.py).
if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class NewerSchemaError(RuntimeError):
    """The database was written by a newer version of the app."""


class MigrationError(RuntimeError):
    """A schema upgrade was refused or failed (French message); the database is left as it was."""


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def _script_directory():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _scripts_at_a_glance() -> tuple[frozenset[str], str | None]:
    return _read_scripts(MIGRATIONS_DIR)  # keyed by folder: a test pointing MIGRATIONS_DIR elsewhere is seen


@functools.lru_cache(maxsize=4)
def _read_scripts(folder: Path) -> tuple[frozenset[str], str | None]:
    """(every revision id, the single head or None) read from the version scripts' text, without Alembic.
    Any script it cannot read plainly (no `revision = "…"` line) gives (empty set, None): callers then ask Alembic."""
    revisions, parents = set(), set()
    for path in (folder / "versions").glob("*.py"):
        if path.name.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", text, re.M)
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.*)$", text, re.M)
        if rev is None or down is None:
            return frozenset(), None
        revisions.add(rev.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    return frozenset(revisions), (next(iter(heads)) if len(heads) == 1 else None)


def _stored_revision(engine: Engine) -> str | None:
    """The database's revision with one plain query (None when there is no single one, or no table yet)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).fetchall()
    except DBAPIError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def head_revision() -> str:
    return _scripts_at_a_glance()[1] or _script_directory().get_current_head()


def base_revision() -> str:
    """The oldest revision in the repository (the first schema ever shipped)."""
    return _script_directory().get_base()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revision(revision: str) -> bool:
    """False for a revision written by a newer version of the app (absent from this version's scripts)."""
    if revision in _scripts_at_a_glance()[0]:
        return True
    try:
        return _script_directory().get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def needs_upgrade(engine: Engine) -> bool:
    head = _scripts_at_a_glance()[1]
    if head is not None and _stored_revision(engine) == head:
        return False  # the usual start-up: already at the head, known without importing Alembic
    current = current_revision(engine)
    script = _script_directory()
    if current is not None and not known_revision(current):
        raise NewerSchemaError(
            "Cette base de données a été créée par une version plus récente d'ERBM Desk. "
            "Mettez l'application à jour pour l'ouvrir."
        )
    return current != script.get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    needs_upgrade(engine)  # refuses a newer schema before touching anything
    cfg = alembic_config(engine)
    if engine.dialect.name == "sqlite":
        _upgrade_sqlite_in_one_transaction(engine, cfg, revision)
        return
    with engine.begin() as conn:  # PostgreSQL: DDL is transactional, the whole upgrade commits or not
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _upgrade_sqlite_in_one_transaction(engine: Engine, cfg: Config, revision: str) -> None:
    """SQLite can roll DDL back, but Python's sqlite3 driver (legacy transaction handling) runs each DDL
    statement in autocommit, so a failure halfway would leave half a migration. Here the driver's implicit
    transactions are switched off and ONE explicit transaction spans every step: an exception or a killed
    process leaves the file as it was. Foreign keys are off during batch table copies (SQLite's documented
    ALTER procedure) and checked before the commit. `services.database` also backs up before upgrading and
    restores that copy if anything goes wrong, in case a future migration escapes this transaction."""
    from alembic import command

    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        saved = raw.isolation_level
        raw.isolation_level = None
        try:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(
                    f"La mise à jour du schéma casserait {format_count(len(broken), 'lien')} entre enregistrements "
                    f"(table {broken[0][0]}) : elle est annulée."
                )
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
            raw.isolation_level = saved
