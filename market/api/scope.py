"""What the token's user may see, and how much of it: the web pages' rules, reused."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort
from flask_login import current_user
from pydantic import TypeAdapter
from sqlalchemy import Select, and_, exists, select

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


def masked_vendor(out: schemas.VendorOut, user: Any = current_user) -> schemas.VendorOut:
    if not sees_full_account_numbers(user):
        # Commune users read aggregates: contact details are not theirs to see.
        out.phone = None
        out.birth_year = None
    return out


def masked_account(out: schemas.AccountOut, user: Any = current_user) -> schemas.AccountOut:
    out.account_number = mask_account(out.account_number, user)
    return out


def vendor_out(vendor: Vendor) -> schemas.VendorOut:
    return masked_vendor(schemas.VendorOut.model_validate(vendor))


def account_out(account: BankAccount) -> schemas.AccountOut:
    return masked_account(schemas.AccountOut.model_validate(account))


def _columns(model: Any, schema: type[schemas.BaseModel], prefix: str = "") -> list[Any]:
    table = model.__table__
    return [table.c[name].label(prefix + name) for name in schema.model_fields
            if name in table.c]


STALL_COLUMNS = (
    _columns(Stall, schemas.StallOut)
    + _columns(Vendor, schemas.VendorOut, "vendor.")
    + _columns(BankAccount, schemas.AccountOut, "account.")
)
# Where each column of a row goes: ("", _, field) on the stall, ("vendor", _, field), ...
COLUMN_PLACES = [column.name.rpartition(".") for column in STALL_COLUMNS]


STALL_LIST = TypeAdapter(list[schemas.StallOut])


def stalls_out(ids: Sequence[int] | Select) -> list[schemas.StallOut]:
    """Stalls with their tenant and current account, in id order, as the API shows them.

    ``ids`` may be a query of ids (already limited to the user's scope). Plain columns rather
    than ORM objects, masked as dictionaries and validated by pydantic in one call: a page of
    100 stalls costs one statement and little Python.
    """
    user = current_user._get_current_object()  # once, not per row
    contact = sees_full_account_numbers(user)
    result = db.session.connection().execute(
        select(*STALL_COLUMNS)
        .outerjoin(Tenancy, and_(Tenancy.stall_id == Stall.id, Tenancy.end_on.is_(None)))
        .outerjoin(Vendor, Vendor.id == Tenancy.vendor_id)
        .outerjoin(BankAccount, and_(BankAccount.vendor_id == Vendor.id,
                                     BankAccount.retired_at.is_(None)))
        .where(Stall.id.in_(ids if isinstance(ids, Select) else list(ids))).order_by(Stall.id)
    )
    stalls = []
    for row in result:
        parts: dict[str, dict[str, Any]] = {"": {}, "vendor": {}, "account": {}}
        for (part, _, name), value in zip(COLUMN_PLACES, row, strict=True):
            parts[part][name] = value
        stall, vendor, account = parts[""], parts["vendor"], parts["account"]
        if vendor["id"] is not None and not contact:
            vendor["phone"] = vendor["birth_year"] = None
        if account["id"] is not None:
            account["account_number"] = mask_account(account["account_number"], user)
        stall["vendor"] = vendor if vendor["id"] is not None else None
        stall["account"] = account if account["id"] is not None else None
        stalls.append(stall)
    return STALL_LIST.validate_python(stalls)
