"""Each step of the adoption ladder, counted from a hand-built market."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import make_account, make_market, make_stall
from sqlalchemy import select, update

from market.extensions import db
from market.models import AdoptionStep, AdoptionTarget, StallStatus, StallStatusChange
from market.models.evidence import NonUseReason, QrUse, ScanResult
from market.monitor.inspections import record_inspection
from market.monitor.ladder import stall_steps, step_of
from market.monitor.snapshots import market_counts
from monitor.makers import (
    HANOI,
    TODAY,
    days_ago,
    inspection,
    payments,
    self_report,
    sign_for,
    tenant_stall,
)

pytestmark = pytest.mark.usefixtures("app")


def steps_on(day=TODAY) -> dict[int, str]:
    return {row.stall_id: row.step for row in db.session.execute(stall_steps(day))}


def build_market():
    """Stalls in every state; returns the market and the stalls by expected step."""
    market = make_market()
    expected: dict[str, list] = {step.value: [] for step in AdoptionStep}

    no_tenant = make_stall(market)
    no_account, _ = tenant_stall(market, account=False)
    expected["no_account"] += [no_tenant, no_account]

    registered, _ = tenant_stall(market)
    expected["registered"].append(registered)

    issued, account = tenant_stall(market)
    sign_for(issued, account, "SIGN0001")
    own_qr, account = tenant_stall(market)
    # The vendor's own bank QR was found matching long ago: issued, but no longer displayed.
    inspection(own_qr, days_ago(120), account=account, scan=ScanResult.MATCH, own_qr=True)
    expected["issued"] += [issued, own_qr]

    displayed, account = tenant_stall(market)
    sign_for(displayed, account, "SIGN0002")
    inspection(displayed, days_ago(10), account=account, scan=ScanResult.MATCH)
    expected["displayed"].append(displayed)

    # A match seen on the previous account version does not count for the new one.
    changed, account = tenant_stall(market)
    inspection(changed, days_ago(10), account=account, scan=ScanResult.MATCH)
    changed_on = datetime(2026, 11, 15, tzinfo=UTC)
    make_account(account.vendor, account_number="9988776655").created_at = changed_on
    account.retired_at = changed_on
    expected["registered"].append(changed)

    paying, _ = tenant_stall(market)
    payments(paying, days_ago(3), 2)
    says_daily, account = tenant_stall(market)
    inspection(says_daily, days_ago(20), account=account, use=QrUse.DAILY)
    # Payments outrank an older "no".
    pays_after_no, _ = tenant_stall(market)
    self_report(pays_after_no, days_ago(25), QrUse.NO, NonUseReason.FEAR_OF_SCAMS)
    payments(pays_after_no, days_ago(1), 1)
    expected["active"] += [paying, says_daily, pays_after_no]

    paid_long_ago, _ = tenant_stall(market)
    payments(paid_long_ago, days_ago(45), 10)
    said_sometimes_long_ago, _ = tenant_stall(market)
    inspection(said_sometimes_long_ago, days_ago(100), use=QrUse.SOMETIMES)
    expected["lapsed"] += [paid_long_ago, said_sometimes_long_ago]

    refuses, _ = tenant_stall(market, account=False)
    self_report(refuses, days_ago(5), QrUse.NO, NonUseReason.NO_SMARTPHONE)
    stopped, account = tenant_stall(market)
    inspection(stopped, days_ago(30), account=account, use=QrUse.DAILY)
    inspection(stopped, days_ago(2), account=account, use=QrUse.NO, reason=NonUseReason.PREFERS_CASH)
    expected["declined"] += [refuses, stopped]

    # A newer "daily" from the vendor overrides an inspection's "no": self-reports count
    # both ways.
    changed_mind, account = tenant_stall(market)
    inspection(changed_mind, days_ago(9), account=account, use=QrUse.NO,
               reason=NonUseReason.FORGOT_HOW)
    self_report(changed_mind, days_ago(4), QrUse.DAILY)
    expected["active"].append(changed_mind)

    # Outside the denominator.
    make_stall(market, status=StallStatus.VACANT)
    closed, _ = tenant_stall(market)
    closed.status = StallStatus.CLOSED
    db.session.flush()
    # Closed before the day counted (a change made today would count from today).
    db.session.execute(update(StallStatusChange).values(changed_on=days_ago(5)))
    return market, expected


def test_every_stall_gets_the_step_the_rules_give():
    _, expected = build_market()
    found = steps_on()
    assert found == {stall.id: step for step, stalls in expected.items() for stall in stalls}


def test_market_counts_are_exact_for_each_step():
    market, _ = build_market()
    row = db.session.execute(market_counts(TODAY, [market.id])).one()._mapping
    assert {k: row[k] for k in ("operating", "no_account", "registered", "issued", "displayed",
                                "active", "lapsed", "declined")} == {
        "operating": 15, "no_account": 2, "registered": 2, "issued": 2, "displayed": 1,
        "active": 4, "lapsed": 2, "declined": 2,
    }
    # "Displayed" counts what was seen: the active stalls were never seen displaying a match.
    assert (row["reached_registered"], row["reached_displayed"], row["reached_active"]) == (
        12, 1, 4)


def test_nothing_after_the_day_counts():
    _, expected = build_market()
    paying = expected["active"][0]
    assert step_of(paying.id, days_ago(4)) == AdoptionStep.REGISTERED


def test_inspection_window_starts_at_local_midnight():
    """90 days ending 20/11/2026 start on 23/08/2026 at 00:00 in Hà Nội (17:00 UTC the day before)."""
    market = make_market()
    inside, _ = tenant_stall(market)
    outside, _ = tenant_stall(market)
    record_inspection(inside, None, sign_displayed=True, qr_use=QrUse.DAILY,
                      at=datetime(2026, 8, 23, 0, 0, tzinfo=HANOI))
    record_inspection(outside, None, sign_displayed=True, qr_use=QrUse.DAILY,
                      at=datetime(2026, 8, 22, 23, 59, 59, tzinfo=HANOI))
    assert step_of(inside.id, TODAY) == AdoptionStep.ACTIVE
    assert step_of(outside.id, TODAY) == AdoptionStep.LAPSED


def test_activity_window_is_thirty_local_days():
    market = make_market()
    first_day, _ = tenant_stall(market)
    day_before, _ = tenant_stall(market)
    payments(first_day, days_ago(29), 1)
    payments(day_before, days_ago(30), 1)
    assert step_of(first_day.id, TODAY) == AdoptionStep.ACTIVE
    assert step_of(day_before.id, TODAY) == AdoptionStep.LAPSED


def test_windows_and_minimum_come_from_market_then_commune_then_config():
    market = make_market()
    other = make_market(commune=market.commune)
    here, _ = tenant_stall(market)
    there, _ = tenant_stall(other)
    for stall in (here, there):
        payments(stall, days_ago(40), 2)
    db.session.add(AdoptionTarget(commune_id=market.commune_id, activity_window_days=60,
                                  min_payments=3))
    db.session.add(AdoptionTarget(market_id=market.id, min_payments=2))
    db.session.flush()
    # here: window 60 (commune), minimum 2 (market) → active; there: minimum 3 → lapsed? no:
    # the payments are inside its 60-day window, so nothing came before it: registered.
    assert step_of(here.id, TODAY) == AdoptionStep.ACTIVE
    assert step_of(there.id, TODAY) == AdoptionStep.REGISTERED
    assert db.session.scalar(select(AdoptionTarget.id).where(AdoptionTarget.market_id == market.id))
