"""the person's path: dated eligibility checks, exits, follow-up actions; funding tranches

Revision ID: 0006_parcours
Revises: 0004_audit_key
Create Date: 2026-12-02

The criteria a person carried as current flags (RSA, DELD, DETLD, RQTH, ASS/AAH, low qualification, QPV) and
their prescriber become one eligibility check dated at their entry into the clause: the start of their first
insertion contract, else their entry date, else the day the person was recorded. The exit date and outcome
become an exit; the outcomes outside the PLIE's categories (sans solution, déménagement, abandon) become
« autre sortie » with the old label as its detail. The new records' identifiers derive from the person's, so two
sites that upgrade the same exchanged person get the same check and exit (their workbooks still merge).

A funder may now give an operation several dated lines: the unique key of a funding line takes its date.
"""

import uuid
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op


revision = '0006_parcours'
down_revision = '0005_marches_lots'
branch_labels = None
depends_on = None

CRITERIA = ('rsa', 'deld', 'detld', 'rqth', 'ass_aah', 'low_qualification', 'qpv')
OUTCOMES = {'emploi_durable', 'emploi_transition', 'formation', 'creation_activite', 'sortie_positive', 'autre'}
OLD_OUTCOMES = {'sans_solution': 'Sans solution', 'demenagement': 'Déménagement', 'abandon': 'Abandon'}
NAMESPACE = uuid.UUID('3f0d1c2e-6a55-4c39-9d0e-2b8f5e0c7a11')  # of the records this upgrade creates


def _record_columns():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
    ]


def _create_tables() -> None:
    op.create_table('eligibility_check',
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('check_date', sa.Date(), nullable=False),
    *(sa.Column(name, sa.Boolean(), nullable=False) for name in CRITERIA),
    sa.Column('prescriber', sa.String(length=40), nullable=True),
    sa.Column('validated_by', sa.String(length=120), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiary.id'], name=op.f('fk_eligibility_check_beneficiary_id_beneficiary')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_check')),
    sa.UniqueConstraint('beneficiary_id', 'check_date', name=op.f('uq_eligibility_check_beneficiary_id_check_date')),
    sa.UniqueConstraint('uuid', name=op.f('uq_eligibility_check_uuid'))
    )
    with op.batch_alter_table('eligibility_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_check_beneficiary_id'), ['beneficiary_id'], unique=False)

    op.create_table('followup_action',
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('action_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('in_charge', sa.String(length=120), nullable=True),
    sa.Column('next_action_date', sa.Date(), nullable=True),
    sa.Column('next_action', sa.String(length=200), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiary.id'], name=op.f('fk_followup_action_beneficiary_id_beneficiary')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_action')),
    sa.UniqueConstraint('beneficiary_id', 'action_date', 'kind', name=op.f('uq_followup_action_beneficiary_id_action_date_kind')),
    sa.UniqueConstraint('uuid', name=op.f('uq_followup_action_uuid'))
    )
    with op.batch_alter_table('followup_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_action_beneficiary_id'), ['beneficiary_id'], unique=False)
        batch_op.create_index('ix_followup_action_next_action_date', ['next_action_date'], unique=False)

    op.create_table('path_exit',
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('exit_date', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('situation_6m', sa.String(length=40), nullable=True),
    sa.Column('situation_date', sa.Date(), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiary.id'], name=op.f('fk_path_exit_beneficiary_id_beneficiary')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_path_exit')),
    sa.UniqueConstraint('beneficiary_id', 'exit_date', name=op.f('uq_path_exit_beneficiary_id_exit_date')),
    sa.UniqueConstraint('uuid', name=op.f('uq_path_exit_uuid'))
    )
    with op.batch_alter_table('path_exit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_path_exit_beneficiary_id'), ['beneficiary_id'], unique=False)


_beneficiary = sa.table(
    'beneficiary', sa.column('id', sa.Integer), sa.column('uuid', sa.String), sa.column('created_at', sa.DateTime),
    sa.column('entry_date', sa.Date), sa.column('exit_date', sa.Date), sa.column('exit_outcome', sa.String),
    sa.column('prescriber', sa.String), *(sa.column(name, sa.Boolean) for name in CRITERIA))
_contract = sa.table('contract', sa.column('beneficiary_id', sa.Integer), sa.column('start_date', sa.Date),
                     sa.column('end_date', sa.Date))
_check = sa.table('eligibility_check', sa.column('beneficiary_id', sa.Integer), sa.column('check_date', sa.Date),
                  sa.column('prescriber', sa.String), sa.column('validated_by', sa.String),
                  *(sa.column(name, sa.Boolean) for name in CRITERIA), sa.column('id', sa.Integer),
                  sa.column('uuid', sa.String), sa.column('created_at', sa.DateTime),
                  sa.column('updated_at', sa.DateTime), sa.column('version', sa.Integer))
_exit = sa.table('path_exit', sa.column('beneficiary_id', sa.Integer), sa.column('exit_date', sa.Date),
                 sa.column('outcome', sa.String), sa.column('detail', sa.String), sa.column('id', sa.Integer),
                 sa.column('uuid', sa.String), sa.column('created_at', sa.DateTime),
                 sa.column('updated_at', sa.DateTime), sa.column('version', sa.Integer))


def _day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _derived_uuid(person_uuid: str, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f'{person_uuid}:{what}'))


def _move_flags_and_exits() -> None:
    bind = op.get_bind()
    first_start = (sa.select(sa.func.min(_contract.c.start_date))
                   .where(_contract.c.beneficiary_id == _beneficiary.c.id).scalar_subquery())
    last_end = (sa.select(sa.func.max(_contract.c.end_date))
                .where(_contract.c.beneficiary_id == _beneficiary.c.id).scalar_subquery())
    rows = bind.execute(sa.select(_beneficiary, first_start.label('first_start'), last_end.label('last_end'))
                        .order_by(_beneficiary.c.id)).mappings().all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    checks, exits = [], []
    for r in rows:
        recorded = _day(r['created_at']) or now.date()
        checks.append(dict(
            id=len(checks) + 1, uuid=_derived_uuid(r['uuid'], 'diagnostic'), beneficiary_id=r['id'],
            check_date=r['first_start'] or r['entry_date'] or recorded, prescriber=r['prescriber'],
            validated_by=None, created_at=now, updated_at=now, version=1,
            **{name: bool(r[name]) for name in CRITERIA}))
        if r['exit_date'] is None and r['exit_outcome'] is None:
            continue
        outcome, detail = r['exit_outcome'], None
        if outcome in OLD_OUTCOMES:
            outcome, detail = 'autre', OLD_OUTCOMES[outcome]
        elif outcome not in OUTCOMES:
            outcome, detail = 'autre', 'Motif non renseigné'
        exits.append(dict(
            id=len(exits) + 1, uuid=_derived_uuid(r['uuid'], 'sortie'), beneficiary_id=r['id'],
            exit_date=r['exit_date'] or r['last_end'] or r['entry_date'] or recorded, outcome=outcome,
            detail=detail, created_at=now, updated_at=now, version=1))
    for table, values in ((_check, checks), (_exit, exits)):
        for i in range(0, len(values), 5000):
            bind.execute(table.insert(), values[i:i + 5000])
    if bind.dialect.name == 'postgresql':  # ids given explicitly: the sequences must follow
        for name in ('eligibility_check', 'path_exit'):
            bind.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                 f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))


def upgrade() -> None:
    _create_tables()
    _move_flags_and_exits()
    with op.batch_alter_table('beneficiary', schema=None) as batch_op:
        for name in (*CRITERIA, 'prescriber', 'exit_date', 'exit_outcome'):
            batch_op.drop_column(name)
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_funding_operation_id_funder'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_funding_operation_id_funder_granted_on'),
                                          ['operation_id', 'funder', 'granted_on'])


def downgrade() -> None:
    """Back to flags on the person (the check at entry: the latest on or before the first contract's start, else
    the earliest) and one exit (the latest); a second line of a funder on an operation cannot go back: refused."""
    bind = op.get_bind()
    doubled = bind.execute(sa.text(
        'SELECT COUNT(*) FROM (SELECT operation_id, funder FROM funding GROUP BY operation_id, funder '
        'HAVING COUNT(*) > 1) AS d')).scalar()
    if doubled:
        raise RuntimeError('Des opérations ont plusieurs lignes d\'un même financeur : retour arrière impossible.')
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_funding_operation_id_funder_granted_on'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_funding_operation_id_funder'), ['operation_id', 'funder'])
    with op.batch_alter_table('beneficiary', schema=None) as batch_op:
        for name in CRITERIA:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('prescriber', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('exit_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('exit_outcome', sa.String(length=40), nullable=True))
    firsts = dict(bind.execute(sa.select(_contract.c.beneficiary_id, sa.func.min(_contract.c.start_date))
                               .group_by(_contract.c.beneficiary_id)).all())
    by_person: dict[int, list] = {}
    for row in bind.execute(sa.select(_check).order_by(_check.c.check_date)).mappings():
        by_person.setdefault(row['beneficiary_id'], []).append(row)
    for person, checks in by_person.items():
        entry = firsts.get(person)
        before = [c for c in checks if entry is not None and c['check_date'] <= entry]
        chosen = before[-1] if before else checks[0]
        bind.execute(_beneficiary.update().where(_beneficiary.c.id == person).values(
            prescriber=chosen['prescriber'], **{name: bool(chosen[name]) for name in CRITERIA}))
    for row in bind.execute(sa.select(_exit).order_by(_exit.c.exit_date)).mappings().all():
        bind.execute(_beneficiary.update().where(_beneficiary.c.id == row['beneficiary_id']).values(
            exit_date=row['exit_date'], exit_outcome=row['outcome']))
    for name in ('path_exit', 'followup_action', 'eligibility_check'):
        op.drop_table(name)
