"""A market's floor plan: its stalls by zone, row and number, each with its ladder step.

The steps come from the ladder's one query for the market's stalls; they are kept per process
until the snapshots change (the job's light refresh runs every few minutes), like the other
dashboard figures. Open swapped-sign alerts are read again after a few seconds.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from market.dashboard.figures import cached
from market.extensions import db
from market.models import AdoptionStep, Alert, Market, Stall, StallStatus, utcnow
from market.models.evidence import AlertKind
from market.monitor.ladder import stall_steps


@dataclass
class PlanStall:
    id: int
    code: str
    number: int | None
    status: StallStatus
    step: AdoptionStep | None  # None for vacant and closed stalls
    swapped_sign: bool


@dataclass
class PlanRow:
    name: str
    stalls: list[PlanStall] = field(default_factory=list)


@dataclass
class PlanZone:
    name: str
    rows: list[PlanRow] = field(default_factory=list)


@dataclass
class FloorPlan:
    zones: list[PlanZone]
    counts: Counter  # by step value, plus "vacant"/"closed" and "swapped_sign"
    computed_at: datetime


_recent_alerts: dict[tuple[str, int], tuple[float, frozenset[int]]] = {}


def recent_swapped_signs(market_id: int) -> frozenset[int]:
    """``open_swapped_signs``, asked of the database at most every
    ``DASHBOARD_VERSION_CHECK_SECONDS`` (default 5) per market and process."""
    ttl = float(current_app.config.get("DASHBOARD_VERSION_CHECK_SECONDS", 5))
    key = (str(db.engine.url), market_id)
    now = time.monotonic()
    known = _recent_alerts.get(key)
    if known is None or now - known[0] >= ttl:
        if len(_recent_alerts) > 4096:
            _recent_alerts.clear()
        known = (now, frozenset(open_swapped_signs(market_id)))
        _recent_alerts[key] = known
    return known[1]


def open_swapped_signs(market_id: int) -> set[int]:
    """Stalls of the market with an open swapped-sign alert."""
    return set(db.session.scalars(
        select(Alert.stall_id).where(
            Alert.market_id == market_id, Alert.kind == AlertKind.SWAPPED_SIGN,
            Alert.closed_at.is_(None), Alert.stall_id.is_not(None),
        )
    ))


def layout_with_steps(market_id: int, day: date) -> tuple[datetime, list]:
    """The market's stalls in layout order with their step on ``day`` (one ladder query)."""
    steps = stall_steps(day, markets=[market_id]).subquery("steps")
    rows = db.session.execute(
        select(Stall.id, Stall.code, Stall.zone, Stall.row, Stall.number, Stall.status, steps.c.step)
        .outerjoin(steps, steps.c.stall_id == Stall.id)
        .where(Stall.market_id == market_id)
        .order_by(Stall.zone, Stall.row, Stall.number, Stall.code)
    ).all()
    return utcnow(), [tuple(row) for row in rows]


def floor_plan(market: Market, day: date, alerted: frozenset[int] | None = None) -> FloorPlan:
    """Every stall of ``market`` in layout order with its step on ``day``; ``alerted``: the
    stalls with an open swapped-sign alert, when the caller has them already."""
    computed_at, rows = cached(("plan", market.id, day), lambda: layout_with_steps(market.id, day))
    if alerted is None:
        alerted = open_swapped_signs(market.id)
    zones: list[PlanZone] = []
    counts: Counter = Counter()
    for stall_id, code, zone_name, row_name, number, status, step_value in rows:
        if not zones or zones[-1].name != zone_name:
            zones.append(PlanZone(zone_name))
        zone = zones[-1]
        if not zone.rows or zone.rows[-1].name != row_name:
            zone.rows.append(PlanRow(row_name))
        step = AdoptionStep(step_value) if step_value else None
        stall = PlanStall(stall_id, code, number, StallStatus(status), step, stall_id in alerted)
        zone.rows[-1].stalls.append(stall)
        counts[step.value if step else stall.status.value] += 1
        counts["swapped_sign"] += stall.swapped_sign
    return FloorPlan(zones, counts, computed_at)
