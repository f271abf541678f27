#!/usr/bin/env python
"""Peak memory and speed of importing a bank's CSV payment report of a million rows.

    .venv/bin/python scripts/bench_report_import.py [--database-url URL] [--rows 1000000]

Writes a report of ``--rows`` rows (accounts of the registry × consecutive days, so every row
is right and no stall and day repeat), then runs ``flask --app market monitor import-activity
--commit`` on it in a child process, and, side by side, the same command on a one-row report
(what the application costs before any row). Prints each one's peak resident memory (the
child's ``ru_maxrss``), time and rows/s. The database must hold the load data
(``scripts/gen_load_data.py``; ``scripts/bench_ingest.py`` makes a small one).
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FLASK = Path(sys.executable).parent / "flask"


def accounts(database_url: str, wanted: int) -> list[str]:
    """Account numbers that pay exactly one stall today."""
    from sqlalchemy import func, select

    from market import create_app
    from market.extensions import db
    from market.models import BankAccount, Tenancy

    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        return list(db.session.scalars(
            select(BankAccount.account_number)
            .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
            .where(BankAccount.retired_at.is_(None), Tenancy.end_on.is_(None))
            .group_by(BankAccount.account_number).having(func.count() == 1)
            .order_by(BankAccount.account_number).limit(wanted)))


def write_report(path: Path, numbers: list[str], rows: int) -> None:
    days = -(-rows // len(numbers))
    first = date(2024, 1, 1)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["account_number", "date", "count", "amount"])
        written = 0
        for offset in range(days):
            day = (first + timedelta(days=offset)).strftime("%d/%m/%Y")
            for number in numbers:
                if written == rows:
                    return
                writer.writerow([number, day, 1 + written % 40, 35_000 * (1 + written % 40)])
                written += 1


def import_in_child(database_url: str, path: Path) -> tuple[float, float, str]:
    """(peak MB, seconds, last line of output) of the import command in a child process."""
    started = time.perf_counter()
    child = subprocess.Popen([str(FLASK), "--app", "market", "monitor", "import-activity",
                              "--commit", str(path)], cwd=ROOT,
                             env={**os.environ, "MARKET_DATABASE_URL": database_url,
                                  "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    out, err = child.stdout.read(), child.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed:\n{err[-2000:]}")
    return usage.ru_maxrss / 1024, seconds, out.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    args = parser.parse_args(argv)

    numbers = accounts(args.database_url, args.accounts)
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "report.csv", Path(folder) / "one-row.csv"
        write_report(big, numbers, args.rows)
        write_report(small, numbers, 1)
        size = big.stat().st_size / 2**20
        base_mb, base_s, _ = import_in_child(args.database_url, small)
        peak_mb, seconds, said = import_in_child(args.database_url, big)
    load = os.getloadavg()[0]
    print(f"{args.rows:,} rows ({size:.0f} MB of CSV, {len(numbers):,} accounts); "
          f"load average {load:.1f}; the command said: {said}\n")
    print("| import | peak memory | time | rows/s |")
    print("|---|---:|---:|---:|")
    print(f"| one-row report (the application alone) | {base_mb:.0f} MB | {base_s:.1f} s | |")
    print(f"| {args.rows:,}-row report | {peak_mb:.0f} MB | {seconds:.1f} s | "
          f"{args.rows / seconds:,.0f} |")
    print(f"\nthe rows cost {peak_mb - base_mb:.0f} MB above the application "
          f"(target: peak under 300 MB: {'met' if peak_mb < 300 else 'not met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
