#!/usr/bin/env python
"""Benchmark the JSON API under gunicorn on loopback, side by side with ``/healthz``.

    .venv/bin/python scripts/bench_api.py --database-url postgresql+psycopg://.../db
        [--workers 2] [--threads 4] [--seconds 8] [--max-requests 20000] [--runs 3]

The database must hold the load data (``scripts/gen_load_data.py``). The script adds what the
benchmark needs and nothing else: an administrator ``bench-api`` with a token, and synthetic
90-day adoption snapshots for every market that has none (the scheduled job would compute
them; here only their reading is measured). It then starts gunicorn on 127.0.0.1, drives each
endpoint with keep-alive ``http.client`` threads for a bounded time and count, interleaving the
endpoints run by run, and prints medians of the runs as a Markdown table.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "lib"))

import httpbench
from sqlalchemy import select, text

from market import create_app
from market.api.pagination import encode_cursor
from market.api.tokens import create_token
from market.extensions import db
from market.models import Market, Role, Stall, User
from market.monitor.clock import local_today

PAGE = 100
DEEP_PAGE = 10_000


def prepare(database_url: str, sample: int) -> dict:
    """Token, snapshots and the request paths; returns what the load driver needs."""
    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bench-api"))
        if user is None:
            user = User(username="bench-api", full_name="Benchmark", role=Role.ADMIN)
            user.set_password(os.urandom(16).hex())
            db.session.add(user)
            db.session.flush()
        _token, plain = create_token(user, "benchmark")
        end = local_today()
        start = end - timedelta(days=89)
        add_snapshots(start, end)
        db.session.commit()
        stalls = db.session.scalar(text("SELECT count(*) FROM stall"))
        deep = min(DEEP_PAGE, max(1, stalls // PAGE))
        after = db.session.scalar(select(Stall.id).order_by(Stall.id)
                                  .offset((deep - 1) * PAGE - 1).limit(1)) if deep > 1 else None
        market_ids = list(db.session.scalars(select(Market.id).order_by(Market.id)))
        markets = db.session.scalar(text("SELECT count(*) FROM market"))
    chosen = random.Random(1).sample(market_ids, min(sample, len(market_ids)))
    range_query = f"from={start.isoformat()}&to={end.isoformat()}"
    return {
        "token": plain,
        "stalls": stalls,
        "markets": markets,
        "deep_page": deep,
        "paths": {
            "healthz": ["/healthz"],
            "stalls_100": [f"/api/v1/stalls?limit={PAGE}&market_id={m}" for m in chosen],
            "snapshots_90d": [f"/api/v1/markets/{m}/snapshots?{range_query}" for m in chosen],
            "page_1": [f"/api/v1/stalls?limit={PAGE}"],
            "page_deep": [f"/api/v1/stalls?limit={PAGE}"
                          + (f"&cursor={encode_cursor(after)}" if after else "")],
        },
    }


def add_snapshots(start, end) -> None:
    """One snapshot per market per day of the window where the market has none yet."""
    days = (end - start).days + 1
    if db.engine.dialect.name == "postgresql":
        series = ("SELECT CAST(:start AS date) + g AS day FROM generate_series(0, :n - 1) g")
    else:
        series = ("WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < :n - 1)"
                  " SELECT date(:start, '+' || i || ' days') AS day FROM g")
    db.session.execute(text(f"""
        INSERT INTO adoption_snapshot (day, market_id, operating, no_account, registered, issued,
            displayed, active, lapsed, declined, reached_registered, reached_displayed,
            reached_active, computed_at)
        SELECT d.day, m.id, 200, 20, 30, 40, 50, 50, 5, 5, 180, 100, 50, CURRENT_TIMESTAMP
        FROM market m CROSS JOIN ({series}) d
        WHERE NOT EXISTS (SELECT 1 FROM adoption_snapshot s
                          WHERE s.market_id = m.id AND s.day = d.day)
    """), {"start": start.isoformat(), "n": days})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="client threads = server threads")
    parser.add_argument("--seconds", type=float, default=8.0, help="per endpoint per run")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per endpoint per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=50, help="markets the requests rotate over")
    args = parser.parse_args(argv)

    setup = prepare(args.database_url, args.sample)
    headers = {"Authorization": f"Bearer {setup['token']}"}
    port = httpbench.free_port()
    server = httpbench.start_server(args.database_url, port, args.workers, threads=args.threads,
                                    keep_alive=30, env={"MARKET_API_RATE_LIMIT": "0"})
    results: dict[str, list[httpbench.Result]] = {name: [] for name in setup["paths"]}
    try:
        for name, paths in setup["paths"].items():  # warm-up: connections, caches
            httpbench.drive(port, paths, headers, args.threads, 1.0, 200)
        for _run in range(args.runs):
            for name, paths in setup["paths"].items():
                results[name].append(httpbench.drive(port, paths, headers, args.threads,
                                                     args.seconds, args.max_requests))
    finally:
        httpbench.stop_server(server)

    rps = {name: statistics.median(r.rate for r in runs) for name, runs in results.items()}
    latency = {name: statistics.median(1000 * statistics.median(r.latencies) for r in runs)
               for name, runs in results.items()}
    print(f"{setup['markets']:,} markets, {setup['stalls']:,} stalls; gunicorn {args.workers} "
          f"workers × {args.threads} threads, {args.threads} client threads, {args.runs} runs "
          f"of {args.seconds:g} s; deep page = page {setup['deep_page']:,} of {PAGE}\n")
    print("| endpoint | requests/s (median) | median latency ms | vs /healthz | errors |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        errors = sum(r.errors for r in runs)
        print(f"| {name} | {rps[name]:.0f} | {latency[name]:.1f} | "
              f"{rps[name] / rps['healthz']:.0%} | {errors} |")
    print(f"\ndeep page / page 1 latency: {latency['page_deep'] / latency['page_1']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
