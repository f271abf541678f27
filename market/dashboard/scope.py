"""Which areas a user may open on the dashboard."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import exists, select

from market.auth.access import unit_and_descendants
from market.dashboard.figures import scoped_markets
from market.extensions import db
from market.models import AdminUnit, Market, Role


def unit_or_404(unit_id: int) -> AdminUnit:
    """The unit if the user may see it: inside a commune user's area, or holding at least one
    market the user may read; 404 otherwise."""
    if current_user.role == Role.COMMUNE and unit_id == current_user.admin_unit_id:
        unit = db.session.get(AdminUnit, unit_id)
    elif current_user.role == Role.COMMUNE:
        # One statement: the unit, only if it lies inside the user's area.
        unit = db.session.scalar(select(AdminUnit).where(
            AdminUnit.id == unit_id,
            AdminUnit.id.in_(unit_and_descendants(current_user.admin_unit_id or 0)),
        ))
    else:
        unit = db.session.get(AdminUnit, unit_id)
        if unit is not None and current_user.role != Role.ADMIN:
            visible = select(exists().where(Market.id.in_(scoped_markets(current_user, unit_id))))
            unit = unit if db.session.scalar(visible) else None
    if unit is None:
        abort(404)
    return unit


def breadcrumbs(unit: AdminUnit | None) -> list[AdminUnit]:
    """From the top unit the user may open down to ``unit``."""
    chain: list[AdminUnit] = []
    while unit is not None:
        chain.append(unit)
        if current_user.role == Role.COMMUNE and unit.id == current_user.admin_unit_id:
            break
        unit = unit.parent
    return list(reversed(chain))


def home_unit() -> AdminUnit | None:
    """Where the dashboard opens: a commune user's area, else everything they may read."""
    if current_user.role == Role.COMMUNE and current_user.admin_unit_id:
        return db.session.get(AdminUnit, current_user.admin_unit_id)
    return None
