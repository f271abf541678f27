"""Two web nodes and two schedulers against one PostgreSQL database and one Redis, as a
province runs it: the API rate limit and the sign-in throttle hold across both nodes, a
change made through one node shows at once on the other's stalls page, and each scheduled
run happens once.

Needs PostgreSQL (``MARKET_TEST_DATABASE_URL``) and Redis (``MARKET_TEST_REDIS_URL``, default
the local one); the nodes get a database of their own on the same server, made and dropped
here.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
import requests
from sqlalchemy import make_url, select

from market.models.adoption import JobKind, JobRun, RunStatus

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-hai-may"
RATE_LIMIT = 6

pytestmark = pytest.mark.slow


def postgresql_url() -> str:
    url = os.environ.get("MARKET_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("two nodes need PostgreSQL: set MARKET_TEST_DATABASE_URL to a PostgreSQL "
                    "database")
    return url


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def nodes_database():
    """A database of the nodes' own beside the test database, dropped afterwards."""
    import psycopg

    base = make_url(postgresql_url())
    name = f"{base.database}_nodes"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(nodes_database, tmp_path_factory):
    """Migrate and fill the nodes' database, then start two gunicorns and two schedulers."""
    import redis

    redis_url = os.environ.get("MARKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"two nodes need Redis at {redis_url} (set MARKET_TEST_REDIS_URL): {error}")
    prefix = f"market-nodes-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MARKET_DATABASE_URL": nodes_database,
           "MARKET_REDIS_URL": redis_url, "MARKET_REDIS_PREFIX": prefix,
           "MARKET_SECRET_KEY": "two-nodes-secret", "MARKET_API_RATE_LIMIT": str(RATE_LIMIT),
           "MARKET_API_RATE_WINDOW_SECONDS": "300",
           "MARKET_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
           # Every minute on the minute, on both schedulers; the rest out of the way.
           "MARKET_MONITOR_ALERTS_CRON": "* * * * *", "MARKET_MONITOR_LIGHT_MINUTES": "1440",
           "MARKET_MONITOR_FULL_CRON": "0 1 1 1 *"}
    env.pop("MARKET_DATABASE_URI", None)
    world = fill(nodes_database)
    ports = [free_port(), free_port()]
    logs = tmp_path_factory.mktemp("logs")
    processes = []
    try:
        for number, port in enumerate(ports):
            processes.append(start(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                 "market:create_app()"], env, logs / f"web-{number}.log"))
            processes.append(start([sys.executable, "-m", "flask", "--app", "market", "scheduler"],
                                   env, logs / f"scheduler-{number}.log"))
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        yield {"a": f"http://127.0.0.1:{ports[0]}", "b": f"http://127.0.0.1:{ports[1]}",
               "database": nodes_database, **world}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def fill(database_url: str) -> dict:
    """The nodes' schema and a market with a board user, an administrator with a token and a
    tenant stall that has no account yet."""
    from factories import make_market, make_stall, make_user, make_vendor
    from flask_migrate import upgrade

    from market import create_app
    from market.api.tokens import create_token
    from market.extensions import db
    from market.models import Role
    from market.registry.banks import sync_bank_directory

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        sync_bank_directory()
        market = make_market()
        stall = make_stall(market, code="K-01")
        vendor = make_vendor(stall=stall, start_on=date(2026, 1, 1))
        boards = [make_user(Role.BOARD, markets=[market]) for _ in range(2)]
        for board in boards:
            board.set_password(PASSWORD)
        tokens = [create_token(make_user(Role.ADMIN), "hai máy")[1] for _ in range(2)]
        db.session.commit()
        world = {"market_id": market.id, "vendor_id": vendor.id, "board": boards[0].username,
                 "second_board": boards[1].username, "token": tokens[0],
                 "writer_token": tokens[1]}
        db.session.remove()
        db.engine.dispose()
    return world


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(base: str, username: str, password: str) -> tuple[requests.Session, int]:
    browser = requests.Session()
    token = csrf_of(browser.get(f"{base}/login", timeout=10).text)
    answer = browser.post(f"{base}/login", data={"csrf_token": token, "username": username,
                                                  "password": password},
                          allow_redirects=False, timeout=30)
    return browser, answer.status_code


def test_the_api_rate_limit_is_the_limit_across_both_nodes(cluster):
    headers = {"Authorization": f"Bearer {cluster['token']}"}
    statuses = [requests.get(f"{cluster['ab'[n % 2]]}/api/v1/markets", headers=headers,
                             timeout=10).status_code for n in range(RATE_LIMIT + 2)]
    assert statuses == [200] * RATE_LIMIT + [429, 429]


def test_a_throttled_sign_in_on_one_node_is_throttled_on_the_other(cluster):
    for _ in range(5):
        assert sign_in(cluster["a"], cluster["board"], "sai-mat-khau-roi")[1] == 400
    assert sign_in(cluster["b"], cluster["board"], PASSWORD)[1] == 429


def test_a_change_through_node_a_shows_at_once_on_node_bs_stalls_page(cluster):
    import random

    browser, status = sign_in(cluster["b"], cluster["second_board"], PASSWORD)
    assert status == 302
    page = f"{cluster['b']}/markets/{cluster['market_id']}"
    for _ in range(6):  # both of B's workers keep the table
        assert 'badge step-no_account"' in browser.get(page, timeout=30).text
    number = "".join(random.choice("0123456789") for _ in range(12))
    created = requests.post(
        f"{cluster['a']}/api/v1/vendors/{cluster['vendor_id']}/accounts",
        json={"bank_bin": "970436", "account_number": number, "holder_name": "NGUYEN THI LAN"},
        headers={"Authorization": f"Bearer {cluster['writer_token']}"}, timeout=30)
    assert created.status_code == 201, created.text
    for _ in range(4):
        shown = browser.get(page, timeout=30).text
        assert number in shown
        assert 'badge step-registered"' in shown and 'badge step-no_account"' not in shown


def test_each_scheduled_run_happens_once(cluster):
    from market import create_app
    from market.extensions import db

    app = create_app({"DATABASE_URL": cluster["database"], "SECRET_KEY": "x"})
    deadline = time.monotonic() + 200
    with app.app_context():
        while time.monotonic() < deadline:
            runs = db.session.execute(
                select(JobRun.started_at, JobRun.status).where(JobRun.job == JobKind.ALERTS)
                .order_by(JobRun.started_at)).all()
            db.session.rollback()
            finished = [r for r in runs if r.status != RunStatus.RUNNING]
            if len({r.started_at.timetuple()[:5] for r in finished}) >= 3:
                break
            time.sleep(2)
        db.engine.dispose()
    firings: dict[tuple, list[RunStatus]] = {}
    for started_at, status in runs:
        firings.setdefault(started_at.timetuple()[:5], []).append(status)  # to the minute
    # A minute whose run is still going is judged on the next call, not half-seen now.
    firings = {minute: statuses for minute, statuses in firings.items()
               if RunStatus.RUNNING not in statuses}
    assert len(firings) >= 2, runs
    for statuses in firings.values():
        assert statuses.count(RunStatus.SUCCEEDED) == 1, firings
        assert set(statuses) <= {RunStatus.SUCCEEDED, RunStatus.SKIPPED}, firings
    # Both schedulers fired: the second one's run of a minute was skipped.
    assert any(RunStatus.SKIPPED in statuses for statuses in firings.values()), firings
