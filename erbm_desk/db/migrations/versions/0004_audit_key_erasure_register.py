"""keyed audit chain (key_id per entry) and the register of erasures

Revision ID: 0004_audit_key
Revises: 0003_exchange
Create Date: 2026-11-22

The register is filled from the erasures already recorded in the audit log (action « erase »), so that a
database upgraded from 0003 already knows whom to erase again after restoring an older backup.
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_audit_key'
down_revision = '0003_exchange'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=True))
    op.create_table('erasure_register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_uuid', sa.String(length=36), nullable=False),
    sa.Column('erased_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_register')),
    sa.UniqueConstraint('beneficiary_uuid', name=op.f('uq_erasure_register_beneficiary_uuid'))
    )
    op.execute(
        "INSERT INTO erasure_register (beneficiary_uuid, erased_at, reason) "
        "SELECT record_uuid, MIN(at), 'effacement journalisé' FROM audit_log "
        "WHERE action = 'erase' AND entity = 'beneficiary' AND record_uuid IS NOT NULL GROUP BY record_uuid"
    )


def downgrade() -> None:
    op.drop_table('erasure_register')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('key_id')
