"""payee: who a stall's signs pay, confirmed by a second person

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 11:40:00

"""
from alembic import op
import sqlalchemy as sa

import market.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stall_id', sa.Integer(), nullable=False),
    sa.Column('tenancy_id', sa.Integer(), nullable=False),
    sa.Column('bank_account_id', sa.Integer(), nullable=False),
    sa.Column('first', sa.Boolean(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('made_at', market.models.base.UTCDateTime(), nullable=False),
    sa.Column('confirmed_via', sa.String(length=12), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_link_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', market.models.base.UTCDateTime(), nullable=True),
    sa.Column('ended_at', market.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_account.id'], name=op.f('fk_payee_bank_account_id_bank_account')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_payee_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['confirmed_link_id'], ['vendor_link.id'], name=op.f('fk_payee_confirmed_link_id_vendor_link')),
    sa.ForeignKeyConstraint(['made_by_id'], ['user.id'], name=op.f('fk_payee_made_by_id_user')),
    sa.ForeignKeyConstraint(['stall_id'], ['stall.id'], name=op.f('fk_payee_stall_id_stall')),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'], name=op.f('fk_payee_tenancy_id_tenancy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payee'))
    )
    with op.batch_alter_table('payee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payee_bank_account_id'), ['bank_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payee_stall_id'), ['stall_id'], unique=False)
        batch_op.create_index('uq_payee_open_per_stall', ['stall_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    # Every open tenancy's current account becomes its stall's payee: a change still waiting
    # stays pending, anything else (approved, or from before the rule) stays printable.
    op.execute(
        "INSERT INTO payee (stall_id, tenancy_id, bank_account_id, first, made_at,"
        " confirmed_via, confirmed_by_id, confirmed_at)"
        " SELECT t.stall_id, t.id, a.id, (a.approved_via IS NULL), a.created_at,"
        " CASE WHEN a.approved_via = 'waiting' THEN NULL ELSE a.approved_via END,"
        " a.approved_by_id, a.approved_at"
        " FROM tenancy t JOIN bank_account a ON a.vendor_id = t.vendor_id AND a.retired_at IS NULL"
        " WHERE t.end_on IS NULL"
    )

    with op.batch_alter_table('vendor_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenancy_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_vendor_link_tenancy_id_tenancy'), 'tenancy', ['tenancy_id'], ['id'])
    # A link made before this belongs to the stall's tenant of today.
    op.execute(
        "UPDATE vendor_link SET tenancy_id = (SELECT t.id FROM tenancy t"
        " WHERE t.stall_id = vendor_link.stall_id AND t.end_on IS NULL)"
    )

    with op.batch_alter_table('bank_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bank_account_approved_by_id_user'), type_='foreignkey')
        batch_op.drop_column('approved_via')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('approved_at')


def downgrade():
    with op.batch_alter_table('bank_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', market.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_via', sa.String(length=12), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bank_account_approved_by_id_user'), 'user', ['approved_by_id'], ['id'])
    op.execute(
        "UPDATE bank_account SET approved_via = 'waiting' WHERE id IN (SELECT bank_account_id"
        " FROM payee WHERE ended_at IS NULL AND NOT first AND confirmed_at IS NULL)"
    )

    with op.batch_alter_table('vendor_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_vendor_link_tenancy_id_tenancy'), type_='foreignkey')
        batch_op.drop_column('tenancy_id')

    with op.batch_alter_table('payee', schema=None) as batch_op:
        batch_op.drop_index('uq_payee_open_per_stall', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_payee_stall_id'))
        batch_op.drop_index(batch_op.f('ix_payee_bank_account_id'))

    op.drop_table('payee')
