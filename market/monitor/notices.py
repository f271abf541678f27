"""Recording checked payment notices in bulk: one INSERT for the notices, their days' figures
added in the same statement on PostgreSQL, each notice counted once whatever the retries.

A notice whose (partner, transaction) is already stored is a duplicate: the INSERT skips it
(``ON CONFLICT DO NOTHING``, which also waits for a concurrent insert of the same pair to
commit), and only the rows it did insert add to the stalls' daily figures.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    String,
    bindparam,
    case,
    column,
    func,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from market.extensions import db
from market.models import PaymentActivity, PaymentNotification, utcnow
from market.models.base import UTCDateTime
from market.models.evidence import ActivitySource, NotificationStatus
from market.monitor.activity import mark_late_payments
from market.monitor.clock import local_day


@dataclass(frozen=True)
class Notice:
    """A notice that passed its checks, with the stall it pays (None: quarantined)."""

    transaction_id: str
    account_number: str
    bank_bin: str
    amount: int
    paid_at: datetime
    stall_id: int | None
    reason: str | None = None  # why no stall, when none

    @property
    def status(self) -> NotificationStatus:
        return NotificationStatus.APPLIED if self.stall_id else NotificationStatus.QUARANTINED

    @property
    def day(self) -> date:
        return local_day(self.paid_at)


@dataclass(frozen=True)
class Outcome:
    notification_id: int
    status: NotificationStatus
    duplicate: bool


def answer_before_the_disk() -> None:
    """PostgreSQL, unless ``PAYMENT_NOTICE_WAITS_FOR_DISK``: this transaction's commit returns
    before its WAL reaches the disk (``synchronous_commit = off`` for it alone).

    A notice sent alone costs little but its commit, and the disk's flush is most of that. The
    commit is atomic and at once visible, so a retry is still a duplicate and counts stay
    exact; only a crash of the database server within a fraction of a second of the answer
    can lose notices (each whole, with its count), which the partner's daily report restores:
    a day counts the larger of its report and its notices."""
    if (db.session.get_bind().dialect.name == "postgresql"
            and not current_app.config["PAYMENT_NOTICE_WAITS_FOR_DISK"]):
        # The driver's SQL as it is: nothing to compile, no ORM around it.
        db.session.connection().exec_driver_sql("SET LOCAL synchronous_commit = off")


def record_notices(partner_id: int, notices: list[Notice]) -> list[Outcome]:
    """Store the notices not stored yet and add the applied ones to their stalls' days;
    the outcome of each notice, in order (a transaction given twice is a duplicate the second
    time). Executes, never commits."""
    first: dict[str, Notice] = {}
    for notice in notices:
        first.setdefault(notice.transaction_id, notice)
    # One order for every writer, so two batches sharing rows wait for each other rather
    # than deadlock.
    fresh = sorted(first.values(), key=lambda n: n.transaction_id)
    if db.session.get_bind().dialect.name == "postgresql":
        inserted = _insert_and_count(partner_id, fresh)
    else:
        inserted = _insert(partner_id, fresh)
        _count(partner_id, fresh, inserted)
    mark_late_payments([(n.stall_id, n.day) for n in fresh
                        if n.stall_id and n.transaction_id in inserted])
    missing = [t for t in first if t not in inserted]
    stored = _stored(partner_id, missing) if missing else {}
    outcomes, answered = [], set()
    for notice in notices:
        tid = notice.transaction_id
        if tid in inserted and tid not in answered:
            outcomes.append(Outcome(inserted[tid], notice.status, duplicate=False))
        else:
            found_id, found_status = stored.get(tid) or (inserted[tid], first[tid].status)
            outcomes.append(Outcome(found_id, found_status, duplicate=True))
        answered.add(tid)
    return outcomes


def _rows(partner_id: int, notices: list[Notice]) -> list[dict]:
    now = utcnow()
    return [{"partner_id": partner_id, "transaction_id": n.transaction_id,
             "account_number": n.account_number, "bank_bin": n.bank_bin, "amount": n.amount,
             "paid_at": n.paid_at, "received_at": now, "stall_id": n.stall_id,
             "status": n.status, "reason": n.reason or ""} for n in notices]


def _insert(partner_id: int, notices: list[Notice]) -> dict[str, int]:
    """SQLite: the notices' INSERT, answering the ids of the rows it made."""
    statement = (sqlite.insert(PaymentNotification.__table__)
                 .on_conflict_do_nothing(index_elements=["partner_id", "transaction_id"])
                 .returning(PaymentNotification.transaction_id, PaymentNotification.id))
    # Many parameter sets of one compiled statement (SQLAlchemy batches them into a few
    # INSERTs with RETURNING).
    return dict(db.session.connection().execute(statement, _rows(partner_id, notices)).all())


def _count(partner_id: int, notices: list[Notice], inserted: dict[str, int]) -> None:
    """SQLite: add the inserted applied notices to their stalls' days, one upsert."""
    days: Counter = Counter()  # insertion order: by transaction; SQLite writes one at a time
    amounts: Counter = Counter()
    for n in notices:
        if n.stall_id and n.transaction_id in inserted:
            days[(n.stall_id, n.day)] += 1
            amounts[(n.stall_id, n.day)] += n.amount
    if not days:
        return
    now = utcnow()
    statement = sqlite.insert(PaymentActivity).values([
        {"stall_id": stall_id, "day": day, "source": ActivitySource.WEBHOOK,
         "payments": count, "amount": amounts[(stall_id, day)], "updated_at": now}
        for (stall_id, day), count in days.items()])
    db.session.execute(_adding(statement))


def _adding(statement):
    """An upsert of daily figures that adds to what the day already has."""
    return statement.on_conflict_do_update(
        index_elements=["stall_id", "day", "source"],
        set_={"payments": PaymentActivity.payments + statement.excluded.payments,
              "amount": PaymentActivity.amount + statement.excluded.amount,
              "updated_at": statement.excluded.updated_at})


def _insert_and_count(partner_id: int, notices: list[Notice]) -> dict[str, int]:
    """PostgreSQL: one statement inserts the notices and adds the ones it inserted and
    applied to their stalls' days (a data-modifying CTE); the ids of the rows it made.

    The notices travel as one array per column (``unnest``), so the statement's text is the
    same for any number of them and compiled once per process."""
    statement = _inserting_and_counting()
    rows = db.session.execute(statement, {
        "partner_id": partner_id, "now": utcnow(),
        "transaction_ids": [n.transaction_id for n in notices],
        "account_numbers": [n.account_number for n in notices],
        "bank_bins": [n.bank_bin for n in notices],
        "amounts": [n.amount for n in notices],
        "paid_ats": [n.paid_at for n in notices],
        "stall_ids": [n.stall_id for n in notices],
        "days": [n.day for n in notices],
        "reasons": [n.reason or "" for n in notices],
    })
    return dict(rows.all())


@cache
def _inserting_and_counting():
    notification = PaymentNotification.__table__
    arrays = [("transaction_ids", String), ("account_numbers", String), ("bank_bins", String),
              ("amounts", BigInteger), ("paid_ats", DateTime(timezone=True)),
              ("stall_ids", Integer), ("days", Date), ("reasons", String)]
    incoming = func.unnest(*(bindparam(name, type_=postgresql.ARRAY(kind))
                             for name, kind in arrays)).table_valued(
        column("transaction_id", String), column("account_number", String),
        column("bank_bin", String), column("amount", BigInteger),
        column("paid_at", DateTime(timezone=True)), column("stall_id", Integer),
        column("day", Date), column("reason", String)).render_derived(name="incoming")
    status = notification.c.status.type
    now = bindparam("now", type_=UTCDateTime())
    new = (
        postgresql.insert(notification)
        .from_select(
            ["partner_id", "transaction_id", "account_number", "bank_bin", "amount", "paid_at",
             "received_at", "stall_id", "status", "reason"],
            select(bindparam("partner_id", type_=Integer), incoming.c.transaction_id,
                   incoming.c.account_number, incoming.c.bank_bin, incoming.c.amount,
                   incoming.c.paid_at, now, incoming.c.stall_id,
                   case((incoming.c.stall_id.is_(None),
                         literal(NotificationStatus.QUARANTINED, status, literal_execute=True)),
                        else_=literal(NotificationStatus.APPLIED, status, literal_execute=True)),
                   incoming.c.reason)
            .order_by(incoming.c.transaction_id),
        )
        .on_conflict_do_nothing(index_elements=["partner_id", "transaction_id"])
        .returning(notification.c.id, notification.c.transaction_id, notification.c.stall_id,
                   notification.c.amount)
        .cte("new")
    )
    per_day = (
        select(new.c.stall_id, incoming.c.day,
               literal(ActivitySource.WEBHOOK, PaymentActivity.__table__.c.source.type,
                       literal_execute=True),
               func.count(), func.sum(new.c.amount), now)
        .join_from(new, incoming, incoming.c.transaction_id == new.c.transaction_id)
        .where(new.c.stall_id.is_not(None))
        .group_by(new.c.stall_id, incoming.c.day)
        .order_by(new.c.stall_id, incoming.c.day)
    )
    counted = _adding(postgresql.insert(PaymentActivity).from_select(
        ["stall_id", "day", "source", "payments", "amount", "updated_at"], per_day)).cte("counted")
    return select(new.c.transaction_id, new.c.id).add_cte(counted)


def _stored(partner_id: int, transaction_ids: list[str]) -> dict[str, tuple[int, NotificationStatus]]:
    """The stored id and status of each of these transactions (the duplicates)."""
    rows = db.session.execute(
        select(PaymentNotification.transaction_id, PaymentNotification.id,
               PaymentNotification.status)
        .where(PaymentNotification.partner_id == partner_id,
               PaymentNotification.transaction_id.in_(transaction_ids))
    )
    return {tid: (id_, status) for tid, id_, status in rows}
