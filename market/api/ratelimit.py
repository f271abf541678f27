"""The API rate limit: ``API_RATE_LIMIT`` calls per ``API_RATE_WINDOW_SECONDS`` per user
(however many tokens the user makes), in a fixed window.

The count lives in Flask-Limiter's storage: Redis when ``REDIS_URL`` is set, so every worker
of every machine counts against the same limit; otherwise the memory of each worker process
(with W workers a user may then make up to W times the limit, accepted on a single machine
as a guard against runaway scripts). ``API_RATE_LIMIT = 0`` switches the limit off.
"""
from __future__ import annotations

import math
import time

from flask import current_app
from limits import RateLimitItemPerSecond

from market.extensions import limiter


def limit_and_window() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("API_RATE_LIMIT", 600)), int(config.get("API_RATE_WINDOW_SECONDS", 60))


def retry_after(user_id: int) -> int | None:
    """Count one call of the user; the seconds to wait when it is over its limit."""
    limit, window = limit_and_window()
    if limit <= 0:
        return None
    item = RateLimitItemPerSecond(limit, window)
    keys = ("api", str(user_id))
    if limiter().limiter.hit(item, *keys):
        return None
    reset_at = limiter().limiter.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def reset() -> None:
    """Forget every count of this application's storage (tests start from nothing)."""
    limiter().reset()
