"""Payment notices from partners: amounts and times checked, the batch form answered notice
by notice, every notice counted once whatever the retries, one notice cheap to record."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

import pytest
from factories import make_market
from registry.test_query_count import counted_statements
from sqlalchemy import func, select

from market.extensions import db
from market.models import PaymentActivity, PaymentNotification, utcnow
from market.monitor.payments import add_partner, signature
from monitor.makers import tenant_stall

pytestmark = pytest.mark.usefixtures("app")


def post(client, partner, secret, raw: bytes, path: str = "/api/v1/webhooks/payments"):
    timestamp = str(int(time.time()))
    return client.post(path, data=raw, content_type="application/json",
                       headers={"X-Partner": partner.name, "X-Timestamp": timestamp,
                                "X-Signature": signature(secret, timestamp, raw)})


def notice(number: str, transaction: str, amount=35_000, paid_at=None) -> dict:
    paid_at = paid_at or (utcnow() - timedelta(hours=1)).isoformat()
    return {"transaction_id": transaction, "account_number": number, "amount": amount,
            "paid_at": paid_at}


def batch(client, partner, secret, notices: list):
    return post(client, partner, secret, json.dumps({"notices": notices}).encode(),
                "/api/v1/webhooks/payments/batch")


@pytest.fixture
def market_partner():
    stall, account = tenant_stall(make_market())
    other, other_account = tenant_stall(stall.market)
    partner, secret = add_partner("Ngân hàng B")
    db.session.commit()
    return stall, account, other, other_account, partner, secret


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(PaymentNotification))


def figures() -> dict[int, tuple[int, int]]:
    db.session.expire_all()
    return {stall: (payments, amount) for stall, payments, amount in db.session.execute(
        select(PaymentActivity.stall_id, func.sum(PaymentActivity.payments),
               func.sum(PaymentActivity.amount)).group_by(PaymentActivity.stall_id))}


@pytest.mark.parametrize("amount", [b"Infinity", b"-Infinity", b"NaN", b"1e30", b"-1", b"1.5",
                                    b'"abc"', b"true", b"10000000000000"])
def test_an_amount_that_is_not_whole_vnd_is_a_400(client, market_partner, amount):
    _, account, _, _, partner, secret = market_partner
    raw = (b'{"transaction_id": "TX-A", "account_number": "' + account.account_number.encode()
           + b'", "paid_at": "' + utcnow().isoformat().encode() + b'", "amount": ' + amount + b"}")
    response = post(client, partner, secret, raw)
    assert response.status_code == 400
    assert "amount" in response.json["detail"]
    assert stored() == 0


@pytest.mark.parametrize("paid_at", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+07:00",
                                     "future", "long ago"])
def test_paid_at_outside_the_window_around_now_is_a_400_that_says_the_window(
        client, market_partner, paid_at):
    _, account, _, _, partner, secret = market_partner
    when = {"future": utcnow() + timedelta(hours=2),
            "long ago": utcnow() - timedelta(days=401)}.get(paid_at)
    body = notice(account.account_number, "TX-P", paid_at=when.isoformat() if when else paid_at)
    response = post(client, partner, secret, json.dumps(body).encode())
    assert response.status_code == 400
    assert "within the last 400 days and not in the future" in response.json["detail"]
    assert stored() == 0


def test_a_payment_of_last_year_within_the_window_is_counted(client, market_partner):
    stall, account, _, _, partner, secret = market_partner
    paid = utcnow() - timedelta(days=399)
    # The vendor and its account were already the stall's payee then.
    stall.tenancies[0].start_on = paid.date() - timedelta(days=2)
    account.created_at = paid - timedelta(days=1)
    db.session.commit()
    body = notice(account.account_number, "TX-L", paid_at=paid.isoformat())
    assert post(client, partner, secret, json.dumps(body).encode()).json["status"] == "applied"
    assert figures() == {stall.id: (1, 35_000)}


def test_a_batch_answers_each_notice_on_its_own(client, market_partner):
    stall, account, other, other_account, partner, secret = market_partner
    assert batch(client, partner, secret, [notice(account.account_number, "T0")]).status_code == 200
    notices = [
        notice(account.account_number, "T1", 10_000),
        notice(other_account.account_number, "T2", 20_000),
        notice(account.account_number, "T1", 10_000),  # the same transaction twice
        notice(account.account_number, "T0"),  # stored before
        notice("5550001112223", "T3"),  # pays no stall
        {**notice(account.account_number, "T4"), "amount": 1e30},
        "not a notice",
    ]
    response = batch(client, partner, secret, notices)
    assert response.status_code == 200
    answers = response.json["results"]
    assert [(a["transaction_id"], a["status"], a.get("duplicate")) for a in answers] == [
        ("T1", "applied", False), ("T2", "applied", False), ("T1", "applied", True),
        ("T0", "applied", True), ("T3", "quarantined", False), ("T4", "rejected", None),
        (None, "rejected", None)]
    assert answers[0]["id"] == answers[2]["id"]
    assert "amount" in answers[5]["detail"]
    assert figures() == {stall.id: (2, 45_000), other.id: (1, 20_000)}
    again = batch(client, partner, secret, notices)  # the partner retries the whole batch
    assert [a.get("duplicate") for a in again.json["results"][:5]] == [True] * 5
    assert figures() == {stall.id: (2, 45_000), other.id: (1, 20_000)}
    assert stored() == 4


def test_a_batch_is_refused_whole_when_unsigned_empty_or_too_big(client, market_partner, app):
    _, account, _, _, partner, secret = market_partner
    assert batch(client, partner, "wrong", [notice(account.account_number, "X")]).status_code == 401
    assert batch(client, partner, secret, []).status_code == 400
    too_many = [notice(account.account_number, f"X{n}") for n in range(1001)]
    response = batch(client, partner, secret, too_many)
    assert response.status_code == 400 and "1 to 1000 notices" in response.json["detail"]
    assert post(client, partner, secret, b'{"notices": {}}',
                "/api/v1/webhooks/payments/batch").status_code == 400
    assert stored() == 0


def test_the_same_batch_sent_at_once_by_many_workers_is_counted_once(app, market_partner):
    stall, account, other, other_account, partner, secret = market_partner
    notices = [notice((account if n % 2 else other_account).account_number, f"C{n}", 1_000)
               for n in range(40)]
    partner = SimpleNamespace(name=partner.name)  # the threads must not load it themselves

    def send(_):
        with app.app_context():
            return batch(app.test_client(), partner, secret, notices).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(send, range(4))) == [200] * 4
    # The threads left several idle connections in the (first in, first out) pool: start the
    # next tests from a fresh one, as they expect consecutive requests to share a connection.
    db.engine.dispose()
    assert figures() == {stall.id: (20, 20_000), other.id: (20, 20_000)}
    assert stored() == 40


def test_one_notice_costs_one_lookup_one_insert_one_commit(client, market_partner, is_postgresql):
    _, account, _, other_account, partner, secret = market_partner
    # Paid now: a notice of an earlier local day (an hour ago, just after midnight) would also
    # mark that day for recomputing, which is not this test's subject.
    now = utcnow().isoformat()
    post(client, partner, secret,
         json.dumps(notice(account.account_number, "W0", paid_at=now)).encode())
    partner = SimpleNamespace(name=partner.name)  # read before counting
    for number, transaction, lookups in ((other_account.account_number, "W1", 1),
                                         (account.account_number, "W2", 0)):
        raw = json.dumps(notice(number, transaction, paid_at=now)).encode()
        with counted_statements() as statements:
            assert post(client, partner, secret, raw).json["duplicate"] is False
        writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "WITH"))]
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        # The partner is kept; the stall is one SELECT, none when this process found the
        # account's stall for the day already; PostgreSQL inserts the notice and adds to the
        # day in one statement, SQLite in two.
        assert len(reads) == lookups
        assert len(writes) == (1 if is_postgresql else 2)
        assert not any("SAVEPOINT" in s.upper() for s in statements)
        assert any("synchronous_commit = off" in s for s in statements) == is_postgresql
