"""Per-stall, per-day QR payment figures: one row per stall, day and source."""
from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite

from market.extensions import db
from market.models import PaymentActivity, utcnow
from market.models.evidence import ActivitySource
from market.monitor.clock import local_today
from market.monitor.stale import Reason, mark_stall_days


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(PaymentActivity)


def add_payments(stall_id: int, day: date, source: ActivitySource, payments: int, amount: int) -> None:
    """Add to a day's figures (webhook notifications), atomically under concurrent workers."""
    statement = _insert().values(
        stall_id=stall_id, day=day, source=source, payments=payments, amount=amount, updated_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["stall_id", "day", "source"],
        set_={
            "payments": PaymentActivity.payments + statement.excluded.payments,
            "amount": PaymentActivity.amount + statement.excluded.amount,
            "updated_at": statement.excluded.updated_at,
        },
    )
    db.session.execute(statement)
    mark_late_payments([(stall_id, day)])


def mark_late_payments(stall_days: list[tuple[int, date]]) -> None:
    """Payments of past days change figures already computed: mark them for the next run
    (today's are picked up by the refresh anyway)."""
    today = local_today()
    mark_stall_days(Reason.PAYMENTS, [(stall, day) for stall, day in stall_days if day < today])


def set_day(rows: list[dict]) -> None:
    """Replace days' figures from a bank report (re-importing the same report changes nothing).

    ``rows`` hold stall_id, day, payments and amount. One statement with the rows as its
    parameter sets, so its compiled form is the same for any number of rows (a ``VALUES``
    list of each length would be compiled and kept once per length).
    """
    if not rows:
        return
    now = utcnow()
    statement = _insert()
    statement = statement.on_conflict_do_update(
        index_elements=["stall_id", "day", "source"],
        set_={
            "payments": statement.excluded.payments,
            "amount": statement.excluded.amount,
            "updated_at": statement.excluded.updated_at,
        },
    )
    db.session.execute(statement, [dict(row, source=ActivitySource.REPORT, updated_at=now)
                                   for row in rows])
    mark_late_payments([(row["stall_id"], row["day"]) for row in rows])
