"""phone records: when the server received an inspection or a visit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 11:40:00

The observed time (stamped by the phone) stays in inspected_at / visited_at; rows already
stored were received when they were made.
"""
from alembic import op
import sqlalchemy as sa

import market.models.base


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', market.models.base.UTCDateTime(), nullable=True))
    op.execute("UPDATE inspection SET received_at = inspected_at")
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.alter_column('received_at', existing_type=market.models.base.UTCDateTime(), nullable=False)
        batch_op.create_index('ix_inspection_received', ['received_at'], unique=False)

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', market.models.base.UTCDateTime(), nullable=True))
    op.execute("UPDATE visit SET received_at = visited_at")
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.alter_column('received_at', existing_type=market.models.base.UTCDateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('received_at')

    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_received')
        batch_op.drop_column('received_at')
