"""Sign-in: password rules, cookies, sessions (throttling: test_throttle.py)."""

import pytest
from factories import PASSWORD, login, make_commune, make_user
from sqlalchemy import select

from market import create_app
from market.auth import throttle
from market.auth.passwords import password_problem
from market.demo.loader import DEMO_PASSWORD, DEMO_USERS
from market.extensions import db
from market.models import LoginFailure, User


@pytest.mark.parametrize(("password", "username", "message"), [
    ("ngan", "lan", "ít nhất 10 ký tự"),
    ("ban.cho.mun", "ban.cho.mun", "trùng với tên đăng nhập"),
    ("Ban-Cho-Mun", "ban.cho.mun", "trùng với tên đăng nhập"),
    ("1234567890", "lan", "quá phổ biến"),
    ("Password123", "lan", "quá phổ biến"),
    ("aaaaaaaaaaaa", "lan", "quá phổ biến"),
])
def test_weak_passwords_are_refused(app, password, username, message):
    with app.test_request_context():
        assert message in str(password_problem(password, username))


def test_the_demo_password_meets_the_rules(app):
    with app.test_request_context():
        for demo in DEMO_USERS:
            assert password_problem(DEMO_PASSWORD, demo.username) is None


def test_admin_pages_refuse_a_common_password_or_the_username(client):
    person = make_user("team", username="to.so.hoa.cho")
    login(client, make_user("admin"))
    response = client.post("/admin/users/new", data={
        "username": "ban.cho.mun", "full_name": "Lê Thị Hạnh", "role": "admin",
        "password": "password123", "admin_unit_id": 0})
    assert response.status_code == 400
    assert "quá phổ biến" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "ban.cho.mun")) is None
    response = client.post(f"/admin/users/{person.id}/password",
                           data={"password": "To-So-Hoa-Cho"})
    assert response.status_code == 400
    assert "trùng với tên đăng nhập" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_lax_and_rotated_at_sign_in(client):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    with client.session_transaction() as session:
        assert "planted" not in session


def test_behind_https_cookies_are_secure_and_the_proxy_is_trusted(app):
    https_app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                            "WTF_CSRF_ENABLED": False, "HTTPS": 1,
                            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert https_app.config["SESSION_COOKIE_SECURE"] and https_app.config["REMEMBER_COOKIE_SECURE"]
    user = make_user()
    db.session.commit()
    with https_app.app_context():
        client = https_app.test_client()
        response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                               headers={"X-Forwarded-Proto": "https",
                                        "X-Forwarded-For": "203.0.113.7"})
        assert response.status_code == 302
        assert "Secure" in response.headers["Set-Cookie"]
        assert "Strict-Transport-Security" in response.headers
        for _ in range(20):
            client.post("/login", data={"username": "khong-co", "password": "sai-mat-khau"},
                        headers={"X-Forwarded-For": "203.0.113.8"})
        db.session.remove()
    assert db.session.scalar(select(LoginFailure.id).where(
        LoginFailure.key == throttle.pair_key("khong-co", "203.0.113.8"))) is not None


def test_sign_out_everywhere_ends_the_other_sessions(client, app):
    user = make_user()
    phone = app.test_client()
    login(client, user)
    login(phone, user)
    assert phone.get("/profile").status_code == 200
    assert "Đăng xuất khỏi mọi thiết bị" in client.get("/profile").get_data(as_text=True)
    response = client.post("/logout/everywhere")
    assert response.status_code == 302 and "/login" in response.location
    assert "/login" in phone.get("/profile").location
    assert "/login" in client.get("/profile").location
    login(phone, user)
    assert phone.get("/profile").status_code == 200


def test_deactivation_and_password_reset_end_the_persons_sessions(client, app):
    commune = make_commune()
    person = make_user("commune", unit=commune)
    admin = make_user("admin")
    phone = app.test_client()
    login(phone, person)
    login(client, admin)
    client.post(f"/admin/users/{person.id}/password", data={"password": "mat-khau-moi-dai"})
    assert "/login" in phone.get("/profile").location
    login(phone, person, password="mat-khau-moi-dai")
    assert person.full_name in phone.get("/profile").get_data(as_text=True)
    client.post(f"/admin/users/{person.id}", data={
        "full_name": person.full_name, "role": "commune", "admin_unit_id": commune.id})
    assert "/login" in phone.get("/profile").location
