"""The stalls tables kept between requests: served again while the registry is unchanged,
rendered afresh after any recorded change, never shared across masking or languages."""
from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from flask import current_app

from market.extensions import db
from market.registry.services.vendors import update_vendor


def market_with_tenant():
    market = make_market("Chợ Mun")
    vendor = make_vendor("Nguyễn Thị Lan")
    make_stall(market, code="A-01", vendor=vendor)
    make_account(vendor, account_number="0011001234567")
    return market, vendor


def test_a_recorded_change_shows_at_once_on_the_market_and_search_pages(client):
    market, vendor = market_with_tenant()
    login(client, make_user("board", markets=[market]))
    assert "Nguyễn Thị Lan" in client.get(f"/markets/{market.id}").get_data(True)
    assert "Nguyễn Thị Lan" in client.get("/search?q=Lan").get_data(True)

    update_vendor(vendor, name="Nguyễn Thị Lan Anh")
    db.session.commit()

    assert "Lan Anh" in client.get(f"/markets/{market.id}").get_data(True)
    assert "Lan Anh" in client.get("/search?q=Lan").get_data(True)


def test_the_table_is_kept_while_no_change_is_recorded(client):
    market, vendor = market_with_tenant()
    login(client, make_user("board", markets=[market]))
    client.get(f"/markets/{market.id}")
    # Written around the services, so no audit event: the kept table is served.
    vendor.name = "Tên đổi ngoài sổ"
    db.session.commit()
    assert "Nguyễn Thị Lan" in client.get(f"/markets/{market.id}").get_data(True)

    current_app.config["REGISTRY_STEP_CACHE_SECONDS"] = 0
    try:
        assert "Tên đổi ngoài sổ" in client.get(f"/markets/{market.id}").get_data(True)
    finally:
        current_app.config.pop("REGISTRY_STEP_CACHE_SECONDS")


def test_masked_and_full_tables_are_kept_apart(client, app):
    market, _vendor = market_with_tenant()
    board = make_user("board", markets=[market])
    commune = make_user("commune", unit=market.commune)
    db.session.commit()
    for user, shown, hidden in ((board, "0011001234567", "•••4567"),
                                (commune, "•••4567", "0011001234567"),
                                (board, "0011001234567", "•••4567")):
        with app.test_client() as each:
            login(each, user)
            page = each.get(f"/markets/{market.id}").get_data(True)
            assert shown in page and hidden not in page, user.role


def test_each_language_gets_its_own_table(client):
    market, _vendor = market_with_tenant()
    login(client, make_user("board", markets=[market]))
    assert "Hộ kinh doanh" in client.get(f"/markets/{market.id}").get_data(True)
    client.get("/language/en")
    page = client.get(f"/markets/{market.id}").get_data(True)
    assert "Hộ kinh doanh" not in page
    client.get("/language/vi")
    assert "Hộ kinh doanh" in client.get(f"/markets/{market.id}").get_data(True)
