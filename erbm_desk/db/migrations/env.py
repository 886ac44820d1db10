"""Alembic environment: runs on the connection handed over by `erbm_desk.db.migrate`, batch mode for SQLite."""

from alembic import context

from erbm_desk.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run from a shell: build an engine from the configured URL
    from erbm_desk.db.engine import make_engine

    connection = make_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
