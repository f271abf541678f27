"""What each monitor job does inside its run's transaction (flush, never commit).

Every run writes in its record which days it computed, for how many markets and why
(``JobRun.computed``), so the run history answers "why did this day's figure change?".
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update

from market.extensions import db
from market.models import AdoptionSnapshot, JobRun, StaleMark
from market.models.adoption import JobKind, RunStatus
from market.monitor.alerts import daily_alert_check
from market.monitor.clock import local_today
from market.monitor.snapshots import markets_changed_since, write_snapshots


class Computed:
    """The days a run computed: one line per day, "<day> <markets or all> <reasons>"."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, day: date, markets: list[int] | None, why: str) -> None:
        self.lines.append(f"{day.isoformat()} {'all' if markets is None else len(markets)} {why}")

    def save(self, run_id: int) -> None:
        db.session.execute(
            update(JobRun).where(JobRun.id == run_id).values(computed="\n".join(self.lines))
            .execution_options(synchronize_session=False)
        )


def full_run(day: date, run_id: int) -> int:
    """Every market's and commune's snapshot for ``day`` (by hand or backfill)."""
    computed = Computed()
    computed.add(day, None, "full")
    computed.save(run_id)
    return write_snapshots(day, run_id)


def close_run(day: date, run_id: int) -> int:
    """After local midnight: ``day`` (the day that ended) computed for every market and
    closed; later changes to it come only from stale marks or a backfill."""
    computed = Computed()
    computed.add(day, None, "close")
    computed.save(run_id)
    return write_snapshots(day, run_id)


def is_closed(day: date) -> bool:
    return db.session.scalar(
        select(JobRun.id).where(JobRun.job == JobKind.CLOSE, JobRun.day == day,
                                JobRun.status == RunStatus.SUCCEEDED).limit(1)
    ) is not None


def is_provisional(day: date) -> bool:
    """The figures of ``day`` may still change in the next refresh: today's, and yesterday's
    until the night run closes it. Older days were computed after they ended (closed,
    backfilled, or recomputed after late evidence) and change only through stale marks."""
    return day >= local_today() - timedelta(days=1) and not is_closed(day)


def light_run(day: date, run_id: int) -> int:
    """Refresh ``day`` (today) for the markets that changed since the last good run for that
    day (the whole day when there is none yet), then recompute the days marked stale."""
    computed = Computed()
    since = db.session.scalar(
        select(JobRun.started_at)
        .where(
            JobRun.day == day,
            JobRun.job.in_([JobKind.FULL, JobKind.LIGHT]),
            JobRun.status == RunStatus.SUCCEEDED,
        )
        .order_by(JobRun.started_at.desc())
        .limit(1)
    )
    rows = 0
    done: set[int] | None = None  # today's markets already computed by this run (None: all)
    if since is None:
        rows += write_snapshots(day, run_id)
        computed.add(day, None, "first_today")
    else:
        done = set(markets_changed_since(since))
        if done:
            rows += write_snapshots(day, run_id, sorted(done))
            computed.add(day, sorted(done), "changes")
    rows += recompute_stale(day, run_id, computed, done)
    computed.save(run_id)
    return rows


def horizon_start(today: date) -> date:
    return today - timedelta(days=int(current_app.config["MONITOR_RECOMPUTE_HORIZON_DAYS"]))


def recompute_stale(today: date, run_id: int, computed: Computed,
                    done_today: set[int] | None = frozenset()) -> int:
    """Recompute, per day up to ``today``, the markets marked stale on or before it, back to
    the horizon and only on days already computed (today: not those in ``done_today``, all
    when it is None); the marks read are then cleared (a mark renewed meanwhile stays for the
    next run)."""
    marks = list(db.session.execute(
        select(StaleMark.id, StaleMark.market_id, StaleMark.reason, StaleMark.since,
               StaleMark.marked_at)
    ))
    if not marks:
        return 0
    first = horizon_start(today)
    for mark in marks:
        if mark.since < first:
            computed.add(mark.since, [mark.market_id], f"{mark.reason}:before_horizon")
    start = max(first, min(mark.since for mark in marks))
    days = set(db.session.scalars(
        select(AdoptionSnapshot.day).where(AdoptionSnapshot.day >= start,
                                           AdoptionSnapshot.day <= today).distinct()
    ))
    rows = 0
    for day in sorted(days):
        markets: dict[int, set[str]] = defaultdict(set)
        for mark in marks:
            if mark.since <= day:
                markets[mark.market_id].add(mark.reason)
        if day == today:
            markets = {market: why for market, why in markets.items()
                       if done_today is not None and market not in done_today}
        if markets:
            rows += write_snapshots(day, run_id, sorted(markets))
            reasons = ",".join(sorted(set().union(*markets.values())))
            computed.add(day, sorted(markets), reasons)
    db.session.execute(delete(StaleMark).where(or_(*(
        and_(StaleMark.id == mark.id, StaleMark.marked_at == mark.marked_at) for mark in marks))))
    return rows


def alert_check(day: date, run_id: int) -> int:
    return daily_alert_check(day)
