"""the generation of the data the indicators read, and the figures kept for the dashboard's first screen

Revision ID: 0009_report_cache
Revises: 0004_audit_key
Create Date: 2026-12-02

`report_state` holds one row (generation 0); `report_cache` starts empty: the first dashboard computed after the
upgrade fills it.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009_report_cache'
down_revision = '0007_import_mappings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_state'))
    )
    op.execute("INSERT INTO report_state (id, generation) VALUES (1, 0)")
    op.create_table('report_cache',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('rules', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_report_cache'))
    )


def downgrade() -> None:
    op.drop_table('report_cache')
    op.drop_table('report_state')
