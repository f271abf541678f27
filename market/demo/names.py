"""Vietnamese people for the demo and load data: names, shop names, birth years, phones, banks.

Every function draws from the ``random.Random`` it is given, so a seed fixes the result.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from market.models import GoodsCategory
from market.vietqr import all_banks

# Family names, weighted roughly by how common they are in the North.
FAMILY_NAMES = {
    "Nguyễn": 36, "Trần": 10, "Lê": 9, "Phạm": 7, "Hoàng": 5, "Vũ": 5, "Phan": 3,
    "Đặng": 3, "Bùi": 3, "Đỗ": 3, "Ngô": 2, "Dương": 2, "Đào": 2, "Đinh": 2,
    "Trịnh": 1, "Lương": 1, "Hồ": 1, "Tạ": 1, "Kiều": 1, "Chu": 1, "Mai": 1, "Cao": 1,
}
# Elderly women are nearly all "Thị"; younger ones get a wider choice.
FEMALE_MIDDLE = {"Thị": 12, "Thu": 1, "Thanh": 1, "Ngọc": 1, "Minh": 1, "Hồng": 1, "Kim": 1}
MALE_MIDDLE = {"Văn": 10, "Đức": 2, "Hữu": 1, "Quang": 1, "Minh": 1, "Xuân": 1, "Công": 1, "Đình": 1}
FEMALE_GIVEN = (
    "Hạnh", "Lan", "Hoa", "Hương", "Hằng", "Nga", "Mai", "Thủy", "Dung", "Liên", "Tuyết",
    "Nhung", "Loan", "Oanh", "Thảo", "Huyền", "Yến", "Phượng", "Cúc", "Đào", "Hiền", "Xuân",
    "Bích", "Thơm", "Luyến", "Dịu", "Ngọc", "Trang", "Linh", "Vân", "Lụa", "Chinh",
)
MALE_GIVEN = (
    "Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Long", "Minh", "Nam", "Sơn", "Tùng", "Cường",
    "Quang", "Bình", "Hòa", "Phúc", "Đức", "Trung", "Toàn", "Thành", "Khải", "Lợi", "Tâm",
)
# What a shop is called after, by the goods it sells.
SHOP_WORDS = {
    GoodsCategory.VEGETABLES: ("Rau sạch", "Rau củ"),
    GoodsCategory.FRUIT: ("Hoa quả", "Trái cây"),
    GoodsCategory.MEAT: ("Thịt lợn", "Thịt bò"),
    GoodsCategory.FISH: ("Cá tươi", "Hải sản"),
    GoodsCategory.POULTRY: ("Gà ta", "Trứng gà vịt"),
    GoodsCategory.RICE: ("Gạo", "Gạo ngon"),
    GoodsCategory.DRY_GOODS: ("Đồ khô", "Gia vị"),
    GoodsCategory.COOKED_FOOD: ("Bún chả", "Phở", "Xôi"),
    GoodsCategory.DRINKS: ("Nước mía", "Trà đá"),
    GoodsCategory.CLOTHING: ("Quần áo", "Vải"),
    GoodsCategory.FOOTWEAR: ("Giày dép", "Túi xách"),
    GoodsCategory.HOUSEHOLD: ("Đồ gia dụng", "Nhôm nhựa"),
    GoodsCategory.FLOWERS: ("Hoa tươi", "Cây cảnh"),
    GoodsCategory.GROCERY: ("Tạp hóa",),
    GoodsCategory.SERVICES: ("May đo", "Cắt tóc", "Sửa đồng hồ"),
    GoodsCategory.OTHER: ("Hàng",),
}
PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "032",
                  "033", "034", "035", "036", "037", "038", "039", "070", "077", "081", "083")
# Receiving banks as market vendors in the North use them, weighted; account number
# prefix and length as those banks print them.
BANK_SHARES = (
    ("Agribank", 30, "1500", 13), ("Vietcombank", 14, "10", 10), ("BIDV", 13, "2151", 14),
    ("VietinBank", 12, "1010", 12), ("MB Bank", 14, "0", 13), ("Techcombank", 7, "1903", 14),
    ("VPBank", 4, "", 9), ("LPBank", 3, "0", 12), ("ACB", 2, "", 8), ("TPBank", 1, "0", 11),
)
CUMULATIVE_SHARES = tuple(accumulate(share[1] for share in BANK_SHARES))


@dataclass(frozen=True)
class Person:
    name: str
    female: bool
    birth_year: int | None
    phone: str | None


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(tuple(table), weights=tuple(table.values()))[0]


def person(rng: random.Random) -> Person:
    """A vendor: most are women, many are elderly; a birth year or a phone may be unknown."""
    female = rng.random() < 0.75
    birth_year = min(2004, int(rng.triangular(1945, 2002, 1965)))
    middle = weighted(rng, FEMALE_MIDDLE if female else MALE_MIDDLE)
    if female and birth_year < 1970:
        middle = "Thị"
    given = rng.choice([g for g in (FEMALE_GIVEN if female else MALE_GIVEN) if g != middle])
    name = f"{weighted(rng, FAMILY_NAMES)} {middle} {given}"
    has_phone = rng.random() < (0.55 if birth_year < 1960 else 0.9)
    phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}" if has_phone else None
    known_year = rng.random() < 0.8
    return Person(name, female, birth_year if known_year else None, phone)


def shop_name(rng: random.Random, person: Person, category: GoodsCategory) -> str:
    """``"Rau sạch cô Hạnh"``: the goods, then how customers address the vendor."""
    return f"{rng.choice(SHOP_WORDS[category])} {address_form(person)}"


def address_form(person: Person) -> str:
    """``"cô Hạnh"``: a title by age and sex, then the given name."""
    year = person.birth_year or 1970
    if year < 1966:
        title = "bà" if person.female else "ông"
    elif year < 1986:
        title = "cô" if person.female else "chú"
    else:
        title = "chị" if person.female else "anh"
    return f"{title} {person.name.rsplit(' ', 1)[-1]}"


@cache
def bank_bins() -> dict[str, str]:
    """BIN by short name, from the codec's bank directory."""
    return {bank.short_name: bank.bin for bank in all_banks()}


def bank_account(rng: random.Random) -> tuple[str, str]:
    """A (BIN, account number) pair with a realistic spread of banks."""
    short_name, _, prefix, length = rng.choices(BANK_SHARES, cum_weights=CUMULATIVE_SHARES)[0]
    digits = length - len(prefix)
    return bank_bins()[short_name], f"{prefix}{rng.randrange(10**digits):0{digits}d}"
