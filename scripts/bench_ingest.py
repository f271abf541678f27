#!/usr/bin/env python
"""Benchmark of payment-notice ingestion under gunicorn on PostgreSQL, side by side in one run:

- ``/healthz`` on the same server (the baseline of a request);
- one signed notice per request (``POST /api/v1/webhooks/payments``) as configured by default
  (answered before the commit reaches the disk, the stall an account paid that day kept per
  worker), then on two more servers of the same size: one with
  ``MARKET_PAYMENT_NOTICE_WAITS_FOR_DISK=true`` (every commit durable before the answer; its
  batches never give way, see below), one
  that also sets ``MARKET_PAYMENT_PAYEE_KEEP_SECONDS=0`` (every notice looks its stall up: the
  behaviour before both). Before the runs every worker has seen every account once (each
  thread sends batches paying all of them), the steady state of a day in which an account is
  paid some thirty times. The servers keep a stall found for an hour
  (``MARKET_PAYMENT_PAYEE_KEEP_SECONDS=3600``, the default with ``MARKET_REDIS_URL``, as in a
  deployment of several machines), so the runs do not outlive what the warm-up found;
- signed batches of 1,000 notices (``POST /api/v1/webhooks/payments/batch``), against a bare
  psycopg ``INSERT ... ON CONFLICT DO NOTHING`` of the same number of rows of the same shape
  into the same table, 1,000 rows a statement, one commit per statement;
- the dashboard read alone, right after during a flood of notices, and right after alone again
  (each flood its own three readings, so that the machine's other work weighs on the three
  alike, and a drift of the machine's pace cancels out in the two alone): a province's peak
  (``--peak-rate`` notices/s; the README derives about 90/s for 100,000 stalls) one per
  request from ``--threads`` clients, the same peak sent as one batch a second, one partner
  sending batches of 1,000 back to back (as fast as the server takes them, its batches giving
  way to the pages: ``market/monitor/give_way.py``), and the same on the server whose commits
  wait for the disk, which also sets ``MARKET_PAYMENT_BATCH_GIVE_WAY=0`` (its batches never
  give way, as before; a batch's commit always waits for the disk); with
  the cores the web workers, PostgreSQL and the benchmark's own clients used meanwhile;
- the CPU time per request of ``/healthz``, a notice sent alone, a notice in a batch and the
  dashboard, in the web workers and in PostgreSQL (from ``/proc``): what the shares above
  follow from, and steadier than the rates on a shared machine.

    .venv/bin/python scripts/bench_ingest.py [--database-url postgresql+psycopg://.../bench_ingest]
        [--workers 2] [--threads 4] [--seconds 8] [--runs 3] [--stalls 10000] [--peak-rate 100]

The database is created, migrated and filled with ``--stalls`` stalls of the load-data
generator when it has none; a partner, an administrator and the day's snapshots are added.
Every notice pays a registered account, so each is applied (counted in its stall's day).
Interleaved run by run; medians of the runs (for the dashboard, the median of the ratios
of each flood's reading to the mean of the two alone around it), printed as Markdown tables.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import httpbench

ROOT = httpbench.ROOT
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest"
PARTNER = "bench-ingest-bank"
ADMIN = "bench-ingest"
BATCH = 1000
BARE = "bare psycopg INSERT … ON CONFLICT DO NOTHING"


def prepare(database_url: str, stalls: int) -> dict:
    """Data, partner secret, an administrator's password and the registered account numbers."""
    httpbench.ensure_database(database_url)
    httpbench.flask(database_url, "db", "upgrade")
    httpbench.flask(database_url, "load-banks")
    from sqlalchemy import func, select

    from market import create_app
    from market.extensions import db
    from market.jobs.runs import run_job
    from market.models import BankAccount, PaymentPartner, Role, Stall, User
    from market.models.adoption import JobKind
    from market.monitor.clock import local_today
    from market.monitor.payments import add_partner

    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        if not db.session.scalar(select(func.count()).select_from(Stall)):
            subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_load_data.py"),
                            "--database-url", database_url, "--markets", str(stalls // 200),
                            "--stalls-per-market", "200", "--quiet"], check=True, cwd=ROOT)
            run_job(JobKind.FULL, local_today(), "bench")
        partner = db.session.scalar(select(PaymentPartner).where(PaymentPartner.name == PARTNER))
        secret = partner.secret if partner else add_partner(PARTNER)[1]
        admin = db.session.scalar(select(User).where(User.username == ADMIN))
        if admin is None:
            admin = User(username=ADMIN, full_name="Benchmark", role=Role.ADMIN)
            db.session.add(admin)
        password = uuid.uuid4().hex
        admin.set_password(password)
        numbers = list(db.session.scalars(
            select(BankAccount.account_number).where(BankAccount.retired_at.is_(None)).limit(5000)))
        db.session.commit()
        partner_id = db.session.scalar(select(PaymentPartner.id).where(PaymentPartner.name == PARTNER))
    return {"secret": secret, "password": password, "numbers": numbers, "partner_id": partner_id}


class Notices:
    """Fresh notices (unique transaction ids) paying registered accounts, paid an hour ago."""

    def __init__(self, numbers: list[str]) -> None:
        self.numbers = numbers
        self.run = uuid.uuid4().hex[:10]
        self.count = 0
        self.lock = threading.Lock()
        self.paid_at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()

    def take(self, n: int) -> list[dict]:
        with self.lock:
            start, self.count = self.count, self.count + n
        return [{"transaction_id": f"{self.run}-{i}", "account_number": random.choice(self.numbers),
                 "amount": 10_000 + i % 90_000, "paid_at": self.paid_at}
                for i in range(start, start + n)]


def signed(secret: str, body: bytes) -> dict:
    from market.monitor.payments import signature

    timestamp = str(int(time.time()))
    return {"X-Partner": PARTNER, "X-Timestamp": timestamp, "Content-Type": "application/json",
            "X-Signature": signature(secret, timestamp, body)}


def post_loop(port: int, secret: str, notices: Notices, per_request: int, threads: int,
              seconds: float, stop: threading.Event | None = None,
              rate: float = 0) -> tuple[float, int, int]:
    """Signed notices from ``threads`` keep-alive clients for ``seconds`` (or until ``stop``),
    at ``rate`` notices/s in all (0: as fast as the server answers); (elapsed seconds, notices
    acknowledged, failed requests)."""
    path = "/api/v1/webhooks/payments" + ("/batch" if per_request > 1 else "")
    done, failed, lock = [0], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(httpbench.HOST, port, timeout=120)
        every = per_request * threads / rate if rate else 0
        due = time.monotonic()
        while time.monotonic() < deadline and not (stop and stop.is_set()):
            if every:
                time.sleep(max(0.0, due - time.monotonic()))
                due += every
            items = notices.take(per_request)
            body = json.dumps({"notices": items} if per_request > 1 else items[0]).encode()
            try:
                conn.request("POST", path, body=body, headers=signed(secret, body))
                response = conn.getresponse()
                answer = json.loads(response.read())
                ok = response.status == 200
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(httpbench.HOST, port, timeout=120)
            if ok and per_request > 1:
                good = sum(1 for a in answer["results"] if a["status"] == "applied")
                ok = good == per_request
            with lock:
                if ok:
                    done[0] += per_request
                else:
                    failed[0] += 1
        conn.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.monotonic() - started, done[0], failed[0]


def warm(port: int, secret: str, numbers: list[str], threads: int) -> None:
    """Every account paid once through each of ``threads`` connections (so every worker has
    looked every account up), in batches."""
    run = uuid.uuid4().hex[:10]
    paid_at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(httpbench.HOST, port, timeout=300)
        for first in range(0, len(numbers), BATCH):
            items = [{"transaction_id": f"warm-{run}-{n}-{first + i}", "account_number": number,
                      "amount": 10_000, "paid_at": paid_at}
                     for i, number in enumerate(numbers[first:first + BATCH])]
            body = json.dumps({"notices": items}).encode()
            conn.request("POST", "/api/v1/webhooks/payments/batch", body=body,
                         headers=signed(secret, body))
            conn.getresponse().read()
        conn.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def flood_into(result: dict, port: int, secret: str, notices: Notices, seconds: float,
               stop: threading.Event, rate: float, per_request: int, threads: int) -> None:
    """Notices until ``stop``, ``per_request`` a request from ``threads`` clients, at ``rate``
    notices/s (0: back to back); a thread's target."""
    result["result"] = post_loop(port, secret, notices, per_request, threads, seconds, stop, rate)


def bare_insert(database_url: str, partner_id: int, notices: Notices, rows: int) -> float:
    """Rows per second of a bare psycopg INSERT ... ON CONFLICT DO NOTHING, 1,000 a statement,
    each statement committed."""
    import psycopg
    from sqlalchemy import make_url

    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    placeholders = ",".join(["(%s,%s,%s,'',%s,%s,now(),NULL,'quarantined')"] * BATCH)
    sql = ("INSERT INTO payment_notification (partner_id, transaction_id, account_number, bank_bin,"
           " amount, paid_at, received_at, stall_id, status) VALUES " + placeholders
           + " ON CONFLICT (partner_id, transaction_id) DO NOTHING")
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        for _ in range(rows // BATCH):
            values = []
            for n in notices.take(BATCH):
                values += [partner_id, n["transaction_id"], n["account_number"], n["amount"],
                           n["paid_at"]]
            connection.execute(sql, values)
            connection.commit()
        return (rows // BATCH) * BATCH / (time.perf_counter() - started)


def dashboard_pair(port: int, headers: dict, args, secret: str, notices: Notices, rate: float,
                   per_request: int, threads: int, groups: dict):
    """The dashboard alone, then at once during a flood of notices on the same server, then
    alone again: the flood measured between two readings without it, within seconds of each
    other, so that the machine's other work weighs on the three alike and a drift of the
    machine's pace over the three cancels out in their mean. (alone before, during, alone
    after, the flood's (seconds, notices, failures), the cores each group of processes used
    during the flood, the CPU seconds per dashboard request each group used alone before)."""
    def read() -> httpbench.Result:  # people's requests arrive through the proxy
        return httpbench.drive(port, "/dashboard/", headers, args.threads, args.seconds, 10**7,
                               connection_per_request=True)

    with httpbench.Cores(groups) as alone_used:
        before = read()
    stop, flood = threading.Event(), {}
    flooder = threading.Thread(target=flood_into, args=(
        flood, port, secret, notices, args.seconds * 3, stop, rate, per_request, threads))
    flooder.start()
    time.sleep(0.5)
    with httpbench.Cores(groups) as used:
        during = read()
    stop.set()
    flooder.join()
    after = read()
    per_request = {name: used / max(1, len(before.latencies))
                   for name, used in alone_used.seconds.items()}
    return before, during, after, flood["result"], used.cores, per_request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="client threads = server threads")
    parser.add_argument("--seconds", type=float, default=8.0, help="per measure per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stalls", type=int, default=10_000)
    parser.add_argument("--peak-rate", type=float, default=100,
                        help="notices/s of the province's peak, one per request (the README "
                             "derives about 90/s for 100,000 stalls)")
    args = parser.parse_args(argv)

    setup = prepare(args.database_url, args.stalls)
    load_before = os.getloadavg()[0]
    notices = Notices(setup["numbers"])
    port = httpbench.free_port()
    keep = {"MARKET_SECRET_KEY": "bench-ingest", "MARKET_PAYMENT_PAYEE_KEEP_SECONDS": "3600"}
    server = httpbench.start_server(args.database_url, port, args.workers, threads=args.threads,
                                    keep_alive=30, env=keep)
    durable_port, before_port = httpbench.free_port(), httpbench.free_port()
    durable = httpbench.start_server(
        args.database_url, durable_port, args.workers, threads=args.threads, keep_alive=30,
        env={**keep, "MARKET_PAYMENT_NOTICE_WAITS_FOR_DISK": "true",
             "MARKET_PAYMENT_BATCH_GIVE_WAY": "0"})
    before = httpbench.start_server(
        args.database_url, before_port, args.workers, threads=args.threads, keep_alive=30,
        env={"MARKET_SECRET_KEY": "bench-ingest", "MARKET_PAYMENT_NOTICE_WAITS_FOR_DISK": "true",
             "MARKET_PAYMENT_PAYEE_KEEP_SECONDS": "0"})
    rates: dict[str, list[float]] = defaultdict(list)

    database_server = httpbench.postmaster()

    def costs(at: int) -> dict:  # the groups of processes whose CPU counts
        return {"web": lambda: httpbench.tree_cpu_seconds(servers[at].pid),
                "postgres": lambda: httpbench.tree_cpu_seconds(database_server),
                "benchmark": lambda: httpbench.process_cpu_seconds(os.getpid())}

    def cpu_per(name: str, used: httpbench.Cores, count: int) -> None:
        for group, used_seconds in used.seconds.items():
            rates[f"cpu_{name}_{group}"].append(used_seconds / max(1, count))
    servers = {port: server, durable_port: durable, before_port: before}
    errors = 0
    try:
        cookie = httpbench.sign_in(port, ADMIN, setup["password"])
        dashboard = {"Cookie": cookie}
        httpbench.drive(port, "/healthz", {}, args.threads, 1.0, 500)  # warm-up
        for each in (port, durable_port):
            httpbench.drive(each, "/dashboard/", dashboard, args.threads, 1.0, 200)
        post_loop(port, setup["secret"], notices, 1, args.threads, 1.0)
        post_loop(durable_port, setup["secret"], notices, 1, args.threads, 1.0)
        post_loop(before_port, setup["secret"], notices, 1, args.threads, 1.0)
        for warmed in (port, durable_port):
            warm(warmed, setup["secret"], setup["numbers"], 2 * args.threads)
        for _run in range(args.runs):
            with httpbench.Cores(costs(port)) as used:
                health = httpbench.drive(port, "/healthz", {}, args.threads, args.seconds, 10**7)
            rates["healthz"].append(health.rate)
            cpu_per("healthz", used, len(health.latencies))
            with httpbench.Cores(costs(port)) as used:
                seconds, done, failed = post_loop(port, setup["secret"], notices, 1, args.threads,
                                                  args.seconds)
            rates["single"].append(done / seconds)
            cpu_per("single", used, done)
            seconds, done, failed_durable = post_loop(durable_port, setup["secret"], notices, 1,
                                                      args.threads, args.seconds)
            rates["single_durable"].append(done / seconds)
            seconds, done, failed_before = post_loop(before_port, setup["secret"], notices, 1,
                                                     args.threads, args.seconds)
            rates["single_before"].append(done / seconds)
            with httpbench.Cores(costs(port)) as used:
                seconds, done, failed_batch = post_loop(port, setup["secret"], notices, BATCH,
                                                        args.threads, args.seconds)
            rates["batch"].append(done / seconds)
            cpu_per("batch", used, done)
            rates["bare"].append(bare_insert(args.database_url, setup["partner_id"], notices,
                                             max(BATCH, int(done))))
            for name, at, rate, per_request, threads in (
                    ("peak", port, args.peak_rate, 1, args.threads),
                    ("peak_batches", port, args.peak_rate, max(1, int(args.peak_rate)), 1),
                    ("flood", port, 0, BATCH, 1),
                    ("flood_before", durable_port, 0, BATCH, 1)):
                earlier, during, later, flood, cores, dashboard_cpu = dashboard_pair(
                    at, dashboard, args, setup["secret"], notices, rate, per_request, threads,
                    costs(at))
                alone = (earlier.rate + later.rate) / 2
                rates[f"dashboard_alone_{name}"].append(alone)
                rates[f"dashboard_{name}"].append(during.rate)
                rates[f"ratio_{name}"].append(during.rate / alone)
                seconds, done, failed_flood = flood
                rates[name].append(done / seconds)
                for group, used_cores in cores.items():
                    rates[f"cores_{name}_{group}"].append(used_cores)
                if name == "peak":
                    for group, used_seconds in dashboard_cpu.items():
                        rates[f"cpu_dashboard_{group}"].append(used_seconds)
                errors += failed_flood + during.errors + earlier.errors + later.errors
            errors += failed + failed_durable + failed_before + failed_batch + health.errors
    finally:
        httpbench.stop_server(server)
        httpbench.stop_server(durable)
        httpbench.stop_server(before)

    median = {k: statistics.median(v) for k, v in rates.items()}
    load = f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    print(f"gunicorn {args.workers} workers × {args.threads} threads, {args.threads} client "
          f"threads, {args.runs} runs of {args.seconds:g} s, {len(setup['numbers']):,} accounts; "
          f"load average {load}; failed requests {errors}\n")
    print("| measure | rate (median) | compared with | ratio | target | met |")
    print("|---|---:|---|---:|---|---|")
    rows = [
        ("`/healthz`", f"{median['healthz']:,.0f} req/s", "", None, "", ""),
        ("one notice per request", f"{median['single']:,.0f} notices/s", "`/healthz`",
         median["single"] / median["healthz"], "≥ 40 %", 0.40),
        ("one notice per request, each commit waiting for the disk",
         f"{median['single_durable']:,.0f} notices/s", "`/healthz`",
         median["single_durable"] / median["healthz"], "", None),
        ("one notice per request, waiting for the disk, each looked up (as before)",
         f"{median['single_before']:,.0f} notices/s", "`/healthz`",
         median["single_before"] / median["healthz"], "", None),
        ("batches of 1,000", f"{median['batch']:,.0f} notices/s", BARE,
         median["batch"] / median["bare"], "≥ 50 % and ≥ 5,000/s", 0.50),
        ("bare psycopg INSERT", f"{median['bare']:,.0f} rows/s", "", None, "", ""),
    ]
    floods = (  # name, what it is, the dashboard's share it must leave (None: no target)
        ("peak", f"a province's peak ({args.peak_rate:,.0f} notices/s, one per request)", 0.80),
        ("peak_batches", "the same peak sent as one batch a second", 0.80),
        ("flood", "1 partner's batches back to back", 0.80),
        ("flood_before", "the same, batches never giving way (as before)", None),
    )
    for name, flood, needed in floods:
        rows += [
            (f"dashboard during {flood}", f"{median[f'dashboard_{name}']:,.1f} req/s",
             f"dashboard alone just before and after ({median[f'dashboard_alone_{name}']:,.1f} "
             "req/s; run by run " + ", ".join(f"{r:.0%}" for r in rates[f"ratio_{name}"]) + ")",
             median[f"ratio_{name}"], f"≥ {needed * 100:.0f} %" if needed else "", needed),
            ("that flood", f"{median[name]:,.0f} notices/s", "", None, "", ""),
        ]
    for name, rate, against, ratio, target, needed in rows:
        met = "" if ratio is None or needed is None else ("yes" if ratio >= needed else "no")
        if name == "batches of 1,000" and median["batch"] < 5000:
            met = "no"
        print(f"| {name} | {rate} | {against} | {'' if ratio is None else f'{ratio:.0%}'} | "
              f"{target} | {met} |")
    print("\nCores used on average while the dashboard was read during each flood (medians; the "
          "benchmark's clients, dashboard readers and flood alike, are one process):\n")
    print("| flood | web workers | PostgreSQL | benchmark clients |")
    print("|---|---:|---:|---:|")
    for name, flood, _needed in floods:
        print(f"| {flood} | " + " | ".join(
            f"{median[f'cores_{name}_{group}']:.2f}" for group in ("web", "postgres", "benchmark"))
            + " |")
    print("\nCPU per request (per notice for batches), in ms, medians; what the province's peak of "
          f"{args.peak_rate:,.0f} notices/s one per request takes of the machine follows from "
          "it:\n")
    print("| request | web workers | PostgreSQL | benchmark clients | web + PostgreSQL |")
    print("|---|---:|---:|---:|---:|")
    for name, what in (("healthz", "`/healthz`"), ("single", "one notice per request"),
                       ("batch", "a notice in a batch of 1,000"),
                       ("dashboard", "the dashboard (alone)")):
        ms = {group: median[f"cpu_{name}_{group}"] * 1000
              for group in ("web", "postgres", "benchmark")}
        print(f"| {what} | {ms['web']:.2f} | {ms['postgres']:.2f} | {ms['benchmark']:.2f} | "
              f"{ms['web'] + ms['postgres']:.2f} |")
    peak_cores = args.peak_rate * (median["cpu_single_web"] + median["cpu_single_postgres"])
    print(f"\nThe peak one per request: {peak_cores:.2f} cores of web workers and PostgreSQL "
          f"({os.cpu_count()} on this machine).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
