"""The stall an account paid on a day is kept per process for the next notices: forgotten at
a recorded change of the registry, never kept when there is none, and a notice's commit waits
for the disk when the deployment asks for it."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from factories import make_account, make_market
from registry.test_query_count import counted_statements

from market.extensions import db
from market.models import utcnow
from market.monitor.payments import add_partner
from market.registry.services.markets import retire_market
from monitor.makers import tenant_stall
from monitor.test_webhook import post

pytestmark = pytest.mark.usefixtures("app")


def send(client, partner, secret, number: str, transaction: str) -> dict:
    body = {"transaction_id": transaction, "account_number": number, "amount": 10_000,
            "paid_at": (utcnow() - timedelta(seconds=5)).isoformat()}
    response = post(client, partner, secret, json.dumps(body).encode())
    assert response.status_code == 200
    return response.json


def test_a_kept_stall_is_forgotten_when_the_registry_changes(client):
    market = make_market()
    _, account = tenant_stall(market)
    partner, secret = add_partner("Ngân hàng K")
    db.session.commit()
    assert send(client, partner, secret, account.account_number, "K1")["status"] == "applied"
    assert send(client, partner, secret, account.account_number, "K2")["status"] == "applied"
    retire_market(db.session.merge(market))  # recorded: its stalls are nobody's payee today
    db.session.commit()
    assert send(client, partner, secret, account.account_number, "K3")["status"] == "quarantined"


def test_an_account_that_paid_no_stall_is_looked_up_again(client):
    stall, _ = tenant_stall(make_market(), account=False)
    partner, secret = add_partner("Ngân hàng L")
    db.session.commit()
    assert send(client, partner, secret, "5550001112223", "L1")["status"] == "quarantined"
    # Registered directly (no recorded change): found all the same at the next notice.
    make_account(db.session.merge(stall).tenancies[0].vendor, account_number="5550001112223")
    db.session.commit()
    assert send(client, partner, secret, "5550001112223", "L2")["status"] == "applied"


def test_a_notice_commit_waits_for_the_disk_when_asked(app, client, is_postgresql):
    _, account = tenant_stall(make_market())
    partner, secret = add_partner("Ngân hàng M")
    db.session.commit()
    answered = []
    for waits in (False, True):
        app.config["PAYMENT_NOTICE_WAITS_FOR_DISK"] = waits
        try:
            with counted_statements() as statements:
                send(client, partner, secret, account.account_number, f"M{waits}")
        finally:
            app.config["PAYMENT_NOTICE_WAITS_FOR_DISK"] = False
        answered.append(any("synchronous_commit = off" in s for s in statements))
    assert answered == [is_postgresql, False]
