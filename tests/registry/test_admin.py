"""Administration: users and their scope, banks, administrative units."""
from factories import login, make_commune, make_market, make_user
from sqlalchemy import select

from market.extensions import db
from market.models import AdminUnit, AuditEvent, Role, User


def test_admin_creates_a_board_user_who_then_sees_only_that_market(client, app):
    market, other = make_market("Chợ Mun"), make_market("Chợ Vân Trì")
    login(client, make_user("admin"))
    response = client.post("/admin/users/new", data={
        "username": "ban.cho.mun", "full_name": "Lê Thị Hạnh", "role": "board",
        "password": "mot-mat-khau-dai", "admin_unit_id": 0, "markets": [market.id]})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "ban.cho.mun"))
    assert user.role == Role.BOARD and [m.id for m in user.markets] == [market.id]
    assert user.password_hash.startswith("scrypt:")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "user"))
    assert "password_hash" not in event.new
    board = app.test_client()
    login(board, user, password="mot-mat-khau-dai")
    assert board.get(f"/markets/{market.id}").status_code == 200
    assert board.get(f"/markets/{other.id}").status_code == 404


def test_user_form_refuses_a_short_password_and_a_board_without_markets(client):
    login(client, make_user("admin"))
    response = client.post("/admin/users/new", data={
        "username": "ab.cd", "full_name": "Ai Đó", "role": "board", "password": "ngan",
        "admin_unit_id": 0})
    assert response.status_code == 400
    assert "ít nhất 10 ký tự" in response.get_data(as_text=True)
    response = client.post("/admin/users/new", data={
        "username": "ab.cd", "full_name": "Ai Đó", "role": "board",
        "password": "mot-mat-khau-dai", "admin_unit_id": 0})
    assert "ít nhất một chợ" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "ab.cd")) is None


def test_deactivated_user_cannot_sign_in_and_reset_password_works(client, app):
    commune = make_commune()
    person = make_user("commune", unit=commune)
    login(client, make_user("admin"))
    client.post(f"/admin/users/{person.id}", data={
        "full_name": person.full_name, "role": "commune", "admin_unit_id": commune.id})
    db.session.refresh(person)
    assert not person.active
    refused = app.test_client().post("/login", data={
        "username": person.username, "password": "mat-khau-thu-nghiem"})
    assert refused.status_code == 400
    client.post(f"/admin/users/{person.id}", data={
        "full_name": person.full_name, "role": "commune", "admin_unit_id": commune.id,
        "active": "y"})
    client.post(f"/admin/users/{person.id}/password", data={"password": "mat-khau-moi-123"})
    db.session.refresh(person)
    login(app.test_client(), person, password="mat-khau-moi-123")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "user").order_by(AuditEvent.id))
    assert list(actions)[-3:] == ["retire", "update", "update"]


def test_admin_lists_banks_by_search_and_adds_a_commune(client):
    login(client, make_user("admin"))
    page = client.get("/admin/banks", query_string={"q": "vietin"}).get_data(as_text=True)
    assert "970415" in page and "970436" not in page
    assert "VietinBank" in client.get("/admin/banks/970415").get_data(as_text=True)
    assert client.get("/admin/banks/000000").status_code == 404
    province = make_commune("Hà Nội", level="province")
    response = client.post("/admin/units", data={
        "code": "hn-da", "name": "Xã Đông Anh", "level": "commune", "parent_id": province.id})
    assert response.status_code == 302
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "HN-DA"))
    assert unit.parent_id == province.id
    duplicate = client.post("/admin/units", data={
        "code": "HN-DA", "name": "Trùng", "level": "commune", "parent_id": 0})
    assert duplicate.status_code == 400 and "đã có" in duplicate.get_data(as_text=True)


def test_only_administrators_reach_the_admin_pages(client):
    market = make_market()
    for url in ("/admin/users", "/admin/banks", "/admin/units"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    for role, kwargs in (("commune", {"unit": market.commune}), ("board", {"markets": [market]}),
                         ("team", {"markets": [market]})):
        other = client.application.test_client()
        login(other, make_user(role, **kwargs))
        for url in ("/admin/users", "/admin/users/new", "/admin/banks", "/admin/units",
                    "/admin/banks/970415"):
            assert other.get(url).status_code == 403, (role, url)
