"""One job at a time across processes: a PostgreSQL advisory lock held by the transaction."""
from __future__ import annotations

import zlib

from sqlalchemy import text

from market.extensions import db


def lock_key(name: str) -> int:
    """A stable 32-bit key for a lock name (the same in every process)."""
    return zlib.crc32(f"market.jobs:{name}".encode())


def try_job_lock(name: str) -> bool:
    """Take the lock for the current transaction; False when another transaction holds it.

    On SQLite there is one writer per file anyway, and a single scheduler: always True.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        db.session.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(name)}
        ).scalar()
    )
