"""Tokens: made and revoked on the profile page, kept hashed, the only way into the API."""
from __future__ import annotations

import re

import pytest
from factories import login, make_market, make_user
from sqlalchemy import select

from api.helpers import bearer
from market.api.tokens import hash_token
from market.extensions import db
from market.models import ApiToken, Role


def test_without_a_token_the_api_answers_401_problem(client):
    response = client.get("/api/v1/markets")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.get_json()["title"] == "Chưa xác thực"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_does_not_open_the_api(client):
    user = make_user(Role.ADMIN)
    login(client, user)
    assert client.get("/api/v1/markets").status_code == 401


def test_profile_shows_the_user_and_creates_a_token_shown_once(client):
    market = make_market("Chợ Dốc Vân")
    user = make_user(Role.BOARD, markets=[market], full_name="Trần Văn Bình")
    login(client, user)

    page = client.get("/profile").get_data(as_text=True)
    assert "Trần Văn Bình" in page and "Ban quản lý chợ" in page and "Chợ Dốc Vân" in page

    created = client.post("/profile/tokens", data={"name": "Ứng dụng phường"})
    assert created.status_code == 200
    plain = re.search(r"cho40_[A-Za-z0-9_-]+", created.get_data(as_text=True)).group(0)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hash_token(plain) and plain not in stored.token_hash
    assert plain not in client.get("/profile").get_data(as_text=True)

    response = client.get("/api/v1/markets", headers={"Authorization": f"Bearer {plain}"})
    assert [m["name"] for m in response.get_json()["items"]] == ["Chợ Dốc Vân"]


def test_a_token_needs_a_name(client):
    login(client, make_user(Role.TEAM))
    response = client.post("/profile/tokens", data={"name": "  "})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_a_revoked_token_no_longer_opens_the_api(client):
    user = make_user(Role.ADMIN)
    headers = bearer(user)
    assert client.get("/api/v1/markets", headers=headers).status_code == 200
    login(client, user)
    token = db.session.scalar(select(ApiToken))
    response = client.post(f"/profile/tokens/{token.id}/revoke", follow_redirects=True)
    assert "Đã thu hồi" in response.get_data(as_text=True)
    assert client.get("/api/v1/markets", headers=headers).status_code == 401


def test_one_cannot_revoke_someone_elses_token(client):
    owner = make_user(Role.ADMIN)
    headers = bearer(owner)
    login(client, make_user(Role.ADMIN))
    token = db.session.scalar(select(ApiToken))
    client.post(f"/profile/tokens/{token.id}/revoke")
    assert client.get("/api/v1/markets", headers=headers).status_code == 200


def test_a_deactivated_users_token_stops_working(client):
    user = make_user(Role.ADMIN)
    headers = bearer(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/markets", headers=headers).status_code == 401


@pytest.fixture
def rate_limit(app):
    """Set the per-token limit for one test, then put the configuration back."""
    saved = app.config.get("API_RATE_LIMIT")

    def set_limit(calls: int) -> None:
        app.config["API_RATE_LIMIT"] = calls

    yield set_limit
    if saved is None:
        app.config.pop("API_RATE_LIMIT", None)
    else:
        app.config["API_RATE_LIMIT"] = saved


def test_rate_limit_answers_429_with_retry_after(client, rate_limit):
    headers = bearer(make_user(Role.ADMIN))
    rate_limit(3)
    statuses = [client.get("/api/v1/markets", headers=headers).status_code for _ in range(4)]
    refused = client.get("/api/v1/markets", headers=headers)
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["type"].endswith("rate-limited")


def test_the_rate_limit_counts_each_user_not_each_token(client, rate_limit):
    user = make_user(Role.ADMIN)
    tokens = [bearer(user, f"khóa {number}") for number in range(3)]
    other = bearer(make_user(Role.ADMIN))
    rate_limit(2)
    statuses = [client.get("/api/v1/markets", headers=headers).status_code for headers in tokens]
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/markets", headers=other).status_code == 200


def test_the_rate_limit_holds_across_applications_sharing_redis(redis_app):
    from market import create_app

    redis_app.config["API_RATE_LIMIT"] = 3
    other_node = create_app({**redis_app.config, "DATABASE_URL":
                             redis_app.config["SQLALCHEMY_DATABASE_URI"]})
    with redis_app.app_context():
        headers = bearer(make_user(Role.ADMIN))
        first = [redis_app.test_client().get("/api/v1/markets", headers=headers).status_code
                 for _ in range(2)]
    with other_node.app_context():
        second = [other_node.test_client().get("/api/v1/markets", headers=headers).status_code
                  for _ in range(2)]
    assert first + second == [200, 200, 200, 429]


