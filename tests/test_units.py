"""The official 2025 administrative units: loaded by code, never lost, older units merged forward."""
from datetime import date

import pytest
from factories import login, make_commune, make_market, make_user
from sqlalchemy import func, select

from market.admin.units import MergeError, load_units, merge_unit, official_units
from market.demo.layout import ADMIN_UNITS, MARKETS
from market.extensions import db
from market.models import AdminUnit, AdoptionSnapshot, Role, UnitLevel


def unit(code: str) -> AdminUnit:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def count(level: UnitLevel) -> int:
    return db.session.scalar(select(func.count()).where(AdminUnit.level == level, AdminUnit.active))


def test_the_package_holds_the_two_level_structure():
    units = official_units()
    assert sum(u.level is UnitLevel.PROVINCE for u in units) == 34
    assert sum(u.level is UnitLevel.COMMUNE for u in units) == 3321
    assert {u.parent_code for u in units if u.level is UnitLevel.COMMUNE} <= {
        u.code for u in units if u.level is UnitLevel.PROVINCE}


def test_loading_creates_every_unit_then_changes_nothing(app):
    first = load_units()
    assert (first.added, first.updated) == (3355, 0)
    assert count(UnitLevel.PROVINCE) == 34 and count(UnitLevel.COMMUNE) == 3321
    thien_loc = unit("00493")
    assert thien_loc.name == "Xã Thiên Lộc" and thien_loc.parent.name == "Thành phố Hà Nội"
    again = load_units()
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3355)


def test_loading_updates_by_code_and_keeps_units_still_in_use(app):
    hanoi = make_commune("Hà Nội", code="01", level=UnitLevel.PROVINCE)
    typed = make_commune("Xa Dong Anh (go tay)", code="00454")  # typed by hand, no parent
    kim_chung = make_commune("Xã Kim Chung", code="KC-2024", parent=hanoi)
    market = make_market("Chợ Mun", commune=kim_chung)
    unused = make_commune("Xã Thử", code="TEST-1")
    result = load_units()
    assert result.updated == 2 and result.added == 3353
    assert typed.name == "Xã Đông Anh" and typed.parent is hanoi and hanoi.name == "Thành phố Hà Nội"
    assert result.kept_in_use == [kim_chung] and kim_chung.active and market.commune is kim_chung
    assert result.retired == 1 and not unused.active and unit("TEST-1") is unused  # kept, inactive


def test_an_older_unit_merged_into_its_successor_rolls_its_markets_and_history_up(app):
    load_units()
    thien_loc = unit("00493")
    kim_chung = make_commune("Xã Kim Chung", code="KC-2024", parent=unit("01"))
    mun = make_market("Chợ Mun", commune=kim_chung)
    beside = make_market("Chợ Đại Mạch", commune=thien_loc)
    day = date(2025, 5, 1)
    db.session.add_all([
        AdoptionSnapshot(day=day, market_id=mun.id, operating=40, registered=40, active=30),
        AdoptionSnapshot(day=day, market_id=beside.id, operating=10, registered=5, active=1),
        AdoptionSnapshot(day=day, commune_id=kim_chung.id, operating=40, registered=40, active=30),
    ])
    official = make_user(Role.COMMUNE, unit=kim_chung)
    assert merge_unit(kim_chung, thien_loc) == 1
    assert mun.commune is thien_loc and official.admin_unit is thien_loc
    assert kim_chung.merged_into is thien_loc and not kim_chung.active
    rolled = db.session.scalar(select(AdoptionSnapshot).where(
        AdoptionSnapshot.commune_id == thien_loc.id, AdoptionSnapshot.day == day))
    assert (rolled.operating, rolled.registered, rolled.active) == (50, 45, 31)


def test_a_merger_needs_an_active_commune_as_successor(app):
    load_units()
    old = make_commune("Xã Cũ", code="OLD-1")
    with pytest.raises(MergeError):
        merge_unit(old, unit("01"))
    with pytest.raises(MergeError):
        merge_unit(old, old)


def test_units_commands_load_and_merge(cli):
    loaded = cli.invoke(args=["units", "load"])
    assert loaded.exit_code == 0 and "3355 added" in loaded.output
    make_commune("Xã Kim Chung", code="KC-2024", parent=unit("01"))
    db.session.commit()
    merged = cli.invoke(args=["units", "merge", "KC-2024", "00493"])
    assert merged.exit_code == 0 and "merged into 00493" in merged.output
    missing = cli.invoke(args=["units", "merge", "KC-2024", "99999"])
    assert missing.exit_code != 0 and "no administrative unit with code 99999" in missing.output


def test_the_demo_sits_in_real_2025_communes():
    official = {u.code: u for u in official_units()}
    for plan in ADMIN_UNITS:
        if plan.level is not UnitLevel.DISTRICT:
            assert official[plan.code].name == plan.name, plan
    for market in MARKETS:
        assert official[market.commune_code].level is UnitLevel.COMMUNE
    mun = next(m for m in MARKETS if m.name == "Chợ Mun")
    assert official[mun.commune_code].name == "Xã Thiên Lộc" and "Kim Chung" in mun.address


def test_the_administrator_picks_a_commune_from_a_searchable_list(client):
    load_units()
    login(client, make_user("admin"))
    page = client.get("/markets/new").get_data(as_text=True)
    assert 'data-filters="commune_id"' in page and "js/bank-picker.js" in page
    option = page[page.index('data-code="00493"') - 200:page.index('data-code="00493"') + 200]
    assert "Xã Thiên Lộc — Thành phố Hà Nội (00493)" in option
    assert 'data-short-name="Thiên Lộc"' in option
    found = client.get("/admin/units", query_string={"q": "Thiên Lộc"}).get_data(as_text=True)
    assert "00493" in found
