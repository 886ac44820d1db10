"""Schema upgrades through Alembic, run from the app itself (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class NewerSchemaError(RuntimeError):
    """The database was written by a newer version of the app."""


class MigrationError(RuntimeError):
    """A schema upgrade was refused or failed (French message); the database is left as it was."""


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def base_revision() -> str:
    """The oldest revision in the repository (the first schema ever shipped)."""
    return ScriptDirectory.from_config(alembic_config()).get_base()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revision(revision: str) -> bool:
    """False for a revision written by a newer version of the app (absent from this version's scripts)."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def needs_upgrade(engine: Engine) -> bool:
    current = current_revision(engine)
    script = ScriptDirectory.from_config(alembic_config())
    if current is not None and not known_revision(current):
        raise NewerSchemaError(
            "Cette base de données a été créée par une version plus récente d'ERBM Desk. "
            "Mettez l'application à jour pour l'ouvrir."
        )
    return current != script.get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
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
                    f"La mise à jour du schéma casserait {len(broken)} lien(s) entre enregistrements "
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
