"""Days whose figures no longer hold: late evidence and changes dated in the past mark the
markets and the first day they touch; the next run recomputes those days (``market.jobs.work``).

Evidence of day d can change every day from d on (windows, "lapsed"), so a mark is a market
and a first day; a day not yet computed needs no mark.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from market.extensions import db
from market.models import StaleMark, Stall, utcnow
from market.monitor.clock import local_today


class Reason:
    """Why days were marked (kept in the run history)."""

    PAYMENTS = "payments"
    INSPECTION = "inspection"
    SELF_REPORT = "self_report"
    TENANCY = "tenancy"


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(StaleMark)


def mark_markets(reason: str, since_by_market: dict[int, date]) -> None:
    """Mark each market's days from its date on; an older mark for the reason keeps its day."""
    if not since_by_market:
        return
    now = utcnow()
    statement = _insert().values([
        {"market_id": market_id, "reason": reason, "since": since, "marked_at": now}
        for market_id, since in sorted(since_by_market.items())
    ])
    statement = statement.on_conflict_do_update(
        index_elements=["market_id", "reason"],
        set_={"since": func.min(StaleMark.since, statement.excluded.since)
              if db.session.get_bind().dialect.name == "sqlite"
              else func.least(StaleMark.since, statement.excluded.since),
              "marked_at": statement.excluded.marked_at},
    )
    db.session.execute(statement)


def mark_stall_days(reason: str, stall_days: Iterable[tuple[int, date]]) -> None:
    """Mark the markets of these stalls from the earliest day given for each."""
    today = local_today()
    earliest: dict[int, date] = {}
    for stall_id, day in stall_days:
        if day > today:  # a day not yet computed
            continue
        if stall_id not in earliest or day < earliest[stall_id]:
            earliest[stall_id] = day
    if not earliest:
        return
    by_market: dict[int, date] = {}
    for stall_id, market_id in db.session.execute(
            select(Stall.id, Stall.market_id).where(Stall.id.in_(sorted(earliest)))):
        day = earliest[stall_id]
        if market_id not in by_market or day < by_market[market_id]:
            by_market[market_id] = day
    mark_markets(reason, by_market)


def pending() -> list[StaleMark]:
    return list(db.session.scalars(select(StaleMark).order_by(StaleMark.since, StaleMark.market_id)))
