"""What the token's user may see, and how much of it: the web pages' rules, reused."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, exists, select

from market.auth.access import (
    Action,
    can,
    market_scope,
    mask_account,
)
from market.extensions import db
from market.models import AdminUnit, Market, Role, Stall, Tenancy, Vendor


def vendor_or_404(vendor_id: int, action: Action = Action.READ) -> Vendor:
    """A vendor is in scope while it rents a stall in one of the user's markets."""
    in_scope = exists().where(
        Tenancy.vendor_id == Vendor.id, Tenancy.end_on.is_(None),
        Stall.id == Tenancy.stall_id, Market.id == Stall.market_id, market_scope(current_user),
    )
    vendor = db.session.scalar(select(Vendor).where(Vendor.id == vendor_id, in_scope))
    if vendor is None or not can(current_user, action):
        abort(404)
    return vendor


def commune_or_404(unit_id: int) -> AdminUnit:
    """A commune is in scope when one of the user's markets lies in it (admins: all)."""
    unit = db.session.get(AdminUnit, unit_id)
    if unit is None:
        abort(404)
    if current_user.role != Role.ADMIN and not db.session.scalar(select(exists().where(
            and_(Market.commune_id == unit.id, market_scope(current_user))))):
        abort(404)
    return unit


def hide_contact(vendor: dict[str, Any]) -> None:
    """For users who may not see a vendor's contact details (``sees_vendor_contact``)."""
    vendor["phone"] = vendor["birth_year"] = None


def hide_account_number(account: dict[str, Any], user: Any) -> None:
    """For users who may not see full account numbers: •••• and the last four digits."""
    account["account_number"] = mask_account(account["account_number"], user)
