"""Who may see and change what: every role against every registry page, by URL."""
import pytest
from factories import (
    login,
    make_account,
    make_commune,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from sqlalchemy import select

from market.extensions import db
from market.models import BankAccount

ROLES = ("admin", "commune", "board", "team")


@pytest.fixture
def world():
    """Two markets in two communes; each has a stall with a vendor and an account."""
    home_commune, other_commune = make_commune("Xã Đông Anh"), make_commune("Xã Mê Linh")
    own = make_market("Chợ Mun", commune=home_commune)
    other = make_market("Chợ Quang Minh", commune=other_commune)
    own_stall = make_stall(own, code="A-01", vendor=make_vendor("Nguyễn Thị Lan"))
    other_stall = make_stall(other, code="Z-99", vendor=make_vendor("Hoàng Văn Tư"))
    make_account(own_stall.tenancies[0].vendor, account_number="0011001234567")
    make_account(other_stall.tenancies[0].vendor, account_number="9999888877")
    users = {
        "admin": make_user("admin"),
        "commune": make_user("commune", unit=home_commune),
        "board": make_user("board", markets=[own]),
        "team": make_user("team", markets=[own]),
    }
    db.session.commit()
    return {"own": own, "other": other, "own_stall": own_stall, "other_stall": other_stall,
            "users": users}


# (url template, {role: expected status}); "anonymous" is always sent to sign in.
PAGES = [
    ("/markets", {"admin": 200, "commune": 200, "board": 200, "team": 200}),
    ("/markets/{own}", {"admin": 200, "commune": 200, "board": 200, "team": 200}),
    ("/markets/{other}", {"admin": 200, "commune": 404, "board": 404, "team": 404}),
    ("/markets/new", {"admin": 200, "commune": 403, "board": 403, "team": 403}),
    ("/markets/{own}/edit", {"admin": 200, "commune": 403, "board": 200, "team": 403}),
    ("/markets/{other}/edit", {"admin": 200, "commune": 403, "board": 404, "team": 403}),
    ("/markets/{own}/stalls/new", {"admin": 200, "commune": 403, "board": 200, "team": 403}),
    ("/markets/{other}/stalls/new", {"admin": 200, "commune": 403, "board": 404, "team": 403}),
    ("/stalls/{own_stall}", {"admin": 200, "commune": 200, "board": 200, "team": 200}),
    ("/stalls/{other_stall}", {"admin": 200, "commune": 404, "board": 404, "team": 404}),
    ("/stalls/{own_stall}/edit", {"admin": 200, "commune": 403, "board": 200, "team": 403}),
    ("/stalls/{other_stall}/edit", {"admin": 200, "commune": 403, "board": 404, "team": 403}),
    ("/stalls/{own_stall}/tenant", {"admin": 200, "commune": 403, "board": 200, "team": 403}),
    ("/stalls/{own_stall}/vendor", {"admin": 200, "commune": 403, "board": 200, "team": 403}),
    ("/stalls/{other_stall}/vendor", {"admin": 200, "commune": 403, "board": 404, "team": 403}),
    ("/stalls/{own_stall}/account", {"admin": 200, "commune": 403, "board": 200, "team": 403}),
    ("/stalls/{other_stall}/account", {"admin": 200, "commune": 403, "board": 404, "team": 403}),
    ("/search?q=A-0", {"admin": 200, "commune": 200, "board": 200, "team": 200}),
    ("/audit", {"admin": 200, "commune": 403, "board": 200, "team": 403}),
]


def url(template, world):
    return template.format(own=world["own"].id, other=world["other"].id,
                           own_stall=world["own_stall"].id, other_stall=world["other_stall"].id)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_its_scope_allows_on_every_page(client, world, role):
    login(client, world["users"][role])
    got = {template: client.get(url(template, world)).status_code for template, _ in PAGES}
    assert got == {template: expected[role] for template, expected in PAGES}


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for template, _ in PAGES:
        response = client.get(url(template, world))
        assert response.status_code == 302 and "/login" in response.location, template


def test_board_cannot_change_another_markets_account_by_url(client, world):
    login(client, world["users"]["board"])
    response = client.post(f"/stalls/{world['other_stall'].id}/account", data={
        "bank_bin": "970415", "account_number": "123123123", "account_number_again": "123123123",
        "holder_name": "KE GIAN", "kind": "account"})
    assert response.status_code == 404
    numbers = db.session.scalars(select(BankAccount.account_number)).all()
    assert "123123123" not in numbers


def test_board_cannot_edit_another_markets_stall_by_url(client, world):
    login(client, world["users"]["board"])
    response = client.post(f"/stalls/{world['other_stall'].id}/edit", data={
        "code": "HACKED", "category": "meat", "status": "closed"})
    assert response.status_code == 404
    db.session.refresh(world["other_stall"])
    assert world["other_stall"].code == "Z-99"


def test_search_never_shows_stalls_outside_the_scope(client, world):
    login(client, world["users"]["board"])
    page = client.get("/search", query_string={"q": "Hoàng"}).get_data(as_text=True)
    assert "Z-99" not in page
    page = client.get("/search", query_string={"q": "9999"}).get_data(as_text=True)
    assert "Z-99" not in page


def test_commune_sees_its_markets_with_account_numbers_masked(client, world):
    login(client, world["users"]["commune"])
    page = client.get(f"/markets/{world['own'].id}").get_data(as_text=True)
    assert "A-01" in page and "0011001234567" not in page and "4567" in page
    stall_page = client.get(f"/stalls/{world['own_stall'].id}").get_data(as_text=True)
    assert "0011001234567" not in stall_page


def test_team_sees_stalls_but_no_account_change_button(client, world):
    login(client, world["users"]["team"])
    page = client.get(f"/stalls/{world['own_stall'].id}").get_data(as_text=True)
    assert "0011001234567" in page and "Đổi tài khoản" not in page


def test_board_audit_trail_shows_only_its_markets(client, world):
    admin_client = client.application.test_client()
    login(admin_client, world["users"]["admin"])
    for stall in (world["own_stall"], world["other_stall"]):
        admin_client.post(f"/stalls/{stall.id}/edit", data={
            "code": stall.code, "zone": "Khu cá", "category": "fish", "status": "operating"})
    login(client, world["users"]["board"])
    page = client.get("/audit").get_data(as_text=True)
    assert page.count("Khu cá") == 1
    assert world["own"].code in page and world["other"].code not in page


def test_home_sends_each_role_to_its_start_page(client, world):
    anonymous = client.get("/")
    assert anonymous.status_code == 302 and anonymous.location.endswith("/login")
    expected = {"admin": "/admin/users", "commune": "/markets",
                "board": f"/markets/{world['own'].id}", "team": f"/markets/{world['own'].id}"}
    for role, start in expected.items():
        other = client.application.test_client()
        login(other, world["users"][role])
        response = other.get("/")
        assert response.status_code == 302 and response.location.endswith(start), role
