"""Scope and permissions, checked on the server for every view.

A user never reads or changes what is outside their scope: views fetch objects through
``market_or_404`` / ``stall_or_404``, which answer 404 (not 403) so that an outsider cannot
even learn that an object exists.
"""
from __future__ import annotations

import enum
from functools import wraps

from flask import abort, has_request_context
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Select, select, true

from market.extensions import db
from market.models import AdminUnit, Market, Role, Stall, User, user_market


class Action(enum.StrEnum):
    READ = "read"  # see the market's stalls and figures
    EDIT_REGISTRY = "edit_registry"  # markets, stalls, vendors, tenancies, imports
    CHANGE_ACCOUNT = "change_account"  # bank accounts: the most dangerous change
    PRINT_SIGNS = "print_signs"
    RECORD_EVIDENCE = "record_evidence"  # inspections and visits
    SET_TARGETS = "set_targets"
    ADMINISTER = "administer"  # users, banks, administrative units


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.BOARD: frozenset(
        {Action.READ, Action.EDIT_REGISTRY, Action.CHANGE_ACCOUNT, Action.PRINT_SIGNS,
         Action.RECORD_EVIDENCE}
    ),
    Role.TEAM: frozenset({Action.READ, Action.RECORD_EVIDENCE, Action.PRINT_SIGNS}),
    Role.COMMUNE: frozenset({Action.READ, Action.SET_TARGETS}),
}


def can(user: User, action: Action) -> bool:
    return user.is_authenticated and action in PERMISSIONS[user.role]


def unit_and_descendants(unit_id: int) -> Select:
    """Ids of an administrative unit and every unit below it (a recursive query)."""
    tree = select(AdminUnit.id).where(AdminUnit.id == unit_id).cte("unit_tree", recursive=True)
    tree = tree.union_all(select(AdminUnit.id).where(AdminUnit.parent_id == tree.c.id))
    return select(tree.c.id)


def market_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Market`` selecting the markets this user may read."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.COMMUNE:
        if user.admin_unit_id is None:
            return Market.id.is_(None)
        return Market.commune_id.in_(unit_and_descendants(user.admin_unit_id))
    return Market.id.in_(select(user_market.c.market_id).where(user_market.c.user_id == user.id))


def visible_markets() -> Select:
    return select(Market).where(market_scope(current_user), Market.retired_at.is_(None))


def market_or_404(market_id: int, action: Action = Action.READ, *options) -> Market:
    """The market if the current user may do ``action`` on it; 404 otherwise.

    ``options`` are loader options (e.g. ``joinedload(Market.commune)``) for the same query.
    """
    market = db.session.scalar(
        select(Market).where(Market.id == market_id, market_scope(current_user)).options(*options)
    )
    if market is None or not can(current_user, action):
        abort(404)
    return market


def stall_or_404(stall_id: int, action: Action = Action.READ) -> Stall:
    stall = db.session.scalar(
        select(Stall).join(Stall.market).where(Stall.id == stall_id, market_scope(current_user))
    )
    if stall is None or not can(current_user, action):
        abort(404)
    return stall


def acting_with(action: Action) -> bool:
    """Whether whoever acts now may do ``action``: the signed-in user's role, or the command
    line (no request), which is trusted."""
    if not has_request_context():
        return True
    return can(current_user, action)


def requires(action: Action):
    """A view decorator: signed in, and the role allows ``action`` (otherwise 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def scope_key(user: User) -> tuple:
    """What the user's scope depends on: users with equal keys see the same markets."""
    if user.role == Role.ADMIN:
        return ("all",)
    if user.role == Role.COMMUNE:
        return ("unit", user.admin_unit_id)
    return ("user", user.id)


def sees_full_account_numbers(user: User) -> bool:
    """Commune users see aggregates: bank account numbers are masked for them."""
    return user.role != Role.COMMUNE


def sees_vendor_contact(user: User | None) -> bool:
    """Phone and birth year are for the people who deal with the vendor, not for the commune's
    aggregates (``None`` is the command line)."""
    return user is None or user.role != Role.COMMUNE


def mask_account(number: str, user: User) -> str:
    if sees_full_account_numbers(user) or len(number) <= 4:
        return number
    return "•" * (len(number) - 4) + number[-4:]
