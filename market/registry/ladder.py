"""The adoption step of the stalls in a table, from the monitor's ladder (the one place that
decides steps).

Building and running the ladder costs more than the rest of the stalls page, so the steps of a
whole market (and its list of zones) are kept for ``REGISTRY_STEP_CACHE_SECONDS`` (30 s by
default, 0 turns it off) in each worker: a table (and the step filter, whose table is kept as
long: ``page_parts``) may show a step up to that long after a change, while the stall page
always asks the ladder afresh.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, select

from market import audit
from market.extensions import db
from market.kept import Kept
from market.models import AdoptionStep, Market, Stall
from market.monitor.clock import local_today
from market.monitor.ladder import stall_steps
from market.registry import queries

FEW_MARKETS = 3
_markets = Kept(256)


def market_steps(market: Market, today: date) -> dict[int, str]:
    """Every operating stall of the market with its step today (kept a short while)."""

    def ask_the_ladder() -> dict[int, str]:
        steps = stall_steps(today, markets=[market.id]).subquery()
        return dict(db.session.execute(select(steps.c.stall_id, steps.c.step)).all())

    return _kept(("steps", today), market, ask_the_ladder)


def market_zones(market: Market) -> list[str]:
    """The zones the market's stalls use, for the filter (kept like the steps, and while no
    change is recorded)."""
    return _kept(("zones",), market, lambda: queries.zones(market), state=audit.newest())


def _kept(what: tuple, market: Market, compute: Callable[[], Any], state: Any = None) -> Any:
    # created_at tells apart a market that reuses the id of a deleted one.
    key = (*what, str(db.engine.url), market.id,
           market.created_at.isoformat() if market.created_at else "")
    return _markets.get(key, compute, state=state, seconds=step_seconds())


def step_seconds() -> float:
    return float(current_app.config.get("REGISTRY_STEP_CACHE_SECONDS", 30))


def with_steps(query: Select, step: str, number: int,
               market: Market | None = None) -> queries.Page:
    """A page of ``query`` (optionally only stalls at ``step``), each row with its step.

    Rows from a few markets take their steps from ``market_steps``; rows spread over many
    (a wide search) from one ladder query bounded to the page's stalls.
    """
    today = local_today()
    if step:
        steps = stall_steps(today, markets=[market.id] if market else None).subquery("steps")
        query = query.join(steps, steps.c.stall_id == Stall.id).where(steps.c.step == step)
    page = queries.page_of(query, number)
    markets = {row.market.id: row.market for row in page.rows}
    if step:
        found = {row.stall.id: step for row in page.rows}
    elif len(markets) <= FEW_MARKETS:
        found = {}
        for each in markets.values():
            found.update(market_steps(each, today))
    else:
        steps = stall_steps(today, markets=sorted(markets),
                            stalls=[row.stall.id for row in page.rows]).subquery()
        found = dict(db.session.execute(select(steps.c.stall_id, steps.c.step)).all())
    for row in page.rows:
        value = found.get(row.stall.id)
        row.step = AdoptionStep(value) if value else None
    return page
