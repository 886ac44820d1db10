"""import mappings: how each layout of someone's workbook goes into the base, remembered under a name

Revision ID: 0007_import_mappings
Revises: 0004_audit_key
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0007_import_mappings'
down_revision = '0006_parcours'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('shape', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('name', name=op.f('uq_import_mapping_name'))
    )
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_mapping_shape'), ['shape'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_mapping_shape'))
    op.drop_table('import_mapping')
