"""Sign-in throttling per account and per network address.

Failures are rows in the database, so the count holds across every web worker. After
``USER_LIMIT`` failures for one username (or ``ADDRESS_LIMIT`` from one address) within
``WINDOW``, further attempts for that key are refused for a delay that doubles with each
further failure and never exceeds ``MAX_DELAY``: guessing is slowed to a crawl, while the
owner waits minutes at most once the guessing stops.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from market.extensions import db
from market.models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
USER_LIMIT = 5
ADDRESS_LIMIT = 20
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(minutes=15)


def user_key(username: str) -> str:
    return "user:" + (username or "").strip().lower()[:100]


def address_key(address: str | None) -> str:
    return "addr:" + (address or "unknown")[:100]


def _limit(key: str) -> int:
    return USER_LIMIT if key.startswith("user:") else ADDRESS_LIMIT


def _locked_until(key: str, now: datetime) -> datetime | None:
    count, last = db.session.execute(
        select(func.count(), func.max(LoginFailure.failed_at))
        .where(LoginFailure.key == key, LoginFailure.failed_at > now - WINDOW)
    ).one()
    over = count - _limit(key)
    if over < 0:
        return None
    delay = min(FIRST_DELAY * 2 ** min(over, 10), MAX_DELAY)
    until = last + delay
    return until if until > now else None


def wait_minutes(username: str, address: str | None) -> int | None:
    """Whole minutes to wait before this sign-in may be tried, or None if it may be tried now."""
    now = utcnow()
    waits = [until for key in (user_key(username), address_key(address))
             if (until := _locked_until(key, now)) is not None]
    if not waits:
        return None
    return max(1, math.ceil((max(waits) - now).total_seconds() / 60))


def record_failure(username: str, address: str | None) -> None:
    """Count a failed sign-in against both keys; failures older than the window are dropped."""
    now = utcnow()
    keys = (user_key(username), address_key(address))
    # Stale rows of every key go too, so guessed usernames never pile up.
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - WINDOW))
    db.session.add_all(LoginFailure(key=key, failed_at=now) for key in keys)
    db.session.flush()


def clear_user(username: str) -> None:
    """A successful sign-in clears the account's count (not the address's)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == user_key(username)))
    db.session.flush()
