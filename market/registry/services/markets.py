"""Markets and their stalls."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from market import audit
from market.auth.access import Action, acting_with
from market.extensions import db
from market.models import AdminUnit, GoodsCategory, Market, Stall, StallStatus, utcnow
from market.registry.errors import RegistryError
from market.registry.services import checks
from market.registry.services.rows import insert_all

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
    """Change a market's code, name, class, address or commune; only an administrator (or the
    command line) moves a market to another commune, which changes whose figures it is in."""
    checks.refuse_unknown(changes, MARKET_FIELDS)
    if changes.get("commune_id", market.commune_id) != market.commune_id \
            and not acting_with(Action.ADMINISTER):
        raise RegistryError("commune_id", _l(
            "Chỉ quản trị viên mới chuyển được chợ sang xã/phường khác."))
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


StallKey = tuple[int, str]  # (market id, stall code)


def _stall_code(values: dict[str, Any]) -> str:
    return checks.text("code", values["code"], 20).upper()


def _codes_taken(wanted: list[tuple[int, dict[str, Any]]]) -> dict[StallKey, int | None]:
    """The ids of the stalls holding the codes these (market id, values) ask for, by
    (market id, code), in one query.

    A code that is refused is not looked up: cleaning its values again refuses it in order.
    """
    codes: dict[int, set[str]] = defaultdict(set)
    for market_id, values in wanted:
        if "code" in values:
            with suppress(RegistryError):
                codes[market_id].add(_stall_code(values))
    if not codes:
        return {}
    held = select(Stall.market_id, Stall.code, Stall.id).where(or_(*(
        and_(Stall.market_id == market_id, Stall.code.in_(sorted(wanted_codes)))
        for market_id, wanted_codes in codes.items()
    )))
    return {(market_id, code): stall_id for market_id, code, stall_id in db.session.execute(held)}


def _clean_stall(values: dict[str, Any], market_id: int, taken: dict[StallKey, int | None],
                 stall: Stall | None = None) -> dict:
    """``taken`` holds the codes in use (stall id; None for a stall this batch creates) and
    takes the code of these values, so that two items of a batch cannot share one."""
    clean: dict[str, Any] = {}
    if "code" in values:
        code = _stall_code(values)
        key = (market_id, code)
        if key in taken and (stall is None or taken[key] != stall.id):
            raise RegistryError(
                "code", _l("Chợ này đã có gian hàng mã %(code)s.", code=code)
            )
        taken[key] = stall.id if stall is not None else None
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
    return checks.one(create_stalls, (market, {
        "code": code, "zone": zone, "row": row, "number": number, "category": category,
        "status": status}))


def create_stalls(items: Sequence[tuple[Market, dict[str, Any]]]) -> list[Stall]:
    """``create_stall`` for many stalls: each item is a market and every keyword argument.

    All items are checked before anything is written (``ItemRefused`` names the first
    refused); the stalls, then their audit events, are inserted in one statement each.
    """
    items = [(market, checks.complete(values, STALL_FIELDS)) for market, values in items]
    taken = _codes_taken([(market.id, values) for market, values in items])
    cleaned = checks.each(items, lambda item: _clean_stall(item[1], item[0].id, taken))
    stalls = insert_all(Stall, [{"market_id": market.id, **values}
                                for (market, _), values in zip(items, cleaned)])
    for market in {market for market, _ in items}:
        db.session.expire(market, ["stalls"])
    audit.record_all({"action": "create", "entity": "stall", "entity_id": stall.id,
                      "market_id": stall.market_id,
                      "new": audit.snapshot(stall, tuple(sorted(STALL_FIELDS)))}
                     for stall in stalls)
    return stalls


def update_stall(stall: Stall, **changes: Any) -> Stall:
    """Change a stall's code, place, category or status (closing it retires it)."""
    return checks.one(update_stalls, (stall, changes))


def update_stalls(items: Sequence[tuple[Stall, dict[str, Any]]]) -> list[Stall]:
    """``update_stall`` for many stalls, each at most once: all checked, then one flush.

    A code freed by one item cannot be taken by another item of the same batch.
    """
    checks.once_each((stall.id for stall, _ in items), "stall")
    taken = _codes_taken([(stall.market_id, changes) for stall, changes in items])

    def clean(item: tuple[Stall, dict[str, Any]]) -> dict[str, Any]:
        stall, changes = item
        checks.refuse_unknown(changes, STALL_FIELDS)
        return _clean_stall(changes, stall.market_id, taken, stall)

    cleaned = checks.each(items, clean)
    changed = [(stall, *checks.apply_changes(stall, values, STALL_FIELDS))
               for (stall, _), values in zip(items, cleaned)]
    db.session.flush()
    audit.record_all(
        {"action": "retire" if new["status"] == StallStatus.CLOSED != old["status"] else "update",
         "entity": "stall", "entity_id": stall.id, "market_id": stall.market_id,
         "old": old, "new": new}
        for stall, old, new in changed if old != new)
    return [stall for stall, _ in items]
