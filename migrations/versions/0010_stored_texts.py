"""stored texts: an alert's detail as a message id and parameters

Revision ID: 0010
Revises: 0009

Alerts opened before keep their words in ``detail``; a swapped-sign alert's words are
rebuilt from its inspection (the scanned account and BIN, which the words were made of),
so those read in the reader's language too. Import jobs need no change of schema: their
stored outcome is JSON, and a problem written as words before is shown as it was written.
"""
from alembic import op
import sqlalchemy as sa

import market.models.base  # noqa: F401  (custom column types)


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SWAPPED = ("Mã quét được trả vào tài khoản %(number)s (BIN %(bin)s), không phải tài khoản "
           "đã đăng ký.")


def upgrade():
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.JSON(), nullable=True))

    alert = sa.table('alert', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                     sa.column('inspection_id', sa.Integer), sa.column('detail', sa.String),
                     sa.column('message', sa.JSON))
    inspection = sa.table('inspection', sa.column('id', sa.Integer),
                          sa.column('scanned_account', sa.String), sa.column('scanned_bin', sa.String))
    connection = op.get_bind()
    swapped = connection.execute(
        sa.select(alert.c.id, inspection.c.scanned_account, inspection.c.scanned_bin)
        .join(inspection, inspection.c.id == alert.c.inspection_id)
        .where(alert.c.kind == 'swapped_sign', inspection.c.scanned_account.is_not(None))
    ).all()
    for alert_id, number, bank_bin in swapped:
        message = {"msgid": SWAPPED, "params": {"number": number, "bin": bank_bin or ""}}
        connection.execute(alert.update().where(alert.c.id == alert_id)
                           .values(message=message, detail=''))


def downgrade():
    alert = sa.table('alert', sa.column('id', sa.Integer), sa.column('detail', sa.String),
                     sa.column('message', sa.JSON))
    connection = op.get_bind()
    rows = connection.execute(sa.select(alert.c.id, alert.c.message)
                              .where(alert.c.message.is_not(None))).all()
    for alert_id, message in rows:
        words = (message["msgid"] % message["params"])[:255]
        connection.execute(alert.update().where(alert.c.id == alert_id).values(detail=words))
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_column('message')
