"""Random 60-day histories, lived day by day through the app's own services and scheduled
jobs under a controlled clock: every stored snapshot (each market, each commune, each day)
equals the plain-Python reference ladder applied to the registry and evidence as they end up.

Evidence may arrive up to five days late; stalls open, close and reopen; tenants come and
go (end dates in the past and in the future); accounts change, wait for their confirmation
and get it; markets retire.
"""
from __future__ import annotations

import itertools
import json
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from conftest import empty_tables
from factories import make_account, make_commune, make_market, make_user, make_vendor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from market.extensions import db
from market.jobs.runs import run_job
from market.models import (
    AdoptionSnapshot,
    AdoptionTarget,
    Role,
    Sign,
    Stall,
    StallStatus,
    User,
)
from market.models.adoption import JobKind, RunStatus
from market.models.evidence import NonUseReason, QrUse
from market.models.signs import SignFormat
from market.monitor.inspections import record_inspection
from market.monitor.payments import add_partner, receive_payment_notification, signature
from market.monitor.registry_lookup import payee_on
from market.monitor.reports import import_report
from market.monitor.self_reports import record_self_report
from market.registry.errors import RegistryError
from market.registry.services import (
    assign_tenant,
    end_tenancy,
    register_account,
    retire_market,
    update_stall,
)
from market.registry.services.payees import confirm, open_payees
from monitor.makers import HANOI
from monitor.reference_ladder import FIGURES, World
from monitor.test_evidence import photo_of

pytestmark = pytest.mark.usefixtures("app")

FIRST = date(2026, 9, 1)
DAYS = 60
STALLS = 9
KINDS = ("status", "retire", "tenant", "end", "account", "approve", "sign", "inspect", "self",
         "csv", "webhook")
_serial = itertools.count(1)

events = st.lists(
    st.tuples(st.integers(0, DAYS - 1), st.integers(0, 5), st.sampled_from(KINDS),
              st.integers(0, STALLS - 1), st.integers(0, 3)),
    min_size=10, max_size=45,
)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HANOI)


def build(windows: bool):
    commune, other = make_commune(), make_commune()
    markets = [make_market(commune=commune), make_market(commune=commune), make_market(commune=other)]
    if windows:
        db.session.add(AdoptionTarget(commune_id=commune.id, inspection_window_days=7,
                                      activity_window_days=3, min_payments=2))
        db.session.add(AdoptionTarget(market_id=markets[1].id, inspection_window_days=5,
                                      activity_window_days=2))
    stalls = []
    for n in range(STALLS):
        market = markets[n % 3]
        stall = Stall(market=market, code=f"K{n}", category="vegetables", opened_on=FIRST
                      + timedelta(days=n % 4 * 10 - 5))
        db.session.add(stall)
        vendor = make_vendor(stall=stall, start_on=FIRST - timedelta(days=30))
        if n % 4:
            make_account(vendor).created_at = local(FIRST - timedelta(days=10), 9)
        stalls.append(stall)
    partner, secret = add_partner("Ngân hàng thử")
    db.session.commit()
    return stalls, partner, secret


def open_tenancy(stall: Stall):
    db.session.refresh(stall)
    return next((t for t in stall.tenancies if t.end_on is None), None)


def _confirmer() -> User:
    """An administrator: someone other than the maker of any change, who may confirm it."""
    admin = db.session.scalar(select(User).where(User.username == "reference.admin"))
    return admin or make_user(Role.ADMIN, username="reference.admin")


def apply(event, stall: Stall, today: date, partner, secret) -> None:
    _day, delay, kind, _index, arg = event
    seen_on = today - timedelta(days=delay)
    tenancy = open_tenancy(stall)
    vendor = tenancy.vendor if tenancy else None
    if kind == "status":
        update_stall(stall, status=list(StallStatus)[arg % 3])
    elif kind == "retire" and stall.market.retired_at is None and arg == 0:
        retire_market(stall.market)
    elif kind == "tenant":
        newcomer = make_vendor(f"Người thuê {next(_serial)}")
        if arg:
            make_account(newcomer)
        assign_tenant(stall, newcomer, today)
    elif kind == "end" and tenancy is not None:
        end_tenancy(tenancy, max(tenancy.start_on, today + timedelta(days=arg - 1)))
    elif kind == "account" and vendor is not None:
        register_account(vendor, bank_bin="970436", account_number=f"88{next(_serial):08d}",
                         holder_name="NGUYEN VAN A")
    elif kind == "approve" and vendor is not None:
        waiting = open_payees([stall.id]).get(stall.id)
        if waiting is not None and not waiting.printable:
            confirm(stall, waiting.id, user=_confirmer())
    elif kind == "sign":
        payee = payee_on(stall.id, today)
        if payee is not None:
            db.session.add(Sign(stall_id=stall.id, bank_account_id=payee.id, format=SignFormat.A6,
                                code=f"S{next(_serial):07d}"))
    elif kind == "inspect":
        payee = payee_on(stall.id, seen_on)
        photo = None
        if arg and payee is not None:
            photo = photo_of(payee.bank_bin, payee.account_number if arg < 3 else "9999000011")
        use = (None, QrUse.DAILY, QrUse.NO, QrUse.SOMETIMES)[arg]
        record_inspection(stall, None, sign_displayed=arg != 2, own_bank_qr=arg == 1 and delay > 2,
                          photo=photo.read() if photo else None, qr_use=use,
                          reason=NonUseReason.PREFERS_CASH if use == QrUse.NO else None,
                          at=local(seen_on, 10))
    elif kind == "self":
        answer = (QrUse.DAILY, QrUse.NO, QrUse.SOMETIMES, QrUse.NO)[arg]
        record_self_report(stall, answer, NonUseReason.FEAR_OF_SCAMS if arg == 1 else None,
                           at=local(seen_on, 11))
    elif kind in ("csv", "webhook"):
        payee = payee_on(stall.id, seen_on)
        number = payee.account_number if payee is not None else "5550001112223"
        if kind == "csv":
            assert import_report(f"account_number,date,count,amount\n{number},"
                                 f"{seen_on:%d/%m/%Y},{arg + 1},10000\n").ok
        else:
            body = json.dumps({"transaction_id": f"T{next(_serial)}", "account_number": number,
                               "amount": 20000, "paid_at": local(seen_on, 7, 30).isoformat()}).encode()
            stamp = str(int(datetime.now().timestamp()))
            receive_payment_notification(partner.name, stamp, signature(secret, stamp, body), body)


def live(history, stalls, partner, secret) -> None:
    by_day: dict[int, list] = {}
    for event in history:
        by_day.setdefault(event[0], []).append(event)
    for n in range(DAYS):
        today = FIRST + timedelta(days=n)
        for minute, event in enumerate(by_day.get(n, [])):
            with time_machine.travel(local(today, 8, minute), tick=False):
                try:
                    apply(event, stalls[event[3]], today, partner, secret)
                except RegistryError:
                    db.session.rollback()
                    continue
                db.session.commit()
        with time_machine.travel(local(today, 21), tick=True):
            assert run_job(JobKind.LIGHT, today, "test").status == RunStatus.SUCCEEDED
        with time_machine.travel(local(today + timedelta(days=1), 0, 10), tick=True):
            assert run_job(JobKind.CLOSE, today, "test").status == RunStatus.SUCCEEDED


def stored() -> dict[tuple[date, tuple[str, int]], dict[str, int]]:
    db.session.expire_all()
    return {
        (s.day, ("market", s.market_id) if s.market_id else ("commune", s.commune_id)):
            {name: getattr(s, name) for name in FIGURES}
        for s in db.session.scalars(select(AdoptionSnapshot))
    }


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=events, windows=st.booleans())
def test_every_stored_snapshot_equals_the_reference(history, windows):
    empty_tables()
    with time_machine.travel(local(FIRST - timedelta(days=1), 12), tick=False):
        stalls, partner, secret = build(windows)
    live(sorted(history, key=lambda e: e[0]), stalls, partner, secret)
    world = World.load()
    expected = {(FIRST + timedelta(days=n), key): counts
                for n in range(DAYS) for key, counts in world.figures(FIRST + timedelta(days=n)).items()}
    assert stored() == expected
