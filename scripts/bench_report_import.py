#!/usr/bin/env python
"""Peak memory and speed of importing a bank's CSV payment report of a million rows.

    .venv/bin/python scripts/bench_report_import.py [--database-url URL]
        [--rows 100000 1000000] [--accounts 5000]

Writes a report of each ``--rows`` size (accounts of the registry × consecutive days from the
day after the newest of them was registered, so every row goes to a stall and no stall and
day repeat), then runs ``flask --app market monitor import-activity --commit`` on it in a
child process, and, side by side, the same command on a one-row report (what the application
costs before any row). Prints each one's peak resident memory (the child's ``ru_maxrss``),
time and rows/s: memory that does not grow from the smaller report to the larger is bounded.

With ``--keys``, it measures only what the import keeps per row to find an account and day,
or a stall and day, given twice, for each ``--rows`` size in a child process: in Python sets
(one key per row, as the import kept them before) against the temporary file it keeps them in
now (``market.monitor.reports._Seen``). No database is needed.
The database must hold the load data (``scripts/gen_load_data.py``; ``scripts/bench_ingest.py``
makes a small one).
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


def accounts(database_url: str, wanted: int) -> tuple[list[str], date]:
    """Account numbers that pay exactly one stall today, and the first day all of them did."""
    from sqlalchemy import func, select

    from market import create_app
    from market.extensions import db
    from market.models import BankAccount, Tenancy

    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        numbers = list(db.session.scalars(
            select(BankAccount.account_number)
            .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
            .where(BankAccount.retired_at.is_(None), Tenancy.end_on.is_(None))
            .group_by(BankAccount.account_number).having(func.count() == 1)
            .order_by(BankAccount.account_number).limit(wanted)))
        newest = db.session.scalar(select(func.max(BankAccount.created_at))
                                   .where(BankAccount.account_number.in_(numbers)))
        tenant = db.session.scalar(select(func.max(Tenancy.start_on))
                                   .join(BankAccount, BankAccount.vendor_id == Tenancy.vendor_id)
                                   .where(BankAccount.account_number.in_(numbers)))
    return numbers, max(newest.date(), tenant) + timedelta(days=2)


def write_report(path: Path, numbers: list[str], first: date, rows: int) -> None:
    days = -(-rows // len(numbers))
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


def hold_keys(store: str, rows: int) -> None:
    """Note ``rows`` keys of rows as the import does, in ``store`` ("sets" or "file")."""
    from market.monitor.reports import _Seen

    first, seen = date(2025, 1, 1), _Seen()
    accounts: dict[int, int] = {}
    stall_days: set[int] = set()
    for line in range(rows):
        day = first + timedelta(days=line // 5000)
        number, stall = f"{9_700_000_000 + line % 5000}", 1 + line % 5000
        if store == "sets":
            accounts.setdefault(hash(("", number, day.toordinal())), line)
            stall_days.add(stall * 4_000_000 + day.toordinal())
        else:
            seen.earlier_line("", number, day, line)
            seen.first_time(stall, day)
    seen.close()


def keys_in_child(store: str, rows: int) -> tuple[float, float]:
    """(peak MB, seconds) of ``hold_keys`` in a child process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--hold", store, "--rows", str(rows)],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"holding keys in {store} failed")
    return usage.ru_maxrss / 1024, time.perf_counter() - started


def compare_keys(sizes: list[int]) -> None:
    print("| keys of | in Python sets (before) | in the temporary file (now) | time, sets | "
          "time, file |")
    print("|---|---:|---:|---:|---:|")
    for rows in sizes:
        (sets_mb, sets_s), (file_mb, file_s) = keys_in_child("sets", rows), keys_in_child("file", rows)
        print(f"| {rows:,} rows | {sets_mb:.0f} MB | {file_mb:.0f} MB | {sets_s:.1f} s | "
              f"{file_s:.1f} s |")
    print(f"\nload average {os.getloadavg()[0]:.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--keys", action="store_true",
                        help="measure only the keys kept per row, before and now")
    parser.add_argument("--hold", choices=["sets", "file"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.hold:
        hold_keys(args.hold, args.rows[0])
        return 0
    if args.keys:
        compare_keys(args.rows)
        return 0

    numbers, first = accounts(args.database_url, args.accounts)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "one-row.csv"
        write_report(small, numbers, first, 1)
        base_mb, base_s, _ = import_in_child(args.database_url, small)
        for rows in args.rows:
            big = Path(folder) / f"report-{rows}.csv"
            write_report(big, numbers, first, rows)
            size = big.stat().st_size / 2**20
            peak_mb, seconds, said = import_in_child(args.database_url, big)
            big.unlink()
            results.append((rows, size, peak_mb, seconds, said, os.getloadavg()[0]))
    print(f"{len(numbers):,} accounts, days from {first:%d/%m/%Y}\n")
    print("| import | CSV | peak memory | above the application | time | rows/s | "
          "load average | the command said |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    print(f"| one-row report (the application alone) | | {base_mb:.0f} MB | | {base_s:.1f} s | "
          "| | |")
    for rows, size, peak_mb, seconds, said, load in results:
        print(f"| {rows:,}-row report | {size:.0f} MB | {peak_mb:.0f} MB | "
              f"{peak_mb - base_mb:.0f} MB | {seconds:.1f} s | {rows / seconds:,.0f} | "
              f"{load:.1f} | {said} |")
    largest = max(results)
    print(f"\ntarget: the {largest[0]:,}-row import peaks under 300 MB: "
          f"{'met' if largest[2] < 300 else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
