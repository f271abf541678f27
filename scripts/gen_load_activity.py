#!/usr/bin/env python
"""The load data plus evidence of QR use: 30 days of payment activity for most stalls, signs,
inspections, so the adoption monitor has every ladder step to count.

    .venv/bin/python scripts/gen_load_activity.py [gen_load_data options] [--as-of YYYY-MM-DD]

Runs ``scripts/gen_load_data.py`` with one more batch generator: rows are written in the same
transaction and the same way (``COPY`` on PostgreSQL). Of the operating stalls with an account,
80 % have a sign; 75 % took QR payments on about half of the 30 days up to ``--as-of`` (default
today), 10 % only in the 30 days before that (lapsed); half of all operating stalls were
inspected in the last 120 days.
"""
from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_load_data as base

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
EVIDENCE_COLUMNS = {
    "sign": ("id", "stall_id", "bank_account_id", "format", "code", "issued_at"),
    "payment_activity": ("id", "stall_id", "day", "source", "payments", "amount", "updated_at"),
    "inspection": ("id", "stall_id", "inspected_at", "inspected_on", "sign_displayed",
                   "own_bank_qr", "scan_result", "bank_account_id", "qr_use", "reason",
                   "reason_text", "note", "received_at"),
}
REASONS = ("no_smartphone", "fear_of_scams", "prefers_cash", "forgot_how", "network")


def stamp(moment: datetime) -> str:
    """Naive UTC text, as the app's UTCDateTime columns hold it on both databases."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Evidence:
    """What the generator needs between batches: the day, the next ids, precomputed days."""

    def __init__(self, as_of: date, first_ids: dict[str, int]) -> None:
        self.as_of = as_of
        self.next_id = dict(first_ids)
        self.recent = [(as_of - timedelta(days=n)).isoformat() for n in range(30)]
        self.before = [(as_of - timedelta(days=n)).isoformat() for n in range(30, 60)]
        self.visits = [as_of - timedelta(days=n) for n in range(120)]
        self.stamp = stamp(datetime.combine(as_of - timedelta(days=200), time(), tzinfo=UTC))

    def take(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table] - 1


EVIDENCE: Evidence | None = None


def add_evidence(load: base.Load, batch: base.Batch) -> None:
    """Signs, payment days and inspections for one batch of markets (the hot loop)."""
    ev, rng = EVIDENCE, load.rng
    accounts = {row[1]: row[0] for row in batch.rows["bank_account"]}
    signs, activity, visits = (batch.rows[name] for name in EVIDENCE_COLUMNS)
    for stall_id, status, vendor_id in batch.stalls:
        if status != "operating":
            continue
        account = accounts.get(vendor_id)
        roll = rng.random()
        if account is not None:
            if rng.random() < 0.8:
                sign_id = ev.take("sign")
                signs.append((sign_id, stall_id, account, "a6", f"S{sign_id:09d}", ev.stamp))
            days = ev.recent if roll < 0.75 else ev.before if roll < 0.85 else ()
            share = 0.5 if roll < 0.75 else 0.3
            for day in days:
                if rng.random() < share:
                    count = rng.randint(1, 12)
                    activity.append((ev.take("payment_activity"), stall_id, day, "report", count,
                                     count * 45_000, ev.stamp))
        if rng.random() < 0.5:
            day = rng.choice(ev.visits)
            at = stamp(datetime.combine(day, time(9), tzinfo=HANOI))
            uses = "no" if roll > 0.95 else rng.choice(("daily", "sometimes")) if roll < 0.85 else None
            visits.append((
                ev.take("inspection"), stall_id, at, day.isoformat(), account is not None,
                False, "match" if account is not None else None, account, uses,
                rng.choice(REASONS) if uses == "no" else None, "", "", at,
            ))


def first_ids(url: str) -> dict[str, int]:
    engine = create_engine(base.normalise_database_url(url))
    with engine.connect() as connection:
        return {
            name: connection.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {name}")).scalar()
            for name in EVIDENCE_COLUMNS
        }


def finish(url: str) -> None:
    engine = create_engine(base.normalise_database_url(url))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for name in EVIDENCE_COLUMNS:
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"greatest(max(id), 1)) FROM {name}"
                ))
            connection.execute(text("ANALYZE " + ", ".join(EVIDENCE_COLUMNS)))
        else:
            connection.exec_driver_sql("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    global EVIDENCE
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--as-of", type=date.fromisoformat, default=datetime.now(HANOI).date())
    parser.add_argument("--database-url")
    ours, rest = parser.parse_known_args(argv)
    url = ours.database_url or base.app_database_url()
    EVIDENCE = Evidence(ours.as_of, first_ids(url))
    base.COLUMNS.update(EVIDENCE_COLUMNS)
    base.BATCH_GENERATORS.append(add_evidence)
    code = base.main([*rest, "--database-url", url])
    if code == 0:
        finish(url)
    return code


if __name__ == "__main__":
    sys.exit(main())
