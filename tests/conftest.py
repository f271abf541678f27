"""Test set-up: one database per run (SQLite by default, PostgreSQL when
``MARKET_TEST_DATABASE_URL`` is set), built by the migrations, emptied after every test."""
from __future__ import annotations

import os

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_babel import refresh
from flask_migrate import upgrade
from sqlalchemy import text

from market import create_app, kept
from market.extensions import db

# Debian's Chromium, for the browser tests (tests/journeys, tests/offline, tests/dashboard).
# Debian's Chromium; scripts/test names another build (Playwright's, on Ubuntu) in MARKET_CHROMIUM.
CHROMIUM = os.environ.get("MARKET_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

# Reference data loaded once per run and kept between tests.
KEPT_TABLES = {"bank", "alembic_version"}


def test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("MARKET_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_postgresql_schema() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


class ClientOfItsOwn(FlaskClient):
    """A test client whose requests do not inherit the signed-in user of another client.

    Requests run inside the test's app context (so they see the test's session and the rows
    its factories flushed), where Flask-Login caches the user and Flask-Babel the language;
    each request drops both, so they come from this client's own session cookie.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        refresh()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": test_database_url(tmp_path_factory),
        }
    )
    app.test_client_class = ClientOfItsOwn
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            reset_postgresql_schema()
        upgrade()
        from market.registry.banks import sync_bank_directory

        sync_bank_directory()
        db.session.commit()
    return app


@pytest.fixture(autouse=True)
def _app_context(request):
    """Every test that uses the app gets its own context and an empty database afterwards."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        empty_tables()
        kept.forget_everything()  # nothing kept about rows that are gone


def empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@pytest.fixture
def is_postgresql(app) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, closed before the next module starts its own (two
    Playwrights cannot run side by side). ``browser.browser_type`` opens persistent profiles."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):  # a conftest's pytestmark does not reach the tests
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test installs one)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis (``MARKET_TEST_REDIS_URL``, default the local one), or a skip."""
    import redis

    url = os.environ.get("MARKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {url} (set MARKET_TEST_REDIS_URL): {error}")
    return url


@pytest.fixture
def redis_app(app, redis_url):
    """A second application on the test database that keeps its shared state in Redis,
    under a prefix of its own (the Redis may be shared); the prefix's keys go afterwards."""
    import uuid

    import redis

    prefix = f"market-test-{uuid.uuid4().hex[:12]}"
    shared = create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "WTF_CSRF_ENABLED")},
                         "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                         "REDIS_URL": redis_url, "REDIS_PREFIX": prefix})
    shared.test_client_class = ClientOfItsOwn
    yield shared
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
