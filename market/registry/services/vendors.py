"""Vendors (household businesses) and their tenancies of stalls."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from market import audit
from market.extensions import db
from market.models import Stall, Tenancy, Vendor
from market.registry.errors import RegistryError
from market.registry.services import checks

VENDOR_FIELDS = frozenset({"name", "shop_name", "phone", "birth_year", "consent_on"})
TENANCY_FIELDS = ("stall_id", "vendor_id", "start_on", "end_on")
PHONE = re.compile(r"^(\+84|0)\d{8,10}$")


def vendor_market_id(vendor: Vendor) -> int | None:
    """The market of the vendor's open tenancy: the market whose board sees its audit trail."""
    return db.session.scalar(
        select(Stall.market_id).join(Tenancy.stall)
        .where(Tenancy.vendor_id == vendor.id, Tenancy.end_on.is_(None))
        .order_by(Tenancy.start_on.desc()).limit(1)
    )


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
    vendor = Vendor(**_clean_vendor({"name": name, "shop_name": shop_name, "phone": phone,
                                         "birth_year": birth_year, "consent_on": consent_on}))
    db.session.add(vendor)
    db.session.flush()
    audit.record("create", "vendor", vendor.id,
                 new=audit.snapshot(vendor, tuple(sorted(VENDOR_FIELDS))))
    return vendor


def update_vendor(vendor: Vendor, **changes: Any) -> Vendor:
    """Change a vendor's name, shop name, phone, birth year or consent date."""
    checks.refuse_unknown(changes, VENDOR_FIELDS)
    old, new = checks.apply_changes(vendor, _clean_vendor(changes), VENDOR_FIELDS)
    db.session.flush()
    if old != new:
        audit.record("update", "vendor", vendor.id, market_id=vendor_market_id(vendor),
                     old=old, new=new)
    return vendor


def current_tenancy(stall: Stall) -> Tenancy | None:
    return db.session.scalar(
        select(Tenancy).where(Tenancy.stall_id == stall.id, Tenancy.end_on.is_(None))
    )


def current_tenant(stall: Stall) -> Vendor | None:
    """The vendor of the stall's open tenancy, if any."""
    tenancy = current_tenancy(stall)
    return tenancy.vendor if tenancy is not None else None


def assign_tenant(stall: Stall, vendor: Vendor, start_on: date) -> Tenancy:
    """Make ``vendor`` the stall's tenant from ``start_on``.

    Another vendor's open tenancy ends the day before; the same vendor's open tenancy is
    returned unchanged.
    """
    if not isinstance(start_on, date):
        raise RegistryError("start_on", _l("Vui lòng nhập ngày bắt đầu."))
    open_tenancy = current_tenancy(stall)
    if open_tenancy is not None and open_tenancy.vendor_id == vendor.id:
        return open_tenancy
    if open_tenancy is not None:
        if start_on <= open_tenancy.start_on:
            raise RegistryError(
                "start_on",
                _l("Ngày bắt đầu phải sau ngày bắt đầu của người thuê hiện tại (%(day)s).",
                   day=open_tenancy.start_on.strftime("%d/%m/%Y")),
            )
        end_tenancy(open_tenancy, start_on - timedelta(days=1))
    tenancy = Tenancy(stall=stall, vendor=vendor, start_on=start_on)
    db.session.add(tenancy)
    db.session.flush()
    audit.record("create", "tenancy", tenancy.id, market_id=stall.market_id,
                 new=audit.snapshot(tenancy, TENANCY_FIELDS))
    return tenancy


def end_tenancy(tenancy: Tenancy, end_on: date) -> Tenancy:
    """Close a tenancy on ``end_on`` (the vendor's last day at the stall)."""
    if not isinstance(end_on, date):
        raise RegistryError("end_on", _l("Vui lòng nhập ngày kết thúc."))
    if end_on < tenancy.start_on:
        raise RegistryError("end_on", _l("Ngày kết thúc không được trước ngày bắt đầu."))
    old = audit.snapshot(tenancy, TENANCY_FIELDS)
    tenancy.end_on = end_on
    db.session.flush()
    audit.record("retire", "tenancy", tenancy.id, market_id=tenancy.stall.market_id,
                 old=old, new=audit.snapshot(tenancy, TENANCY_FIELDS))
    return tenancy
