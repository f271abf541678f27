"""Adoption targets: per market, else per commune, else the configuration (100/90/70 %)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from market.extensions import db
from market.models import AdoptionSnapshot, AdoptionTarget, Market

SETTINGS = (
    "registered_pct",
    "displayed_pct",
    "active_pct",
    "inspection_window_days",
    "activity_window_days",
    "min_payments",
)


# Where each setting falls back to when no market or commune sets it.
DEFAULT_KEYS = {
    "registered_pct": "ADOPTION_TARGET_REGISTERED_PCT",
    "displayed_pct": "ADOPTION_TARGET_DISPLAYED_PCT",
    "active_pct": "ADOPTION_TARGET_ACTIVE_PCT",
    "inspection_window_days": "ADOPTION_INSPECTION_WINDOW_DAYS",
    "activity_window_days": "ADOPTION_ACTIVITY_WINDOW_DAYS",
    "min_payments": "ADOPTION_MIN_PAYMENTS",
}


@dataclass(frozen=True)
class Targets:
    registered_pct: int
    displayed_pct: int
    active_pct: int


def targets_for(market: Market) -> Targets:
    """The targets a market is measured against, each value from the nearest level set."""
    rows = db.session.scalars(
        select(AdoptionTarget).where(
            (AdoptionTarget.market_id == market.id) | (AdoptionTarget.commune_id == market.commune_id)
        )
    ).all()
    ordered = sorted(rows, key=lambda row: row.market_id is None)  # the market's own row first
    config = current_app.config

    def pick(name: str) -> int:
        return next((getattr(r, name) for r in ordered if getattr(r, name) is not None),
                    config[DEFAULT_KEYS[name]])

    return Targets(pick("registered_pct"), pick("displayed_pct"), pick("active_pct"))


def meets_targets(snapshot: AdoptionSnapshot, targets: Targets) -> bool:
    """"Chợ 4.0": every share of operating stalls at or above its target."""
    if snapshot.operating == 0:
        return False
    return all(
        100 * reached >= pct * snapshot.operating
        for reached, pct in (
            (snapshot.reached_registered, targets.registered_pct),
            (snapshot.reached_displayed, targets.displayed_pct),
            (snapshot.reached_active, targets.active_pct),
        )
    )


def set_targets(*, market_id: int | None = None, commune_id: int | None = None, **values) -> AdoptionTarget:
    """Set (or clear, with None) a market's or a commune's targets and windows. Flushes only."""
    if (market_id is None) == (commune_id is None):
        raise ValueError("targets belong to one market or one commune")
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    scope = AdoptionTarget.market_id == market_id if market_id else AdoptionTarget.commune_id == commune_id
    target = db.session.scalar(select(AdoptionTarget).where(scope))
    if target is None:
        target = AdoptionTarget(market_id=market_id, commune_id=commune_id)
        db.session.add(target)
    for name, value in values.items():
        setattr(target, name, value)
    db.session.flush()
    return target


def stored_targets(*, market_id: int | None = None, commune_id: int | None = None) -> dict:
    """The values set at exactly this level (None where it inherits)."""
    scope = AdoptionTarget.market_id == market_id if market_id else AdoptionTarget.commune_id == commune_id
    row = db.session.scalar(select(AdoptionTarget).where(scope))
    return {name: getattr(row, name) if row else None for name in SETTINGS}


def inherited_targets(commune_id: int | None) -> dict:
    """What an empty field means: the commune's value (for a market), else the configuration."""
    above = stored_targets(commune_id=commune_id) if commune_id else dict.fromkeys(SETTINGS)
    config = current_app.config
    return {name: above[name] if above[name] is not None else config[DEFAULT_KEYS[name]]
            for name in SETTINGS}
