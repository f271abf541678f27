"""Daily snapshots of the ladder per market and per commune, written set-based in SQL."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import Select, delete, func, insert, literal, select

from market.extensions import db
from market.models import (
    AdoptionSnapshot,
    BankAccount,
    Inspection,
    Market,
    Payee,
    PaymentActivity,
    SelfReport,
    Sign,
    Stall,
    Tenancy,
    utcnow,
)
from market.models.registry import StallStatusChange
from market.monitor.ladder import (
    count_columns,
    market_on_day,
    prepare_for_large_queries,
    steps_table,
)

FIGURES = (
    "operating",
    "no_account",
    "registered",
    "issued",
    "displayed",
    "active",
    "lapsed",
    "declined",
    "reached_registered",
    "reached_displayed",
    "reached_active",
)


def market_counts(day: date, markets: Collection[int] | None = None) -> Select:
    """Per market counting on ``day``: the ladder's figures (markets without operating stalls
    give 0; a market retired later still has its row for the days it counted)."""
    steps = steps_table(day, markets=markets)
    counts = (
        select(steps.c.market_id, *count_columns(steps)).group_by(steps.c.market_id).subquery("counts")
    )
    query = (
        select(Market.id.label("market_id"), *(func.coalesce(counts.c[f], 0).label(f) for f in FIGURES))
        .outerjoin(counts, counts.c.market_id == Market.id)
        .where(market_on_day(day))
    )
    if markets is not None:
        query = query.where(Market.id.in_(list(markets)))
    return query


def write_market_snapshots(day: date, run_id: int | None, markets: Collection[int] | None = None) -> int:
    """Replace the day's market rows (all markets, or only ``markets``): a market that did not
    count that day (not yet opened, retired) has none. Flushes, never commits."""
    prepare_for_large_queries()
    replaced = delete(AdoptionSnapshot).where(
        AdoptionSnapshot.day == day, AdoptionSnapshot.market_id.is_not(None)
    )
    if markets is not None:
        replaced = replaced.where(AdoptionSnapshot.market_id.in_(list(markets)))
    db.session.execute(replaced)
    counts = market_counts(day, markets).subquery("market_counts")
    rows = select(
        literal(day).label("day"),
        counts.c.market_id,
        *(counts.c[f] for f in FIGURES),
        literal(utcnow(), AdoptionSnapshot.computed_at.type).label("computed_at"),
        literal(run_id, AdoptionSnapshot.run_id.type).label("run_id"),
    )
    columns = ["day", "market_id", *FIGURES, "computed_at", "run_id"]
    db.session.execute(insert(AdoptionSnapshot).from_select(columns, rows))
    written = select(func.count()).where(
        AdoptionSnapshot.day == day, AdoptionSnapshot.market_id.is_not(None)
    )
    if markets is not None:
        written = written.where(AdoptionSnapshot.market_id.in_(list(markets)))
    return db.session.scalar(written)


def write_commune_snapshots(day: date, run_id: int | None, markets: Collection[int] | None = None) -> int:
    """Replace the day's commune rows by summing its market rows (only the communes of
    ``markets`` when given)."""
    communes = select(Market.commune_id)
    if markets is not None:
        communes = communes.where(Market.id.in_(list(markets)))
    db.session.execute(
        delete(AdoptionSnapshot).where(
            AdoptionSnapshot.day == day, AdoptionSnapshot.commune_id.in_(communes)
        )
    )
    rows = (
        select(
            literal(day).label("day"),
            Market.commune_id,
            *(func.sum(getattr(AdoptionSnapshot, f)).label(f) for f in FIGURES),
            literal(utcnow(), AdoptionSnapshot.computed_at.type).label("computed_at"),
            literal(run_id, AdoptionSnapshot.run_id.type).label("run_id"),
        )
        .join(Market, Market.id == AdoptionSnapshot.market_id)
        .where(AdoptionSnapshot.day == day, Market.commune_id.in_(communes))
        .group_by(Market.commune_id)
    )
    columns = ["day", "commune_id", *FIGURES, "computed_at", "run_id"]
    db.session.execute(insert(AdoptionSnapshot).from_select(columns, rows))
    # (SQLite reports no row count for an INSERT that starts with WITH: count instead.)
    return db.session.scalar(
        select(func.count()).where(
            AdoptionSnapshot.day == day, AdoptionSnapshot.commune_id.in_(communes)
        )
    )


def write_snapshots(day: date, run_id: int | None, markets: Collection[int] | None = None) -> int:
    """The day's snapshots for every market and commune (or those of ``markets``): rows written."""
    written = write_market_snapshots(day, run_id, markets)
    written += write_commune_snapshots(day, run_id, markets)
    db.session.flush()
    return written


def markets_changed_since(moment: datetime) -> list[int]:
    """Markets with new evidence or registry changes since ``moment`` that alter today's
    figures (for the light refresh). Changes dated in the past (tenancy dates, late evidence)
    also leave stale marks (``market.monitor.stale``)."""
    opened_or_retired = select(Market.id).where(
        (Market.retired_at >= moment) | (Market.created_at >= moment))
    stall_ids = (
        select(Inspection.stall_id).where(Inspection.received_at >= moment)
        .union(
            select(SelfReport.stall_id).where(SelfReport.reported_at >= moment),
            select(PaymentActivity.stall_id).where(PaymentActivity.updated_at >= moment),
            select(Sign.stall_id).where(Sign.issued_at >= moment),
            select(Stall.id).where(Stall.created_at >= moment),
            select(StallStatusChange.stall_id).where(StallStatusChange.recorded_at >= moment),
            select(Tenancy.stall_id)
            .join(BankAccount, BankAccount.vendor_id == Tenancy.vendor_id)
            .where(
                (BankAccount.created_at >= moment)
                | (BankAccount.retired_at >= moment),
            ),
            select(Payee.stall_id).where(
                (Payee.made_at >= moment) | (Payee.confirmed_at >= moment) | (Payee.ended_at >= moment)
            ),
        )
        .subquery()
    )
    changed = select(Stall.market_id).where(Stall.id.in_(select(stall_ids.c[0])))
    return sorted(set(db.session.scalars(changed.union(opened_or_retired))))


def latest_snapshot(market_id: int | None = None, commune_id: int | None = None) -> AdoptionSnapshot | None:
    query = select(AdoptionSnapshot).order_by(AdoptionSnapshot.day.desc()).limit(1)
    if market_id is not None:
        query = query.where(AdoptionSnapshot.market_id == market_id)
    else:
        query = query.where(AdoptionSnapshot.commune_id == commune_id)
    return db.session.scalar(query)
