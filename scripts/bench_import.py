#!/usr/bin/env python
"""Spreadsheet import speed: rows per second for reading, the dry run and the commit.

    .venv/bin/python scripts/bench_import.py [--database-url URL] [--markets 100]
        [--stalls 200] [--runs 3]

Without ``--database-url`` a fresh SQLite file in a temporary folder is used. A PostgreSQL
URL must name a scratch database: its ``public`` schema is dropped and rebuilt by the
migrations. The XLSX is generated here: ``markets × stalls`` rows, every row a new stall with
a vendor and a bank account, so the commit does the most work a row can ask for. Each run
starts from an empty registry (same markets); the figures are medians over the runs.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from market import create_app
from market.extensions import db
from market.models import AdminUnit, Market, UnitLevel
from market.registry.spreadsheet.apply import apply_plan
from market.registry.spreadsheet.columns import COLUMNS
from market.registry.spreadsheet.plan import plan_import
from market.registry.spreadsheet.reader import Limits, read_sheet

REGISTRY_TABLES = ("audit_event", "bank_account", "tenancy", "vendor", "stall")
BANKS = ("Vietcombank", "970415", "TCB", "Agribank", "MB", "BIDV")


def build_xlsx(markets: int, stalls: int) -> bytes:
    """A workbook as Excel saves it (shared strings, a dimension tag)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.header for column in COLUMNS])
    for m in range(markets):
        for s in range(stalls):
            n = m * stalls + s
            name = f"Nguyễn Thị Hồng {n}"
            sheet.append([
                f"BENCH{m:03d}", f"K{s:04d}", f"Khu {s // 50 + 1}", str(s % 10), s,
                "Rau, củ", "Đang kinh doanh", name, f"Quầy số {s}", f"09{n:08d}", 1960 + n % 40,
                BANKS[n % len(BANKS)], f"10{n:010d}", name,
            ])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def prepare(markets: int) -> None:
    from flask_migrate import upgrade

    from market.registry.banks import sync_bank_directory

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(revision="heads")
    sync_bank_directory()
    commune = AdminUnit(code="BENCH", name="Xã Thử Nghiệm", level=UnitLevel.COMMUNE)
    db.session.add(commune)
    db.session.add_all(
        Market(code=f"BENCH{m:03d}", name=f"Chợ {m}", market_class=2, commune=commune)
        for m in range(markets)
    )
    db.session.commit()


def empty_registry() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in REGISTRY_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def one_run(data: bytes, limits: Limits) -> dict[str, float]:
    empty_registry()
    sheet, read_s = timed(lambda: read_sheet(data, limits))
    plan, check_s = timed(lambda: plan_import(sheet, None))
    assert plan.ok, plan.problems[:5]

    def commit() -> None:
        apply_plan(plan)
        db.session.commit()

    _, commit_s = timed(commit)
    db.session.remove()
    again, recheck_s = timed(lambda: plan_import(read_sheet(data, limits), None))
    assert {c.action for c in again.changes} == {"unchanged"}
    rows = len(sheet.rows)
    return {
        "read XLSX": rows / read_s,
        "dry run (read + check)": rows / (read_s + check_s),
        "check only": rows / check_s,
        "commit": rows / commit_s,
        "re-import dry run (nothing to change)": rows / recheck_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--markets", type=int, default=100)
    parser.add_argument("--stalls", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        with app.app_context():
            prepare(args.markets)
            data = build_xlsx(args.markets, args.stalls)
            limits = Limits(max_bytes=len(data) + 1, max_rows=args.markets * args.stalls)
            print(f"{db.engine.dialect.name}: {args.markets} markets × {args.stalls} stalls = "
                  f"{args.markets * args.stalls} rows, XLSX {len(data) / 2**20:.1f} MB, "
                  f"{args.runs} runs", flush=True)
            runs = []
            for number in range(1, args.runs + 1):
                runs.append(one_run(data, limits))
                print(f"  run {number}: " + ", ".join(f"{k} {v:.0f}" for k, v in runs[-1].items()),
                      flush=True)
            for name in runs[0]:
                figures = sorted(run[name] for run in runs)
                print(f"  {name:40} median {statistics.median(figures):8.0f} rows/s"
                      f"  (runs: {', '.join(f'{f:.0f}' for f in figures)})")


if __name__ == "__main__":
    main()
