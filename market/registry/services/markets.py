"""Markets and their stalls."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from market import audit
from market.extensions import db
from market.models import AdminUnit, GoodsCategory, Market, Stall, StallStatus, utcnow
from market.registry.errors import RegistryError
from market.registry.services import checks

MARKET_FIELDS = frozenset({"code", "name", "market_class", "address", "commune_id"})
STALL_FIELDS = frozenset({"code", "zone", "row", "number", "category", "status"})


def _clean_market(values: dict[str, Any], market: Market | None = None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "code" in values:
        code = checks.text("code", values["code"], 20).upper()
        taken = db.session.scalar(select(Market.id).where(Market.code == code))
        if taken is not None and (market is None or taken != market.id):
            raise RegistryError("code", _l("Mã chợ %(code)s đã được dùng.", code=code))
        clean["code"] = code
    if "name" in values:
        clean["name"] = checks.text("name", values["name"], 120)
    if "market_class" in values:
        clean["market_class"] = checks.whole_number(
            "market_class", values["market_class"], 1, 3, required=True
        )
    if "address" in values:
        clean["address"] = checks.text("address", values["address"], 255, required=False)
    if "commune_id" in values:
        unit = db.session.get(AdminUnit, values["commune_id"]) if values["commune_id"] else None
        if unit is None:
            raise RegistryError("commune_id", _l("Vui lòng chọn xã/phường."))
        clean["commune_id"] = unit.id
    return clean


def create_market(*, code: str, name: str, market_class: int, address: str,
                  commune_id: int) -> Market:
    """Register a market in a commune or ward; its code is unique."""
    values = _clean_market({"code": code, "name": name, "market_class": market_class,
                                "address": address, "commune_id": commune_id})
    market = Market(**values)
    db.session.add(market)
    db.session.flush()
    audit.record("create", "market", market.id, market_id=market.id,
                 new=audit.snapshot(market, tuple(sorted(MARKET_FIELDS))))
    return market


def update_market(market: Market, **changes: Any) -> Market:
    """Change a market's code, name, class, address or commune."""
    checks.refuse_unknown(changes, MARKET_FIELDS)
    old, new = checks.apply_changes(market, _clean_market(changes, market), MARKET_FIELDS)
    db.session.flush()
    if old != new:
        audit.record("update", "market", market.id, market_id=market.id, old=old, new=new)
    return market


def retire_market(market: Market) -> Market:
    """Take a market out of the lists; it and its history stay for reports and audits."""
    if market.retired_at is None:
        market.retired_at = utcnow()
        db.session.flush()
        audit.record("retire", "market", market.id, market_id=market.id,
                     old={"retired_at": None}, new={"retired_at": market.retired_at.isoformat()})
    return market


def _clean_stall(values: dict[str, Any], market: Market, stall: Stall | None = None) -> dict:
    clean: dict[str, Any] = {}
    if "code" in values:
        code = checks.text("code", values["code"], 20).upper()
        taken = db.session.scalar(
            select(Stall.id).where(Stall.market_id == market.id, Stall.code == code)
        )
        if taken is not None and (stall is None or taken != stall.id):
            raise RegistryError(
                "code", _l("Chợ này đã có gian hàng mã %(code)s.", code=code)
            )
        clean["code"] = code
    if "zone" in values:
        clean["zone"] = checks.text("zone", values["zone"], 40, required=False)
    if "row" in values:
        clean["row"] = checks.text("row", values["row"], 20, required=False)
    if "number" in values:
        clean["number"] = checks.whole_number("number", values["number"], 0, 1_000_000)
    if "category" in values:
        clean["category"] = checks.choice("category", values["category"], GoodsCategory)
    if "status" in values:
        clean["status"] = checks.choice("status", values["status"], StallStatus)
    return clean


def create_stall(market: Market, *, code: str, zone: str = "", row: str = "",
                 number: int | None = None, category: GoodsCategory,
                 status: StallStatus = StallStatus.OPERATING) -> Stall:
    """Add a stall to a market; its code is unique within the market."""
    values = _clean_stall({"code": code, "zone": zone, "row": row, "number": number,
                               "category": category, "status": status}, market)
    stall = Stall(market=market, **values)
    db.session.add(stall)
    db.session.flush()
    audit.record("create", "stall", stall.id, market_id=market.id,
                 new=audit.snapshot(stall, tuple(sorted(STALL_FIELDS))))
    return stall


def update_stall(stall: Stall, **changes: Any) -> Stall:
    """Change a stall's code, place, category or status (closing it retires it)."""
    checks.refuse_unknown(changes, STALL_FIELDS)
    clean = _clean_stall(changes, stall.market, stall)
    old, new = checks.apply_changes(stall, clean, STALL_FIELDS)
    db.session.flush()
    if old != new:
        action = "retire" if new["status"] == StallStatus.CLOSED != old["status"] else "update"
        audit.record(action, "stall", stall.id, market_id=stall.market_id, old=old, new=new)
    return stall
