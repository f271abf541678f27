"""Response bodies of the busiest reads, built from plain rows rather than model objects.

The values come straight from typed columns, so validating them again through pydantic on the
way out only cost time: on a page of 100 stalls it took more than building the rows. Each body
is a dict with the keys of its response model in the model's order, serialised by pydantic's
own JSON encoder: the bytes are those ``Model.model_validate(body).model_dump_json()`` would
give (tests/api/test_bodies.py holds them to that), and the models still publish the contract.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_login import current_user
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Enum,
    Select,
    String,
    and_,
    func,
    select,
    type_coerce,
)

from market.api import schemas
from market.api.scope import hide_account_number, hide_contact
from market.auth.access import sees_full_account_numbers, sees_vendor_contact
from market.extensions import db
from market.jobs.work import is_provisional
from market.models import AdoptionSnapshot, BankAccount, Payee, Stall, Tenancy, Vendor
from market.registry.services import payees

Body = dict[str, Any]


def as_shown(column: Any) -> ColumnElement[Any]:
    """An enum column is read as the text it stores, which is what the JSON shows: making enum
    members of a page's values and writing them back as text took longer than writing all
    the rest of the page."""
    if isinstance(column.type, Enum):
        return type_coerce(column, String()).label(column.name)
    return column


def shown_columns(model: Any, schema: type[schemas.BaseModel],
                  derived: dict[str, ColumnElement[Any]] | None = None
                  ) -> list[ColumnElement[Any]]:
    """The columns of ``model`` that ``schema`` shows, in the schema's field order; ``derived``
    holds the SQL of the fields that are not columns of their own."""
    table, derived = model.__table__, derived or {}
    return [derived[name].label(name) if name in derived else as_shown(table.c[name])
            for name in schema.model_fields if name in derived or name in table.c]


def field_names(columns: Sequence[ColumnElement[Any]]) -> tuple[str, ...]:
    return tuple(column.name for column in columns)


STALL_COLUMNS = shown_columns(Stall, schemas.StallOut)
VENDOR_COLUMNS = shown_columns(Vendor, schemas.VendorOut)
# A stall's account waits unless it is the stall's printable payee (``payees``, joined below).
ACCOUNT_COLUMNS = shown_columns(BankAccount, schemas.AccountOut, {
    "awaiting_approval": type_coerce(~payees.printable_clause(), Boolean),
    "approved_at": Payee.confirmed_at})
# An account on its own waits while a stall's open payee for it waits.
PENDING_PAYEE = select(Payee.id).where(
    Payee.bank_account_id == BankAccount.id, Payee.ended_at.is_(None), Payee.first.is_(False),
    Payee.confirmed_at.is_(None))
ACCOUNT_ALONE_COLUMNS = shown_columns(BankAccount, schemas.AccountOut, {
    "awaiting_approval": type_coerce(PENDING_PAYEE.exists(), Boolean),
    "approved_at": select(func.max(Payee.confirmed_at))
    .where(Payee.bank_account_id == BankAccount.id).scalar_subquery()})
STALL_FIELDS, VENDOR_FIELDS, ACCOUNT_FIELDS = (
    field_names(columns) for columns in (STALL_COLUMNS, VENDOR_COLUMNS, ACCOUNT_COLUMNS))
# Where the vendor's and the account's columns start in a row of STALL_DETAILS; the first of
# each is its id, NULL when the stall has no tenant or the tenant no account.
VENDOR_AT = len(STALL_FIELDS)
ACCOUNT_AT = VENDOR_AT + len(VENDOR_FIELDS)

# Built once at import: a request only adds which stalls it wants.
STALL_DETAILS = (
    select(*STALL_COLUMNS, *VENDOR_COLUMNS, *ACCOUNT_COLUMNS)
    .outerjoin(Tenancy, and_(Tenancy.stall_id == Stall.id, Tenancy.end_on.is_(None)))
    .outerjoin(Vendor, Vendor.id == Tenancy.vendor_id)
    .outerjoin(BankAccount, and_(BankAccount.vendor_id == Vendor.id,
                                 BankAccount.retired_at.is_(None)))
    .outerjoin(Payee, payees.payee_join(Stall, Tenancy.id, BankAccount.id))
)


def stalls_out(ids: Sequence[int] | Select) -> list[Body]:
    """Stalls with their tenant and current account, in id order, as ``StallOut`` shows them.

    ``ids`` may be a query of ids (already limited to the user's scope): a page of 100 stalls
    costs one statement. Rows without a tenant or account give ``None`` there.
    """
    user = current_user._get_current_object()
    contact, full_numbers = sees_vendor_contact(user), sees_full_account_numbers(user)
    wanted = ids if isinstance(ids, Select) else list(ids)
    rows = db.session.connection().execute(
        STALL_DETAILS.where(Stall.id.in_(wanted)).order_by(Stall.id)).all()
    stalls = []
    for row in rows:
        stall = dict(zip(STALL_FIELDS, row))  # the stall's columns come first: zip stops there
        vendor = dict(zip(VENDOR_FIELDS, row[VENDOR_AT:])) if row[VENDOR_AT] is not None else None
        account = dict(zip(ACCOUNT_FIELDS, row[ACCOUNT_AT:])) if row[ACCOUNT_AT] is not None else None
        if vendor is not None and not contact:
            hide_contact(vendor)
        if account is not None and not full_numbers:
            hide_account_number(account, user)
        stall["vendor"], stall["account"] = vendor, account
        stalls.append(stall)
    return stalls


def account_out(account: BankAccount) -> Body:
    """One account version as ``AccountOut`` shows it, in the same fields as a stall's
    account."""
    row = db.session.execute(
        select(*ACCOUNT_ALONE_COLUMNS).where(BankAccount.id == account.id)).one()
    values = dict(zip(ACCOUNT_FIELDS, row, strict=True))
    if not sees_full_account_numbers(current_user):
        hide_account_number(values, current_user)
    return values


def vendor_out(vendor: Vendor) -> Body:
    """One vendor as ``VendorOut`` shows it."""
    values = {name: getattr(vendor, name) for name in VENDOR_FIELDS}
    if not sees_vendor_contact(current_user):
        hide_contact(values)
    return values


def page(items: Sequence[Body], next_cursor: str | None) -> Body:
    """A list page in the shape of every ``Page`` (``next_cursor`` first)."""
    return {"next_cursor": next_cursor, "items": items}


SNAPSHOT_COLUMNS = shown_columns(AdoptionSnapshot, schemas.SnapshotOut)
SNAPSHOT_FIELDS = field_names(SNAPSHOT_COLUMNS)
# Built once at import, like STALL_DETAILS: a request only adds its conditions.
SNAPSHOTS_BY_DAY = select(*SNAPSHOT_COLUMNS).order_by(AdoptionSnapshot.day)


def snapshot_rows(*conditions: ColumnElement[bool]) -> list[Body]:
    """The snapshot rows matching ``conditions``, by day, as ``SnapshotOut`` shows them."""
    rows = db.session.connection().execute(SNAPSHOTS_BY_DAY.where(*conditions)).all()
    return [dict(zip(SNAPSHOT_FIELDS, row, strict=True), provisional=is_provisional(row.day))
            for row in rows]
