#!/usr/bin/env python
"""Benchmark of the dashboard pages under gunicorn on loopback, side by side with ``/healthz``.

    .venv/bin/python scripts/bench_dashboard.py prepare --database-url URL [--as-of 2026-11-28] [--weeks 12]
    .venv/bin/python scripts/bench_dashboard.py run --database-url URL [--workers 2] [--threads 8]
        [--seconds 8] [--max-requests 20000] [--runs 3]

``prepare`` works on a database filled by ``scripts/gen_load_activity.py``: it gathers 50 markets
into one commune and 300 stalls into one market (the load data spreads markets and stalls
evenly), adds three users (admin, that commune's user, that market's board), and computes the
snapshots with the monitor's full job for one day a week over ``--weeks`` weeks plus the last
day of each month in that span (enough points for the trend charts).

``run`` starts gunicorn, signs each user in through the real sign-in form (CSRF token and
session cookie), then drives each endpoint in turn for ``--seconds`` (or ``--max-requests``)
with ``--threads`` keep-alive ``http.client`` connections, ``--runs`` times alternating, and
prints medians of requests/s and their ratio to ``/healthz`` on the same server.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "lib"))

import httpbench

PASSWORD = "bench-dashboard-1"
USERS = {"admin": "bench.admin", "commune": "bench.xa", "board": "bench.bql"}


def app_for(database_url: str):
    from market import create_app

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})


def prepare(database_url: str, as_of: date, weeks: int) -> None:
    from sqlalchemy import func, select, update

    from market.extensions import db
    from market.jobs.runs import run_job
    from market.models import AdminUnit, Market, Role, Stall, User
    from market.models.adoption import JobKind

    app = app_for(database_url)
    with app.app_context():
        commune = db.session.scalar(
            select(AdminUnit).join(Market, Market.commune_id == AdminUnit.id)
            .group_by(AdminUnit.id).order_by(func.count().desc(), AdminUnit.id).limit(1)
        )
        own = db.session.scalar(select(func.count()).where(Market.commune_id == commune.id))
        if own < 50:
            moved = list(db.session.scalars(
                select(Market.id).where(Market.commune_id != commune.id).order_by(Market.id).limit(50 - own)
            ))
            db.session.execute(update(Market).where(Market.id.in_(moved)).values(commune_id=commune.id))
        floor = db.session.scalar(select(Market).where(Market.commune_id == commune.id).order_by(Market.id))
        has = db.session.scalar(select(func.count()).where(Stall.market_id == floor.id))
        if has < 300:
            donors = list(db.session.scalars(
                select(Stall.id).where(Stall.market_id != floor.id).order_by(Stall.id.desc()).limit(300 - has)
            ))
            db.session.execute(
                update(Stall).where(Stall.id.in_(donors))
                .values(market_id=floor.id, code=Stall.code + "-" + Stall.id.cast(db.String))
            )
        for role, username in USERS.items():
            user = db.session.scalar(select(User).where(User.username == username))
            if user is None:
                user = User(username=username, full_name=username, role=Role(role))
                db.session.add(user)
            user.set_password(PASSWORD)
            user.admin_unit_id = commune.id if role == "commune" else None
            user.markets = [floor] if role == "board" else []
        db.session.commit()
        print(f"commune {commune.name} ({commune.id}): 50 markets; market {floor.name} ({floor.id}): "
              f"{db.session.scalar(select(func.count()).where(Stall.market_id == floor.id))} stalls")
        days = {as_of - timedelta(weeks=n) for n in range(weeks)}
        days |= {date(d.year, d.month, 1) - timedelta(days=1) for d in days}
        for day in sorted(d for d in days if d >= as_of - timedelta(weeks=weeks)):
            started = time.perf_counter()
            run = run_job(JobKind.FULL, day, trigger="bench")
            print(f"snapshots {day}: {run.status.value}, {run.rows} rows, {time.perf_counter() - started:.1f} s")


def run(args) -> None:
    from sqlalchemy import func, select

    from market.extensions import db
    from market.models import AdminUnit, Market, Stall, User

    app = app_for(args.database_url)
    with app.app_context():
        commune_user = db.session.scalar(select(User).where(User.username == USERS["commune"]))
        board = db.session.scalar(select(User).where(User.username == USERS["board"]))
        if commune_user is None or board is None:
            raise SystemExit("run 'prepare' first")
        floor = board.markets[0]
        province = db.session.scalar(
            select(AdminUnit).where(AdminUnit.parent_id.is_(None)).order_by(AdminUnit.id).limit(1))
        sizes = {
            "markets": db.session.scalar(select(func.count()).select_from(Market)),
            "stalls": db.session.scalar(select(func.count()).select_from(Stall)),
            "commune markets": db.session.scalar(
                select(func.count()).where(Market.commune_id == commune_user.admin_unit_id)),
            "floor stalls": db.session.scalar(select(func.count()).where(Stall.market_id == floor.id)),
        }
        endpoints = [
            ("/healthz", None),
            (f"/dashboard/units/{commune_user.admin_unit_id}", "commune"),
            ("/dashboard/", "admin"),
            (f"/dashboard/units/{province.id}", "admin"),
            (f"/dashboard/markets/{floor.id}/plan", "board"),
        ]
        labels = {
            endpoints[0][0]: "/healthz (trivial)",
            endpoints[1][0]: f"commune dashboard ({sizes['commune markets']} markets)",
            endpoints[2][0]: f"all provinces as admin ({sizes['markets']:,} markets)",
            endpoints[3][0]: f"one province as admin ({province.name})",
            endpoints[4][0]: f"floor plan ({sizes['floor stalls']} stalls)",
        }
    port = httpbench.free_port()
    server = httpbench.start_server(args.database_url, port, args.workers, threads=4,
                                    env={"MARKET_SECRET_KEY": "bench-dashboard"})
    try:
        headers = {role: {"Cookie": httpbench.sign_in(port, username, PASSWORD)}
                   for role, username in USERS.items()}
        for path, role in endpoints:  # first request of each page fills the per-process figures
            httpbench.drive(port, path, headers.get(role, {}), args.workers * 4, 5,
                            args.workers * 8, timeout=60)
        results: dict[str, list[httpbench.Result]] = {path: [] for path, _ in endpoints}
        for _ in range(args.runs):
            for path, role in endpoints:
                results[path].append(httpbench.drive(
                    port, path, headers.get(role, {}), args.threads, args.seconds,
                    args.max_requests, timeout=60))
    finally:
        httpbench.stop_server(server)
    print(f"{sizes['markets']:,} markets, {sizes['stalls']:,} stalls; gunicorn {args.workers} workers × 4 "
          f"threads; {args.threads} client threads; {args.runs} runs of {args.seconds:g} s; medians")
    base = statistics.median(r.rate for r in results[endpoints[0][0]])
    print("| endpoint | requests/s | vs /healthz | errors |")
    print("|---|---:|---:|---:|")
    for path, _ in endpoints:
        rps = statistics.median(r.rate for r in results[path])
        errors = sum(r.errors for r in results[path])
        print(f"| {labels[path]} | {rps:.0f} | {100 * rps / base:.0f}% | {errors} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["prepare", "run"])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 28))
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.database_url, args.as_of, args.weeks)
    else:
        run(args)


if __name__ == "__main__":
    main()
