"""A commune with two markets whose stalls stand on different steps, and their snapshots."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from factories import make_commune, make_market, make_stall, make_user, make_vendor
from monitor.makers import TODAY, days_ago, inspection, payments, sign_for, tenant_stall

from market.extensions import db
from market.models import AdminUnit, Market, Role, Stall, StallStatus, User
from market.models.evidence import ScanResult
from market.monitor.snapshots import write_snapshots

MONTH_AGO = days_ago(30)


@dataclass
class Area:
    province: AdminUnit
    commune: AdminUnit
    other_commune: AdminUnit
    markets: list[Market]
    other_market: Market
    stalls: dict[str, Stall]
    commune_user: User


def build_area() -> Area:
    province = make_commune("Thành phố Hà Nội", code="01")
    commune = make_commune("Xã Đông Anh", parent=province)
    other_commune = make_commune("Xã Thư Lâm", parent=province)
    mun = make_market("Chợ Mun", commune=commune, market_class=2)
    van = make_market("Chợ Dốc Vân", commune=commune, market_class=3)
    other = make_market("Chợ Sáng Thư Lâm", commune=other_commune)
    stalls: dict[str, Stall] = {}

    active, account = tenant_stall(mun)
    sign_for(active, account, "S-ACTIVE")
    payments(active, days_ago(3), 4)
    stalls["active"] = active
    displayed, account = tenant_stall(mun)
    sign_for(displayed, account, "S-DISPLAYED")
    inspection(displayed, days_ago(10), account=account, scan=ScanResult.MATCH)
    stalls["displayed"] = displayed
    stalls["registered"], _ = tenant_stall(mun)
    stalls["no_account"], _ = tenant_stall(van, account=False)
    stalls["van_active"], account = tenant_stall(van)
    payments(stalls["van_active"], days_ago(1), 2)
    make_stall(van, status=StallStatus.VACANT)
    tenant_stall(other)
    db.session.flush()
    for day in (MONTH_AGO, TODAY):
        write_snapshots(day, None)
    user = make_user(Role.COMMUNE, unit=commune)
    return Area(province, commune, other_commune, [mun, van], other, stalls, user)


def vendor_with_phone(stall: Stall, phone: str, birth_year: int | None = None,
                      start_on: date = date(2026, 1, 1)):
    return make_vendor(stall=stall, phone=phone, birth_year=birth_year, start_on=start_on)
