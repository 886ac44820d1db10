"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('bailleur',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bailleur')),
    sa.UniqueConstraint('name', name=op.f('uq_bailleur_name')),
    sa.UniqueConstraint('uuid', name=op.f('uq_bailleur_uuid'))
    )
    op.create_table('epci',
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('short_name', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('spel_arrondissement', sa.String(length=40), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_epci')),
    sa.UniqueConstraint('short_name', name=op.f('uq_epci_short_name')),
    sa.UniqueConstraint('siren', name=op.f('uq_epci_siren'))
    )
    op.create_table('commune',
    sa.Column('insee_code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('epci_id', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['epci_id'], ['epci.id'], name=op.f('fk_commune_epci_id_epci')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commune')),
    sa.UniqueConstraint('insee_code', name=op.f('uq_commune_insee_code'))
    )
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_epci_id'), ['epci_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commune_name'), ['name'], unique=False)

    op.create_table('beneficiary',
    sa.Column('last_name', sa.String(length=80), nullable=True),
    sa.Column('first_name', sa.String(length=80), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('pseudonym', sa.String(length=40), nullable=True),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('qpv', sa.Boolean(), nullable=False),
    sa.Column('rsa', sa.Boolean(), nullable=False),
    sa.Column('deld', sa.Boolean(), nullable=False),
    sa.Column('detld', sa.Boolean(), nullable=False),
    sa.Column('rqth', sa.Boolean(), nullable=False),
    sa.Column('ass_aah', sa.Boolean(), nullable=False),
    sa.Column('low_qualification', sa.Boolean(), nullable=False),
    sa.Column('prescriber', sa.String(length=40), nullable=True),
    sa.Column('entry_date', sa.Date(), nullable=True),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('exit_outcome', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_beneficiary_commune_id_commune')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beneficiary')),
    sa.UniqueConstraint('last_name', 'first_name', 'birth_date', name=op.f('uq_beneficiary_last_name_first_name_birth_date')),
    sa.UniqueConstraint('uuid', name=op.f('uq_beneficiary_uuid'))
    )
    with op.batch_alter_table('beneficiary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beneficiary_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_beneficiary_last_name'), ['last_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_beneficiary_pseudonym'), ['pseudonym'], unique=False)

    op.create_table('cite',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('bailleur_id', sa.Integer(), nullable=True),
    sa.Column('homes', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('unesco', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bailleur_id'], ['bailleur.id'], name=op.f('fk_cite_bailleur_id_bailleur')),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_cite_commune_id_commune')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cite')),
    sa.UniqueConstraint('name', 'commune_id', name=op.f('uq_cite_name_commune_id')),
    sa.UniqueConstraint('uuid', name=op.f('uq_cite_uuid'))
    )
    with op.batch_alter_table('cite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cite_bailleur_id'), ['bailleur_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cite_commune_id'), ['commune_id'], unique=False)

    op.create_table('company',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_company_commune_id_commune')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company')),
    sa.UniqueConstraint('siret', name=op.f('uq_company_siret')),
    sa.UniqueConstraint('uuid', name=op.f('uq_company_uuid'))
    )
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_name'), ['name'], unique=False)

    op.create_table('operation',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('cite_id', sa.Integer(), nullable=False),
    sa.Column('nature', sa.String(length=40), nullable=False),
    sa.Column('phase', sa.String(length=40), nullable=False),
    sa.Column('homes', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('delivery_date', sa.Date(), nullable=True),
    sa.Column('energy_before', sa.BigInteger(), nullable=True),
    sa.Column('energy_after', sa.BigInteger(), nullable=True),
    sa.Column('hours_required', sa.BigInteger(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cite_id'], ['cite.id'], name=op.f('fk_operation_cite_id_cite')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation')),
    sa.UniqueConstraint('name', 'cite_id', name=op.f('uq_operation_name_cite_id')),
    sa.UniqueConstraint('uuid', name=op.f('uq_operation_uuid'))
    )
    with op.batch_alter_table('operation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_cite_id'), ['cite_id'], unique=False)

    op.create_table('contract',
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('contract_type', sa.String(length=40), nullable=False),
    sa.Column('delivery_method', sa.String(length=40), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('hours_planned', sa.BigInteger(), nullable=True),
    sa.Column('age_band', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiary.id'], name=op.f('fk_contract_beneficiary_id_beneficiary')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_contract_company_id_company')),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_contract_operation_id_operation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('uuid', name=op.f('uq_contract_uuid'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_operation_id'), ['operation_id'], unique=False)

    op.create_table('funding',
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('funder', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_funding_operation_id_operation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding')),
    sa.UniqueConstraint('operation_id', 'funder', name=op.f('uq_funding_operation_id_funder')),
    sa.UniqueConstraint('uuid', name=op.f('uq_funding_uuid'))
    )
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funding_operation_id'), ['operation_id'], unique=False)

    op.create_table('hours_entry',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('hours', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_hours_entry_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_entry')),
    sa.UniqueConstraint('contract_id', 'month', name=op.f('uq_hours_entry_contract_id_month')),
    sa.UniqueConstraint('uuid', name=op.f('uq_hours_entry_uuid'))
    )
    with op.batch_alter_table('hours_entry', schema=None) as batch_op:
        batch_op.create_index('ix_hours_entry_month', ['month'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('hours_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_hours_entry_month')

    op.drop_table('hours_entry')
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funding_operation_id'))

    op.drop_table('funding')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_operation_id'))
        batch_op.drop_index(batch_op.f('ix_contract_company_id'))
        batch_op.drop_index(batch_op.f('ix_contract_beneficiary_id'))

    op.drop_table('contract')
    with op.batch_alter_table('operation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_cite_id'))

    op.drop_table('operation')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_name'))
        batch_op.drop_index(batch_op.f('ix_company_commune_id'))

    op.drop_table('company')
    with op.batch_alter_table('cite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cite_commune_id'))
        batch_op.drop_index(batch_op.f('ix_cite_bailleur_id'))

    op.drop_table('cite')
    with op.batch_alter_table('beneficiary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beneficiary_pseudonym'))
        batch_op.drop_index(batch_op.f('ix_beneficiary_last_name'))
        batch_op.drop_index(batch_op.f('ix_beneficiary_commune_id'))

    op.drop_table('beneficiary')
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_name'))
        batch_op.drop_index(batch_op.f('ix_commune_epci_id'))

    op.drop_table('commune')
    op.drop_table('epci')
    op.drop_table('bailleur')

