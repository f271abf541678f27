"""Sign-in throttling: per (account, address), waits that grow in steps, counted atomically,
in the database or in Redis; no timing oracle for unknown usernames."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from factories import PASSWORD, make_user
from sqlalchemy import select

from market.auth import services
from market.extensions import db
from market.models import LoginFailure, utcnow

LOCKED = "Đăng nhập sai quá nhiều lần"
WRONG = "sai-mat-khau-roi"


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def age_attempts(minutes: int) -> None:
    for attempt in db.session.scalars(select(LoginFailure)):
        attempt.failed_at -= timedelta(minutes=minutes)
    db.session.commit()


@pytest.fixture(params=["database", "redis"])
def site(request, app):
    """The application counting in the database (single machine) or in Redis."""
    if request.param == "redis":
        shared = request.getfixturevalue("redis_app")
        with shared.app_context():
            yield shared
        return
    yield app


def test_five_wrong_tries_make_that_account_wait_from_that_address(site):
    user = make_user()
    db.session.commit()
    client = site.test_client()
    for _ in range(5):
        assert sign_in(client, user.username, WRONG).status_code == 400
    refused = sign_in(client, user.username, PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.get_data(as_text=True)
    assert "5 phút" in refused.get_data(as_text=True)
    # Someone guessing elsewhere locks neither the owner's phone nor the others behind the
    # same address.
    assert sign_in(client, user.username.upper(), PASSWORD, "10.9.9.9").status_code == 302
    other = make_user()
    db.session.commit()
    assert sign_in(site.test_client(), other.username, PASSWORD).status_code == 302


def test_a_throttled_sign_in_is_throttled_on_every_application_sharing_redis(redis_app):
    user = make_user()
    db.session.commit()
    from market import create_app

    other_node = create_app({**{k: redis_app.config[k] for k in (
        "TESTING", "SECRET_KEY", "WTF_CSRF_ENABLED", "REDIS_URL", "REDIS_PREFIX")},
        "DATABASE_URL": redis_app.config["SQLALCHEMY_DATABASE_URI"]})
    with redis_app.app_context():
        for _ in range(5):
            sign_in(redis_app.test_client(), user.username, WRONG)
    with other_node.app_context():
        assert sign_in(other_node.test_client(), user.username, PASSWORD).status_code == 429


def test_six_parallel_tries_cannot_pass_a_limit_of_five(site):
    user = make_user()
    db.session.commit()
    username = user.username  # the threads must not load it through the test's session

    def one_try(_):
        with site.app_context():
            return sign_in(site.test_client(), username, WRONG).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(one_try, range(6)))
    # The threads left several idle connections in the (first in, first out) pool: start the
    # next tests from a fresh one, as they expect consecutive requests to share a connection.
    db.engine.dispose()
    assert statuses.count(429) >= 1
    # However the burst went, no more than five wrong passwords are ever checked in the
    # window: the tries after it are refused once five have been.
    statuses += [sign_in(site.test_client(), username, WRONG).status_code for _ in range(6)]
    assert statuses.count(400) <= 5
    assert statuses[-1] == 429


def test_the_wait_grows_in_steps_and_ends(client):
    user = make_user()
    db.session.commit()
    for _ in range(5):
        sign_in(client, user.username, WRONG)
    age_attempts(6)
    for _ in range(5):
        assert sign_in(client, user.username, WRONG).status_code == 400
    refused = sign_in(client, user.username, PASSWORD)
    assert refused.status_code == 429
    assert "24 phút" in refused.get_data(as_text=True)  # 10 in 30 minutes: the second step
    age_attempts(30)
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_refused_tries_do_not_lengthen_the_wait(client):
    user = make_user()
    db.session.commit()
    for _ in range(5):
        sign_in(client, user.username, WRONG)
    for _ in range(10):
        assert sign_in(client, user.username, WRONG).status_code == 429
    age_attempts(6)
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_pairs_count(site):
    user = make_user()
    db.session.commit()
    client = site.test_client()
    for _ in range(4):
        sign_in(client, user.username, WRONG)
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert sign_in(client, user.username, WRONG).status_code == 400
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_stale_attempts_of_every_key_are_dropped(client):
    for number in range(3):
        sign_in(client, f"nguoi{number}", WRONG)
    age_attempts(4 * 60)
    sign_in(client, "binh", WRONG)
    assert [row.key for row in db.session.scalars(select(LoginFailure))] == ["pair:binh|10.0.0.1"]
    assert db.session.scalar(select(LoginFailure.failed_at)) > utcnow() - timedelta(minutes=1)


def test_an_unknown_username_costs_a_password_hash_like_a_known_one(app, monkeypatch):
    user = make_user()
    db.session.commit()
    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash",
                        lambda hashed, password: checked.append(hashed) or real(hashed, password))
    assert services.authenticate("khong-co-ai-ten-nay", PASSWORD) is None
    assert len(checked) == 1
    # The dummy hash is made the way users' are (same method and cost).
    assert checked[0].split("$")[0] == user.password_hash.split("$")[0]
