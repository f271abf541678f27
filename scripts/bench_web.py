#!/usr/bin/env python
"""Benchmark the registry pages under gunicorn on loopback, side by side with ``/healthz``.

    .venv/bin/python scripts/bench_web.py --database-url postgresql+psycopg://.../db
        [--workers 2] [--threads 4] [--seconds 8] [--max-requests 5000] [--runs 3]

The database must already hold the load data (``scripts/gen_load_data.py``). The script adds
one board user, ``bench-web``, scoped to a market with 200 stalls (the first one found), signs
in through the real sign-in form (CSRF token and all), then drives three pages over keep-alive
``http.client`` connections, each for a bounded time and number of requests, interleaving the
pages run by run on the same server:

* ``/healthz``                    the trivial endpoint (one ``SELECT 1``);
* ``/markets/<id>``               the stalls table of the 200-stall market (first page of 50);
* ``/search?q=<name>``            the search page, a vendor surname found in that market.

It prints, per page, the median over the runs of requests/s, the ratio to ``/healthz``, the
median and 95th-percentile latency and the number of errors, as a Markdown table.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "lib"))

from httpbench import (
    Result,
    drive,
    free_port,
    percentile,
    sign_in,
    start_server,
    stop_server,
)
from sqlalchemy import func, select

from market import create_app
from market.extensions import db
from market.models import Market, Role, Stall, Tenancy, User, Vendor

USERNAME = "bench-web"
PASSWORD = "bench-web-password"


def prepare(database_url: str, stalls: int) -> dict:
    """Pick the market, make sure the bench user exists and is scoped to it."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        market_id = db.session.scalar(
            select(Stall.market_id).group_by(Stall.market_id)
            .having(func.count() == stalls).order_by(Stall.market_id).limit(1)
        )
        if market_id is None:
            raise SystemExit(f"no market with exactly {stalls} stalls: load the data first")
        market = db.session.get(Market, market_id)
        user = db.session.scalar(select(User).where(User.username == USERNAME))
        if user is None:
            user = User(username=USERNAME, full_name="Bench", role=Role.BOARD)
            db.session.add(user)
        user.role, user.active, user.markets = Role.BOARD, True, [market]
        user.set_password(PASSWORD)
        surname = db.session.scalar(
            select(Vendor.name).join(Tenancy, Tenancy.vendor_id == Vendor.id)
            .join(Stall, Stall.id == Tenancy.stall_id)
            .where(Stall.market_id == market_id, Tenancy.end_on.is_(None))
            .order_by(Vendor.id).limit(1)
        ).split()[0]
        totals = {
            "stalls": db.session.scalar(select(func.count()).select_from(Stall)),
            "markets": db.session.scalar(select(func.count()).select_from(Market)),
        }
        db.session.commit()
    return {"market_id": market_id, "surname": surname, **totals}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("MARKET_DATABASE_URL"),
                        required="MARKET_DATABASE_URL" not in os.environ)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stalls", type=int, default=200, help="stalls of the measured market")
    args = parser.parse_args(argv)

    setup = prepare(args.database_url, args.stalls)
    pages = {
        "/healthz": "/healthz",
        f"stalls page ({args.stalls} stalls)": f"/markets/{setup['market_id']}",
        "search page": f"/search?q={quote(setup['surname'])}",
    }
    port = free_port()
    with tempfile.TemporaryDirectory() as instance:
        server = start_server(args.database_url, port, args.workers, env={
            "MARKET_SECRET_KEY": "bench", "MARKET_INSTANCE_PATH": instance})
        try:
            headers = {"Cookie": sign_in(port, USERNAME, PASSWORD)}
            for path in pages.values():  # warm-up: templates, caches, connection pools
                drive(port, path, headers, args.threads, 1, 50)
            runs: dict[str, list[Result]] = {name: [] for name in pages}
            for _ in range(args.runs):
                for name, path in pages.items():
                    runs[name].append(drive(port, path, headers, args.threads, args.seconds,
                                            args.max_requests))
        finally:
            stop_server(server)

    print(f"{setup['markets']:,} markets, {setup['stalls']:,} stalls; gunicorn {args.workers} "
          f"workers, {args.threads} client threads, {args.runs} runs × {args.seconds:g} s "
          f"(at most {args.max_requests} requests) per page\n")
    print("| page | path | requests/s (median) | vs /healthz | p50 ms | p95 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    base = statistics.median(r.rate for r in runs["/healthz"])
    for name, path in pages.items():
        rate = statistics.median(r.rate for r in runs[name])
        latencies = [x for r in runs[name] for x in r.latencies]
        errors = sum(r.errors for r in runs[name])
        print(f"| {name} | `{path}` | {rate:.1f} | {rate / base:.0%} | "
              f"{percentile(latencies, 0.5) * 1000:.1f} | {percentile(latencies, 0.95) * 1000:.1f}"
              f" | {errors} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
