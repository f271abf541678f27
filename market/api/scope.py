"""What the token's user may see, and how much of it: the web pages' rules, reused."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, exists, select

from market.api import schemas
from market.auth.access import (
    Action,
    can,
    market_scope,
    mask_account,
    sees_full_account_numbers,
)
from market.extensions import db
from market.models import AdminUnit, BankAccount, Market, Role, Stall, Tenancy, Vendor


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


def vendor_out(vendor: Vendor) -> schemas.VendorOut:
    out = schemas.VendorOut.model_validate(vendor)
    if not sees_full_account_numbers(current_user):
        # Commune users read aggregates: contact details are not theirs to see.
        out.phone = None
        out.birth_year = None
    return out


def account_out(account: BankAccount) -> schemas.AccountOut:
    out = schemas.AccountOut.model_validate(account)
    out.account_number = mask_account(account.account_number, current_user)
    return out


def stall_out(stall: Stall, vendor: Vendor | None, account: BankAccount | None) -> schemas.StallOut:
    out = schemas.StallOut.model_validate(
        {**{k: getattr(stall, k) for k in schemas.StallOut.model_fields
            if k not in ("vendor", "account")}, "vendor": None, "account": None})
    out.vendor = vendor_out(vendor) if vendor is not None else None
    out.account = account_out(account) if account is not None else None
    return out
