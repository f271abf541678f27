"""A market's floor plan: its stalls by zone, row and number, each with its ladder step."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from market.extensions import db
from market.models import AdoptionStep, Alert, Market, Stall, StallStatus
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


def open_swapped_signs(market_id: int) -> set[int]:
    """Stalls of the market with an open swapped-sign alert."""
    return set(db.session.scalars(
        select(Alert.stall_id).where(
            Alert.market_id == market_id, Alert.kind == AlertKind.SWAPPED_SIGN,
            Alert.closed_at.is_(None), Alert.stall_id.is_not(None),
        )
    ))


def floor_plan(market: Market, day: date) -> FloorPlan:
    """Every stall of ``market`` in layout order with its step on ``day`` (one ladder query)."""
    steps = stall_steps(day, markets=[market.id]).subquery("steps")
    rows = db.session.execute(
        select(Stall.id, Stall.code, Stall.zone, Stall.row, Stall.number, Stall.status, steps.c.step)
        .outerjoin(steps, steps.c.stall_id == Stall.id)
        .where(Stall.market_id == market.id)
        .order_by(Stall.zone, Stall.row, Stall.number, Stall.code)
    ).all()
    alerted = open_swapped_signs(market.id)
    zones: list[PlanZone] = []
    counts: Counter = Counter()
    for row in rows:
        if not zones or zones[-1].name != row.zone:
            zones.append(PlanZone(row.zone))
        zone = zones[-1]
        if not zone.rows or zone.rows[-1].name != row.row:
            zone.rows.append(PlanRow(row.row))
        step = AdoptionStep(row.step) if row.step else None
        stall = PlanStall(row.id, row.code, row.number, StallStatus(row.status), step, row.id in alerted)
        zone.rows[-1].stalls.append(stall)
        counts[step.value if step else stall.status.value] += 1
        counts["swapped_sign"] += stall.swapped_sign
    return FloorPlan(zones, counts)
