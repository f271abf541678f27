"""Export and erase one vendor's personal data."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, false, or_, select

from market import audit
from market.auth.access import market_scope
from market.extensions import db
from market.models import (
    AuditEvent,
    Inspection,
    Market,
    SelfReport,
    Sign,
    Stall,
    Tenancy,
    User,
    Vendor,
    VendorLink,
    utcnow,
)
from market.signs.selection import market_today

ERASED_NAME = "(đã xoá)"
# Keys of audit snapshots that hold a vendor's personal data.
PERSONAL_KEYS = {"name": ERASED_NAME, "shop_name": "", "phone": None, "birth_year": None,
                 "holder_name": "", "consent_on": None}


def visible_vendor(vendor_id: int, user: User) -> Vendor | None:
    """The vendor if one of their tenancies (past or present) is in a market the user sees."""
    return db.session.scalar(
        select(Vendor).join(Tenancy, Tenancy.vendor_id == Vendor.id)
        .join(Stall, Stall.id == Tenancy.stall_id).join(Market, Market.id == Stall.market_id)
        .where(Vendor.id == vendor_id, market_scope(user)).limit(1)
    )


def _during_tenancies(vendor: Vendor, stall_column, day_column):
    """A WHERE clause: the (stall, day) falls inside one of the vendor's tenancies."""
    return or_(false(), *(and_(stall_column == t.stall_id, day_column >= t.start_on,
                               day_column <= (t.end_on or date.max))
                          for t in vendor.tenancies))


def _rows(query, fields: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    return [audit.snapshot(row, fields) for row in db.session.scalars(query)]


def audit_about(vendor: Vendor):
    """The audit events about the vendor, their accounts and their tenancies."""
    account_ids = [str(a.id) for a in vendor.accounts]
    tenancy_ids = [str(t.id) for t in vendor.tenancies]
    return select(AuditEvent).where(or_(
        and_(AuditEvent.entity == "vendor", AuditEvent.entity_id == str(vendor.id)),
        and_(AuditEvent.entity == "bank_account", AuditEvent.entity_id.in_(account_ids)),
        and_(AuditEvent.entity == "tenancy", AuditEvent.entity_id.in_(tenancy_ids)),
    )).order_by(AuditEvent.id)


def vendor_export(vendor: Vendor) -> dict[str, Any]:
    """Everything held about one vendor, as JSON-ready data."""
    account_ids = [a.id for a in vendor.accounts]
    return {
        "vendor": audit.snapshot(vendor),
        "tenancies": [audit.snapshot(t) for t in vendor.tenancies],
        "accounts": [audit.snapshot(a) for a in vendor.accounts],
        "signs": _rows(select(Sign).where(Sign.bank_account_id.in_(account_ids))
                       .order_by(Sign.id)),
        "inspections": _rows(select(Inspection).where(
            _during_tenancies(vendor, Inspection.stall_id, Inspection.inspected_on)).order_by(Inspection.id)),
        "self_reports": _rows(select(SelfReport).where(
            _during_tenancies(vendor, SelfReport.stall_id, SelfReport.reported_on)).order_by(SelfReport.id)),
        "audit_events": _rows(audit_about(vendor)),
    }


def _masked(number: str) -> str:
    return "•" * max(len(number) - 4, 0) + number[-4:]


def _scrubbed(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if not data:
        return data
    clean = {k: PERSONAL_KEYS.get(k, v) for k, v in data.items()}
    if isinstance(clean.get("account_number"), str):
        clean["account_number"] = _masked(clean["account_number"])
    return clean


def erase_vendor(vendor: Vendor) -> Vendor:
    """Replace the vendor's personal data by placeholders, keeping every row that a figure
    counts: name, phone and birth year go; accounts keep their bank and the last 4 digits but
    lose the holder's name; open tenancies end today; the stalls' vendor links are revoked;
    the audit trail about them is scrubbed the same way. Audited as "erase"."""
    from market.links.services import revoke_link

    today, now = market_today(), utcnow()
    events = list(db.session.scalars(audit_about(vendor)))
    vendor.name, vendor.shop_name, vendor.phone = ERASED_NAME, "", None
    vendor.birth_year, vendor.consent_on = None, None
    for account in vendor.accounts:
        account.holder_name = ""
        account.account_number = _masked(account.account_number)
        if account.retired_at is None:
            account.retired_at = now
    db.session.flush()
    for sign in db.session.scalars(select(Sign).where(
            Sign.bank_account_id.in_([a.id for a in vendor.accounts]),
            Sign.superseded_at.is_(None))):
        sign.superseded_at = now
    for tenancy in vendor.tenancies:
        if tenancy.end_on is None:
            tenancy.end_on = max(today, tenancy.start_on)
            for link in db.session.scalars(select(VendorLink).where(
                    VendorLink.stall_id == tenancy.stall_id, VendorLink.revoked_at.is_(None))):
                revoke_link(link)
    for event in events:
        event.old, event.new = _scrubbed(event.old), _scrubbed(event.new)
    db.session.flush()
    market_id = max(vendor.tenancies, key=lambda t: t.start_on).stall.market_id \
        if vendor.tenancies else None
    audit.record("erase", "vendor", vendor.id, market_id=market_id,
                 new={"name": ERASED_NAME, "accounts": len(vendor.accounts)})
    return vendor
