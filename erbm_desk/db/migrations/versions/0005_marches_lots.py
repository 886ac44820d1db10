"""marches and lots: works contracts, their lots and the insertion clause; contracts keyed to lots

Revision ID: 0005_marches_lots
Revises: 0004_audit_key
Create Date: 2026-12-02

Contract rows get an empty lot: existing bases keep every figure (an operation without lots keeps its own
hours required).
"""

from alembic import op
import sqlalchemy as sa


revision = '0005_marches_lots'
down_revision = '0004_audit_key'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('marche',
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('owner', sa.String(length=160), nullable=True),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('works_start', sa.Date(), nullable=True),
    sa.Column('works_end', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_marche_operation_id_operation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marche')),
    sa.UniqueConstraint('reference', 'operation_id', name=op.f('uq_marche_reference_operation_id')),
    sa.UniqueConstraint('uuid', name=op.f('uq_marche_uuid'))
    )
    with op.batch_alter_table('marche', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marche_operation_id'), ['operation_id'], unique=False)

    op.create_table('lot',
    sa.Column('marche_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=160), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('labour_share', sa.BigInteger(), nullable=True),
    sa.Column('insertion_rate', sa.BigInteger(), nullable=True),
    sa.Column('hourly_cost', sa.BigInteger(), nullable=True),
    sa.Column('hours_stated', sa.BigInteger(), nullable=True),
    sa.Column('penalty_per_hour', sa.BigInteger(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_lot_company_id_company')),
    sa.ForeignKeyConstraint(['marche_id'], ['marche.id'], name=op.f('fk_lot_marche_id_marche')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot')),
    sa.UniqueConstraint('number', 'marche_id', name=op.f('uq_lot_number_marche_id')),
    sa.UniqueConstraint('uuid', name=op.f('uq_lot_uuid'))
    )
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_marche_id'), ['marche_id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contract_lot_id'), ['lot_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contract_lot_id_lot'), 'lot', ['lot_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contract_lot_id_lot'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contract_lot_id'))
        batch_op.drop_column('lot_id')

    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_marche_id'))
        batch_op.drop_index(batch_op.f('ix_lot_company_id'))

    op.drop_table('lot')
    with op.batch_alter_table('marche', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marche_operation_id'))

    op.drop_table('marche')
