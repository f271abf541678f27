"""Where the demo happens: real 2025 communes of Hà Nội around chợ Mun, three markets, their floor plans."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from market.models import GoodsCategory as G
from market.models import UnitLevel


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    level: UnitLevel
    parent_code: str | None
    active: bool = True


# The statistics office's 2025 codes, as the ``vietnam-provinces`` package gives them
# (``flask --app market units load`` loads all 3,321). Since 1 July 2025 communes hang
# directly under the province; the old district stays, inactive, because older records
# still name it. Xã Kim Chung (00493), where chợ Mun stands, is now part of Xã Thiên Lộc,
# which kept its code; the Tó hamlet of the former Xã Uy Nỗ is now in Xã Đông Anh.
ADMIN_UNITS = (
    UnitPlan("01", "Thành phố Hà Nội", UnitLevel.PROVINCE, None),
    UnitPlan("017", "Huyện Đông Anh", UnitLevel.DISTRICT, "01", active=False),
    UnitPlan("00493", "Xã Thiên Lộc", UnitLevel.COMMUNE, "01"),
    UnitPlan("00454", "Xã Đông Anh", UnitLevel.COMMUNE, "01"),
    UnitPlan("00484", "Xã Thư Lâm", UnitLevel.COMMUNE, "01"),
    UnitPlan("00466", "Xã Phúc Thịnh", UnitLevel.COMMUNE, "01"),
)


@dataclass(frozen=True)
class Zone:
    letter: str
    rows: int
    per_row: int
    categories: dict[G, int]  # goods sold in the zone, weighted


@dataclass(frozen=True)
class MarketPlan:
    code: str
    name: str
    market_class: int
    commune_code: str
    address: str
    zones: tuple[Zone, ...]
    with_account: float  # share of operating stalls whose vendor registered an account
    vacant: float
    closed: float
    # When the board's registration drive ran (consent and account dates fall in it).
    drive: tuple[date, date]


@dataclass(frozen=True)
class Spot:
    """One stall's place on the floor plan: zone, row, number."""

    zone: Zone
    row: int
    number: int

    @property
    def code(self) -> str:
        return f"{self.zone.letter}{self.row}-{self.number:02d}"

    @property
    def zone_name(self) -> str:
        return f"Khu {self.zone.letter}"

    @property
    def row_name(self) -> str:
        return f"Dãy {self.row}"


FRESH = {G.VEGETABLES: 6, G.FRUIT: 3, G.FLOWERS: 1}
WET = {G.MEAT: 4, G.FISH: 3, G.POULTRY: 2}
DRY = {G.DRY_GOODS: 3, G.GROCERY: 3, G.RICE: 2}
WEAR = {G.CLOTHING: 5, G.FOOTWEAR: 2, G.HOUSEHOLD: 2}
FOOD = {G.COOKED_FOOD: 4, G.DRINKS: 2}
SERVICES = {G.SERVICES: 3, G.HOUSEHOLD: 2, G.FLOWERS: 1}

MARKETS = (
    MarketPlan(
        "HN-DA-TO", "Chợ Tó", 1, "00454", "Thôn Tó (xã Uy Nỗ cũ), xã Đông Anh, Hà Nội",
        (Zone("A", 4, 10, FRESH), Zone("B", 3, 10, WET), Zone("C", 2, 10, DRY),
         Zone("D", 3, 10, WEAR), Zone("E", 2, 8, FOOD), Zone("F", 1, 14, SERVICES)),
        with_account=0.6, vacant=0.07, closed=0.03, drive=(date(2025, 9, 1), date(2026, 10, 31)),
    ),
    MarketPlan(
        "HN-KC-MUN", "Chợ Mun", 2, "00493", "Thôn Mạch Lũng (xã Kim Chung cũ), xã Thiên Lộc, Hà Nội",
        (Zone("A", 2, 10, FRESH), Zone("B", 2, 8, WET), Zone("C", 2, 8, DRY),
         Zone("D", 2, 8, WEAR), Zone("E", 1, 12, FOOD)),
        with_account=1.0, vacant=0.03, closed=0.0, drive=(date(2025, 3, 1), date(2025, 8, 31)),
    ),
    MarketPlan(
        "HN-TL-TL", "Chợ Thư Lâm", 3, "00484", "Xã Thư Lâm, Hà Nội",
        (Zone("A", 2, 8, FRESH | {G.POULTRY: 2}), Zone("B", 1, 10, WET),
         Zone("C", 1, 14, DRY | FOOD)),
        with_account=0.35, vacant=0.1, closed=0.05, drive=(date(2026, 3, 1), date(2026, 11, 15)),
    ),
)


def spots(market: MarketPlan) -> list[Spot]:
    """The stalls of a market's floor plan, zone by zone, row by row."""
    return [
        Spot(zone, row, number)
        for zone in market.zones
        for row in range(1, zone.rows + 1)
        for number in range(1, zone.per_row + 1)
    ]
