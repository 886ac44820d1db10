"""exchange log: this database's site id and the workbooks imported (Excel exchange)

Revision ID: 0003_exchange
Revises: 0002_accounts
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_exchange'
down_revision = '0002_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_site')),
    sa.UniqueConstraint('uuid', name=op.f('uq_exchange_site_uuid'))
    )
    op.create_table('exchange_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_site', sa.String(length=36), nullable=True),
    sa.Column('organisation', sa.String(length=160), nullable=True),
    sa.Column('exported_at', sa.DateTime(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_import'))
    )
    with op.batch_alter_table('exchange_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_import_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_import_source_site'), ['source_site'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('exchange_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_import_source_site'))
        batch_op.drop_index(batch_op.f('ix_exchange_import_file_sha256'))
    op.drop_table('exchange_import')
    op.drop_table('exchange_site')
