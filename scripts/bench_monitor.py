#!/usr/bin/env python
"""Benchmark of the adoption monitor on load data (see scripts/bench_monitor.md).

    .venv/bin/python scripts/bench_monitor.py --database-url URL [--runs 5]
        [--index-variants] [--webhook N] [--workers 2] [--clients 8]

Side by side in one process, alternating, medians of ``--runs``:

* bare: the ladder's counts per market by one ``SELECT … GROUP BY`` (no run record, no lock,
  no snapshot rows, no commune roll-up), fetched;
* full: ``run_job(FULL)``: run record, lock, delete + ``INSERT … SELECT`` of every market's and
  commune's snapshot, commit;
* light: ``run_job(LIGHT)`` after new inspections in a few markets;
* with ``--closing``: closing yesterday (``run_job(CLOSE)``) against the bare ``GROUP BY`` of
  the same day's counts, then a late bank report of 1,000 payments for the three days before
  today in a few markets (``--late-markets``), imported (timed also with the row-by-row payee
  look-up, rolled back), and the next refresh that recomputes the days it touched, against
  the closing run and beside its share of the market-days.

``--index-variants`` times the payment-window sum with the payment-activity index swapped
(PostgreSQL),
``--webhook N`` posts N signed notifications to gunicorn on loopback and reports notifications/s.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from market import create_app
from market.extensions import db
from market.jobs.runs import run_job
from market.models import (
    AdoptionSnapshot,
    BankAccount,
    Market,
    PaymentActivity,
    Stall,
    StallStatus,
    Tenancy,
)
from market.models.adoption import JobKind, RunStatus
from market.models.evidence import QrUse
from market.monitor.clock import local_today
from market.monitor.inspections import record_inspection
from market.monitor.ladder import count_columns, prepare_for_large_queries, steps_table

INDEX_VARIANTS = {
    "covering (day, stall_id, payments)": "CREATE INDEX ix_payment_activity_day_stall "
    "ON payment_activity (day, stall_id, payments)",
    "plain (day)": "CREATE INDEX ix_payment_activity_day_stall ON payment_activity (day)",
    "none (only the unique (stall_id, day, source))": None,
}


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def bare_counts(day):
    prepare_for_large_queries()  # the same session settings as the job
    steps = steps_table(day)
    query = select(steps.c.market_id, *count_columns(steps)).group_by(steps.c.market_id)
    rows = db.session.execute(query).all()
    db.session.rollback()
    return rows


def full_run(day):
    run = run_job(JobKind.FULL, day, "bench")
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


def new_evidence(rng: random.Random, markets: int = 5, per_market: int = 20) -> None:
    """New inspections in a few markets, as a morning of field visits would add."""
    market_ids = db.session.scalars(select(Stall.market_id).distinct().limit(2000)).all()
    for market_id in rng.sample(market_ids, min(markets, len(market_ids))):
        stalls = db.session.scalars(
            select(Stall).where(Stall.market_id == market_id, Stall.status == StallStatus.OPERATING)
            .limit(per_market)
        ).all()
        for stall in stalls:
            record_inspection(stall, None, sign_displayed=True, qr_use=QrUse.DAILY)
    db.session.commit()


def compare(day, runs: int, label: str) -> dict[str, float]:
    bare, full = [], []
    for _ in range(runs):
        bare.append(timed(lambda: bare_counts(day))[0])
        full.append(timed(lambda: full_run(day))[0])
    result = {"bare": statistics.median(bare), "full": statistics.median(full)}
    print(f"{label}: bare GROUP BY median {result['bare']:.3f} s, full run median "
          f"{result['full']:.3f} s, ratio {result['full'] / result['bare']:.2f}  "
          f"(bare {', '.join(f'{t:.2f}' for t in bare)}; full {', '.join(f'{t:.2f}' for t in full)})")
    return result


def check_same_counts(day) -> None:
    bare = {row.market_id: tuple(row)[1:] for row in bare_counts(day)}
    stored = db.session.execute(
        select(AdoptionSnapshot).where(AdoptionSnapshot.day == day, AdoptionSnapshot.market_id.is_not(None))
    ).scalars().all()
    for snapshot in stored:
        if snapshot.market_id in bare:
            figures = (snapshot.operating, snapshot.no_account, snapshot.registered, snapshot.issued,
                       snapshot.displayed, snapshot.active, snapshot.lapsed, snapshot.declined,
                       snapshot.reached_registered, snapshot.reached_displayed, snapshot.reached_active)
            assert figures == bare[snapshot.market_id], (snapshot.market_id, figures, bare[snapshot.market_id])
    print(f"snapshot rows equal the bare counts for {len(bare):,} markets")


def light(day, runs: int, full_median: float) -> None:
    rng = random.Random(7)
    spent = []
    for _ in range(runs):
        new_evidence(rng)
        seconds, run = timed(lambda: run_job(JobKind.LIGHT, day, "bench"))
        assert run.status == RunStatus.SUCCEEDED, run.error
        spent.append(seconds)
    median = statistics.median(spent)
    print(f"light refresh (5 markets with 20 new inspections each): median {median:.3f} s = "
          f"{100 * median / full_median:.1f} % of the full run  ({', '.join(f'{t:.2f}' for t in spent)})")


def close_day(day):
    run = run_job(JobKind.CLOSE, day, "bench")
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


def closing(today, runs: int) -> float:
    """Yesterday closed by the night job against the bare GROUP BY of its counts; the days
    before it are closed first, as the night jobs would have."""
    for back in (3, 2):
        close_day(today - timedelta(days=back))
    run_job(JobKind.FULL, today, "bench")  # today's provisional figures exist
    yesterday = today - timedelta(days=1)
    bare, close = [], []
    for _ in range(runs):
        bare.append(timed(lambda: bare_counts(yesterday))[0])
        close.append(timed(lambda: close_day(yesterday))[0])
    check_same_counts(yesterday)
    medians = statistics.median(bare), statistics.median(close)
    print(f"closing {yesterday.isoformat()}: bare GROUP BY median {medians[0]:.3f} s, close run "
          f"median {medians[1]:.3f} s, ratio {medians[1] / medians[0]:.2f}  "
          f"(bare {', '.join(f'{t:.2f}' for t in bare)}; close {', '.join(f'{t:.2f}' for t in close)})")
    return medians[1]


def late_rows(rng: random.Random, today, markets: int, payments: int = 1000) -> str:
    """A bank's CSV report of ``payments`` payments, one to three days old, to the current
    accounts of operating stalls in ``markets`` markets."""
    market_ids = rng.sample(db.session.scalars(select(Stall.market_id).distinct()).all(), markets)
    numbers = db.session.scalars(
        select(BankAccount.account_number)
        .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
        .join(Stall, Stall.id == Tenancy.stall_id)
        .where(Stall.market_id.in_(market_ids), Stall.status == StallStatus.OPERATING,
               BankAccount.retired_at.is_(None), Tenancy.end_on.is_(None))
    ).all()
    rows = {(rng.choice(numbers), today - timedelta(days=rng.randint(1, 3)))
            for _ in range(payments * 2)}
    lines = [f"{number},{day:%d/%m/%Y},{rng.randint(1, 3)},{rng.randint(1, 50) * 10_000}"
             for number, day in sorted(rows)[:payments]]
    return "account_number,date,count,amount\n" + "\n".join(lines) + "\n"


def row_by_row(keys):
    """The payee look-up as it was: one query per (BIN, account, day)."""
    from market.monitor.registry_lookup import match_payment

    return {key: match_payment(*key) for key in dict.fromkeys(keys)}


def import_timed(report: str, lookup=None) -> tuple[float, object]:
    """Import ``report`` (with ``lookup`` in place of the set-based one when given)."""
    from market.monitor import reports

    kept = reports.match_payments
    if lookup is not None:
        reports.match_payments = lookup
    try:
        return timed(lambda: reports.import_report(report))
    finally:
        reports.match_payments = kept


def market_days(run) -> int:
    """Market-days a run computed, from its record ("<day> <markets or all> <why>" lines)."""
    counted = db.session.scalar(select(func.count()).select_from(Market).where(Market.retired_at.is_(None)))
    return sum(counted if line.split()[1] == "all" else int(line.split()[1])
               for line in run.computed.splitlines())


def late_report(today, runs: int, markets: int, close_median: float) -> None:
    """Import a late report (first with the row-by-row look-up, rolled back, then set-based),
    then time the next refresh, which recomputes the days it touched."""
    rng = random.Random(11)
    one_by_one, imported, recomputed, touched, work = [], [], [], "", 0
    for _ in range(runs):
        report = late_rows(rng, today, markets)
        seconds, check = import_timed(report, row_by_row)
        db.session.rollback()
        one_by_one.append(seconds)
        seconds, check = import_timed(report)
        assert check.ok, check.errors[:3]
        db.session.commit()
        imported.append(seconds)
        seconds, run = timed(lambda: run_job(JobKind.LIGHT, today, "bench"))
        assert run.status == RunStatus.SUCCEEDED, run.error
        recomputed.append(seconds)
        touched = " | ".join(run.computed.splitlines())
        work = market_days(run)
    median = statistics.median(recomputed)
    day = db.session.scalar(select(func.count()).select_from(Market).where(Market.retired_at.is_(None)))
    print(f"late report of 1,000 payments in {markets} markets ({len(check.unmatched)} rows set "
          f"aside): import median {statistics.median(imported):.3f} s with the set-based payee "
          f"look-up, {statistics.median(one_by_one):.3f} s row by row  "
          f"(set-based {', '.join(f'{t:.2f}' for t in imported)}; "
          f"row by row {', '.join(f'{t:.2f}' for t in one_by_one)})")
    print(f"next refresh median {median:.3f} s = {100 * median / close_median:.1f} % of closing a "
          f"day, for {work} market-days = {100 * work / day:.1f} % of a day's {day:,}  "
          f"(refresh {', '.join(f'{t:.2f}' for t in recomputed)}; computed: {touched})")


def window_sum(day) -> float:
    """The part of the ladder the payment index serves: payments per stall in 30 days."""
    since = day - timedelta(days=29)
    query = (
        select(PaymentActivity.stall_id, func.sum(PaymentActivity.payments))
        .where(PaymentActivity.day >= since, PaymentActivity.day <= day)
        .group_by(PaymentActivity.stall_id)
    )
    prepare_for_large_queries()
    seconds, _ = timed(lambda: db.session.execute(query).all())
    db.session.rollback()
    return seconds


def index_variants(day, runs: int) -> None:
    if db.engine.dialect.name != "postgresql":
        print("index variants: PostgreSQL only")
        return
    for label, create in INDEX_VARIANTS.items():
        with db.engine.begin() as connection:
            connection.execute(text("DROP INDEX IF EXISTS ix_payment_activity_day_stall"))
            if create:
                connection.execute(text(create))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE payment_activity"))
        spent = [window_sum(day) for _ in range(runs)]
        print(f"payment window sum with index {label}: median {statistics.median(spent):.3f} s "
              f"({', '.join(f'{t:.2f}' for t in spent)})")
    with db.engine.begin() as connection:  # back to the migration's index
        connection.execute(text("DROP INDEX IF EXISTS ix_payment_activity_day_stall"))
        connection.execute(text(next(iter(INDEX_VARIANTS.values()))))
        connection.execute(text("ANALYZE payment_activity"))


def webhook(url: str, requests: int, workers: int, clients: int) -> None:
    from market.monitor.payments import add_partner, signature

    name = f"bench-{int(time.time())}"
    _, secret = add_partner(name)
    numbers = db.session.scalars(
        select(BankAccount.account_number)
        .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
        .where(BankAccount.retired_at.is_(None), Tenancy.end_on.is_(None))
        .limit(5000)
    ).all()
    db.session.commit()
    port = 5000 + os.getpid() % 1000 + 100
    env = dict(os.environ, MARKET_DATABASE_URL=url)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "market:create_app()"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)

        def send(n: int) -> int:
            body = json.dumps({"transaction_id": f"{name}-{n}", "account_number": numbers[n % len(numbers)],
                               "amount": 25_000 + n, "paid_at": "2026-11-28T09:00:00+07:00"}).encode()
            stamp = str(int(time.time()))
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/webhooks/payments", data=body, method="POST",
                headers={"Content-Type": "application/json", "X-Partner": name, "X-Timestamp": stamp,
                         "X-Signature": signature(secret, stamp, body)})
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status

        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(send, range(min(50, requests))))  # warm up the workers
            seconds, statuses = timed(lambda: list(pool.map(send, range(50, 50 + requests))))
        ok = sum(status == 200 for status in statuses)
        print(f"webhook: {requests} notifications, {clients} clients, gunicorn {workers} workers: "
              f"{seconds:.2f} s, {requests / seconds:,.0f} notifications/s, {ok} answered 200")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--index-variants", action="store_true",
                        help="time the payment-window sum with each index (PostgreSQL)")
    parser.add_argument("--skip-ladder", action="store_true", help="no bare/full/light comparison")
    parser.add_argument("--closing", action="store_true",
                        help="closing a day, and recomputing the days of a late report")
    parser.add_argument("--late-markets", type=int, default=20,
                        help="markets the late report's payments fall in")
    parser.add_argument("--webhook", type=int, default=0, help="notifications to send (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    app = create_app({"DATABASE_URL": args.database_url})
    with app.app_context():
        day = local_today()
        stalls = db.session.scalar(select(func.count()).select_from(Stall))
        print(f"{db.engine.dialect.name}, {stalls:,} stalls, day {day.isoformat()}")
        if args.index_variants:
            index_variants(day, args.runs)
        if not args.skip_ladder:
            full_run(day)  # warm the caches once, outside the measurements
            medians = compare(day, args.runs, "ladder")
            check_same_counts(day)
            light(day, args.runs, medians["full"])
        if args.closing:
            close_median = closing(day, args.runs)
            late_report(day, args.runs, args.late_markets, close_median)
        if args.webhook:
            webhook(args.database_url, args.webhook, args.workers, args.clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
