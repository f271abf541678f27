"""Vendors (household businesses) and their tenancies of stalls."""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from market import audit
from market.extensions import db
from market.models import Stall, Tenancy, Vendor, VendorLink, utcnow
from market.monitor.stale import Reason, mark_stall_days
from market.registry.errors import RegistryError
from market.registry.services import checks, payees
from market.registry.services.rows import insert_all

VENDOR_FIELDS = frozenset({"name", "shop_name", "phone", "birth_year", "consent_on"})
TENANCY_FIELDS = ("stall_id", "vendor_id", "start_on", "end_on")
PHONE = re.compile(r"^(\+84|0)\d{8,10}$")


def vendor_market_id(vendor: Vendor) -> int | None:
    """The market of the vendor's open tenancy: the market whose board sees its audit trail."""
    return vendor_market_ids([vendor.id]).get(vendor.id)


def vendor_market_ids(vendor_ids: Collection[int]) -> dict[int, int]:
    """``vendor_market_id`` of many vendors in one query (vendors with no open tenancy left
    out); of several open tenancies, the one that started last counts."""
    if not vendor_ids:
        return {}
    rows = db.session.execute(
        select(Tenancy.vendor_id, Stall.market_id).join(Tenancy.stall)
        .where(Tenancy.vendor_id.in_(sorted(vendor_ids)), Tenancy.end_on.is_(None))
        .order_by(Tenancy.start_on, Tenancy.id)
    )
    return {vendor_id: market_id for vendor_id, market_id in rows}


def _clean_vendor(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = checks.text("name", values["name"], 120)
    if "shop_name" in values:
        clean["shop_name"] = checks.text("shop_name", values["shop_name"], 120, required=False)
    if "phone" in values:
        phone = re.sub(r"[\s.\-()]", "", values["phone"] or "")
        if phone and not PHONE.match(phone):
            raise RegistryError(
                "phone", _l("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84).")
            )
        clean["phone"] = phone or None
    if "birth_year" in values:
        clean["birth_year"] = checks.whole_number(
            "birth_year", values["birth_year"], 1900, date.today().year
        )
    if "consent_on" in values:
        consent = values["consent_on"] or None
        if consent is not None and not isinstance(consent, date):
            raise RegistryError("consent_on", _l("Ngày không hợp lệ."))
        clean["consent_on"] = consent
    return clean


def create_vendor(*, name: str, shop_name: str = "", phone: str | None = None,
                  birth_year: int | None = None, consent_on: date | None = None) -> Vendor:
    """Register a household business; the phone is stored without spaces or dots."""
    return checks.one(create_vendors, {"name": name, "shop_name": shop_name, "phone": phone,
                                       "birth_year": birth_year, "consent_on": consent_on})


def create_vendors(items: Sequence[dict[str, Any]]) -> list[Vendor]:
    """``create_vendor`` for many vendors, each item every keyword argument: all checked,
    then the vendors and their audit events inserted in one statement each."""
    cleaned = checks.each(items, lambda values: _clean_vendor(
        checks.complete(values, VENDOR_FIELDS)))
    vendors = insert_all(Vendor, cleaned)
    audit.record_all({"action": "create", "entity": "vendor", "entity_id": vendor.id,
                      "new": audit.snapshot(vendor, tuple(sorted(VENDOR_FIELDS)))}
                     for vendor in vendors)
    return vendors


def update_vendor(vendor: Vendor, **changes: Any) -> Vendor:
    """Change a vendor's name, shop name, phone, birth year or consent date."""
    return checks.one(update_vendors, (vendor, changes))


def update_vendors(items: Sequence[tuple[Vendor, dict[str, Any]]]) -> list[Vendor]:
    """``update_vendor`` for many vendors, each at most once: all checked, then one flush."""
    checks.once_each((vendor.id for vendor, _ in items), "vendor")

    def clean(item: tuple[Vendor, dict[str, Any]]) -> dict[str, Any]:
        checks.refuse_unknown(item[1], VENDOR_FIELDS)
        return _clean_vendor(item[1])

    cleaned = checks.each(items, clean)
    diffs = [(vendor, *checks.apply_changes(vendor, values, VENDOR_FIELDS))
             for (vendor, _), values in zip(items, cleaned)]
    db.session.flush()
    changed = [(vendor, old, new) for vendor, old, new in diffs if old != new]
    markets = vendor_market_ids([vendor.id for vendor, _, _ in changed])
    audit.record_all({"action": "update", "entity": "vendor", "entity_id": vendor.id,
                      "market_id": markets.get(vendor.id), "old": old, "new": new}
                     for vendor, old, new in changed)
    return [vendor for vendor, _ in items]


def current_tenancy(stall: Stall) -> Tenancy | None:
    return current_tenancies([stall.id]).get(stall.id)


def current_tenancies(stall_ids: Collection[int]) -> dict[int, Tenancy]:
    """The open tenancy of each of these stalls that has one, in one query."""
    if not stall_ids:
        return {}
    query = select(Tenancy).where(Tenancy.stall_id.in_(sorted(stall_ids)),
                                  Tenancy.end_on.is_(None))
    return {tenancy.stall_id: tenancy for tenancy in db.session.scalars(query)}


def current_tenant(stall: Stall) -> Vendor | None:
    """The vendor of the stall's open tenancy, if any."""
    tenancy = current_tenancy(stall)
    return tenancy.vendor if tenancy is not None else None


def assign_tenant(stall: Stall, vendor: Vendor, start_on: date) -> Tenancy:
    """Make ``vendor`` the stall's tenant from ``start_on``.

    Another vendor's open tenancy ends the day before; the same vendor's open tenancy is
    returned unchanged.
    """
    return checks.one(assign_tenants, (stall, vendor, start_on))


def assign_tenants(items: Sequence[tuple[Stall, Vendor, date]]) -> list[Tenancy]:
    """``assign_tenant`` for many stalls, each at most once: all checked, then the ended
    tenancies, the new ones and their audit events written in a few statements."""
    checks.once_each((stall.id for stall, _, _ in items), "stall")
    open_tenancies = current_tenancies([stall.id for stall, _, _ in items])

    def check(item: tuple[Stall, Vendor, date]) -> Tenancy | None:
        stall, vendor, start_on = item
        if not isinstance(start_on, date):
            raise RegistryError("start_on", _l("Vui lòng nhập ngày bắt đầu."))
        open_tenancy = open_tenancies.get(stall.id)
        if open_tenancy is not None and open_tenancy.vendor_id != vendor.id \
                and start_on <= open_tenancy.start_on:
            raise RegistryError(
                "start_on",
                _l("Ngày bắt đầu phải sau ngày bắt đầu của người thuê hiện tại (%(day)s).",
                   day=open_tenancy.start_on.strftime("%d/%m/%Y")),
            )
        return open_tenancy

    kept = checks.each(items, check)
    # Each ends the day before a later start, which the checks above ensure it may.
    ending = [(tenancy, start_on - timedelta(days=1))
              for tenancy, (_, vendor, start_on) in zip(kept, items)
              if tenancy is not None and tenancy.vendor_id != vendor.id]
    if ending:
        end_tenancies(ending)
    taking = [(stall, vendor, start_on) for tenancy, (stall, vendor, start_on) in zip(kept, items)
              if tenancy is None or tenancy.vendor_id != vendor.id]
    new = insert_all(Tenancy, [{"stall_id": stall.id, "vendor_id": vendor.id,
                                "start_on": start_on} for stall, vendor, start_on in taking])
    mark_stall_days(Reason.TENANCY, [(stall.id, start_on) for stall, _, start_on in taking])
    for stall, vendor, _ in taking:
        db.session.expire(stall, ["tenancies"])
        db.session.expire(vendor, ["tenancies"])
    audit.record_all({"action": "create", "entity": "tenancy", "entity_id": tenancy.id,
                      "market_id": stall.market_id,
                      "new": audit.snapshot(tenancy, TENANCY_FIELDS)}
                     for tenancy, (stall, _, _) in zip(new, taking))
    # A new tenant who already has an account changes the stall's payee.
    payees.refresh([stall.id for stall, _, _ in taking])
    created = iter(new)
    return [tenancy if tenancy is not None and tenancy.vendor_id == vendor.id else next(created)
            for tenancy, (_, vendor, _) in zip(kept, items)]


def end_tenancy(tenancy: Tenancy, end_on: date) -> Tenancy:
    """Close a tenancy on ``end_on`` (the vendor's last day at the stall)."""
    return checks.one(end_tenancies, (tenancy, end_on))


def end_tenancies(items: Sequence[tuple[Tenancy, date]]) -> list[Tenancy]:
    """``end_tenancy`` for many tenancies, each at most once: all checked, then one flush.

    The stall's payee ends with the tenancy, and so do the stall's vendor links: a link
    belongs to the tenant it was given to, never to the next one."""
    checks.once_each((tenancy.id for tenancy, _ in items), "tenancy")

    def check(item: tuple[Tenancy, date]) -> None:
        tenancy, end_on = item
        if not isinstance(end_on, date):
            raise RegistryError("end_on", _l("Vui lòng nhập ngày kết thúc."))
        if end_on < tenancy.start_on:
            raise RegistryError("end_on", _l("Ngày kết thúc không được trước ngày bắt đầu."))

    checks.each(items, check)
    olds = [audit.snapshot(tenancy, TENANCY_FIELDS) for tenancy, _ in items]
    # The figures change from the day after the earlier of the old and the new last day.
    mark_stall_days(Reason.TENANCY, [
        (tenancy.stall_id, min(end_on, tenancy.end_on or end_on) + timedelta(days=1))
        for tenancy, end_on in items])
    for tenancy, end_on in items:
        tenancy.end_on = end_on
    db.session.flush()
    audit.record_all({"action": "retire", "entity": "tenancy", "entity_id": tenancy.id,
                      "market_id": tenancy.stall.market_id, "old": old,
                      "new": audit.snapshot(tenancy, TENANCY_FIELDS)}
                     for (tenancy, _), old in zip(items, olds))
    stall_ids = [tenancy.stall_id for tenancy, _ in items]
    payees.refresh(stall_ids)
    revoke_links(db.session.scalars(select(VendorLink).where(
        VendorLink.stall_id.in_(sorted(stall_ids)), VendorLink.revoked_at.is_(None))).all())
    return [tenancy for tenancy, _ in items]


def revoke_links(links: Sequence[VendorLink]) -> None:
    """These vendor links stop working at once; the rows stay for the audit."""
    links = [link for link in links if link.revoked_at is None]
    now = utcnow()
    for link in links:
        link.revoked_at = now
    db.session.flush()
    audit.record_all({"action": "retire", "entity": "vendor_link", "entity_id": link.id,
                      "market_id": link.stall.market_id, "old": {"revoked_at": None},
                      "new": {"revoked_at": now.isoformat()}} for link in links)
