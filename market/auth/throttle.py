"""Sign-in throttling per (account, network address), with a wait that grows in steps.

Each attempt is counted *before* its password is checked, so tries sent in parallel cannot
all slip under the limit: of six at once against a limit of five, one at least is refused.
A pair that reaches a step's count within the step's window waits until the oldest of those
attempts leaves the window (a moving window): 5 in 5 minutes, then 10 in 30 minutes, then
20 in 3 hours. Only that account from that address waits: the owner signing in from their
own phone, and everyone else behind the same market office's address, are not locked out by
someone guessing elsewhere. A refused attempt is not counted; a successful sign-in clears the
pair.

With ``REDIS_URL`` the counts live in Flask-Limiter's Redis storage, shared by every worker
and machine; otherwise they are rows of ``login_failure`` in the database, shared by the
workers of one machine.
"""
from __future__ import annotations

import math
import time
from datetime import timedelta

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select

from market.extensions import db, limiter
from market.models import LoginFailure, utcnow

STEPS: list[RateLimitItem] = parse_many("5/5 minutes; 10/30 minutes; 20/3 hours")
LONGEST = timedelta(seconds=max(step.get_expiry() for step in STEPS))


def pair_key(username: str, address: str | None) -> str:
    """The counted key: the account's lower-case name and the address it is tried from."""
    return "pair:" + (username or "").strip().lower()[:60] + "|" + (address or "unknown")[:50]


def attempt(username: str, address: str | None) -> int | None:
    """Count one sign-in attempt; the seconds to wait if it is refused, else None.

    Commits the count itself (without Redis): the attempt must be visible to the tries that
    run beside it before its own password is checked.
    """
    key = pair_key(username, address)
    if current_app.config.get("REDIS_URL"):
        return _attempt_shared(key)
    return _attempt_in_database(key)


def succeeded(username: str, address: str | None) -> None:
    """A successful sign-in clears the pair's count."""
    key = pair_key(username, address)
    if current_app.config.get("REDIS_URL"):
        strategy = MovingWindowRateLimiter(limiter().storage)
        for step in STEPS:
            strategy.clear(step, "login", key)
        return
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
    db.session.flush()


def _attempt_shared(key: str) -> int | None:
    strategy = MovingWindowRateLimiter(limiter().storage)
    waits = []
    for step in STEPS:
        if not strategy.hit(step, "login", key):
            reset_at = strategy.get_window_stats(step, "login", key).reset_time
            waits.append(reset_at - time.time())
    return max(1, math.ceil(max(waits))) if waits else None


def _attempt_in_database(key: str) -> int | None:
    now = utcnow()
    # Stale rows of every key go too, so guessed usernames never pile up.
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - LONGEST))
    mine = LoginFailure(key=key, failed_at=now)
    db.session.add(mine)
    db.session.commit()
    earlier = list(db.session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.key == key, LoginFailure.id != mine.id,
               LoginFailure.failed_at > now - LONGEST)
        .order_by(LoginFailure.failed_at.desc())
    ))
    waits = []
    for step in STEPS:
        window = timedelta(seconds=step.get_expiry())
        within = [at for at in earlier if at > now - window]
        if len(within) >= step.amount:
            waits.append((within[step.amount - 1] + window - now).total_seconds())
    if not waits:
        return None
    db.session.delete(mine)
    db.session.commit()
    return max(1, math.ceil(max(waits)))
