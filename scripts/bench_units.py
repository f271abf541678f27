"""Benchmark of ``flask --app market units load``: the set-based load against a row-by-row one.

    .venv/bin/python scripts/bench_units.py [--database-url URL] [--rounds 5]

Each round starts from an empty table (migrated schema), then loads the 34 provinces and
3,321 communes of ``vietnam-provinces`` once with :func:`market.admin.units.load_units` and
once the plain ORM way (one object per unit, flushed one by one so each gets its parent's
id), alternating so both see the same machine load; then the reload of an unchanged list.
The table gives the median seconds and the ratio. A measurement, not a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from sqlalchemy import delete, select, update

from market import create_app
from market.admin.units import load_units, official_units
from market.extensions import db
from market.models import AdminUnit, UnitLevel


def empty() -> None:
    db.session.execute(update(AdminUnit).values(parent_id=None, merged_into_id=None))
    db.session.execute(delete(AdminUnit))
    db.session.commit()


def row_by_row() -> None:
    """What a straightforward loader does: look each unit up, add it, flush for its id."""
    ids: dict[str, int] = {}
    for unit in official_units():
        row = db.session.scalar(select(AdminUnit).where(AdminUnit.code == unit.code))
        if row is None:
            row = AdminUnit(code=unit.code, name=unit.name, level=unit.level,
                            parent_id=ids.get(unit.parent_code or ""))
            db.session.add(row)
            db.session.flush()
        ids[unit.code] = row.id
    db.session.commit()


def set_based() -> None:
    load_units()
    db.session.commit()


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench_units.db"
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        times: dict[str, list[float]] = {"set": [], "rows": [], "reload": []}
        for _ in range(args.rounds):
            empty()
            times["rows"].append(timed(row_by_row))
            empty()
            times["set"].append(timed(set_based))
            times["reload"].append(timed(set_based))
        communes = db.session.scalar(
            select(db.func.count()).where(AdminUnit.level == UnitLevel.COMMUNE))
        empty()
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{url.split(':')[0]}, {communes} communes, "
          f"median of {args.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    print("| load | seconds | row by row / this |")
    print("|---|---:|---:|")
    print(f"| row by row (baseline) | {median['rows']:.2f} | 1.00× |")
    print(f"| `units load`, empty table | {median['set']:.2f} | "
          f"{median['rows'] / median['set']:.1f}× |")
    print(f"| `units load` again, nothing changed | {median['reload']:.2f} | "
          f"{median['rows'] / median['reload']:.1f}× |")


if __name__ == "__main__":
    main()
