"""Per-token rate limit: a fixed window counted in memory, separately in each worker process.

With W workers a token may make up to W × ``API_RATE_LIMIT`` calls per window in the worst
case; that is accepted for a guard against runaway scripts (it costs no database write per
call). ``API_RATE_LIMIT = 0`` switches the limit off.
"""
from __future__ import annotations

import math
import threading
import time

from flask import current_app

_lock = threading.Lock()
_windows: dict[int, tuple[float, int]] = {}


def limit_and_window() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("API_RATE_LIMIT", 600)), int(config.get("API_RATE_WINDOW_SECONDS", 60))


def retry_after(token_id: int, now: float | None = None) -> int | None:
    """Count one call of ``token_id``; the seconds to wait when it is over its limit."""
    limit, window = limit_and_window()
    if limit <= 0:
        return None
    now = time.monotonic() if now is None else now
    with _lock:
        started, count = _windows.get(token_id, (now, 0))
        if now - started >= window:
            started, count = now, 0
        if count >= limit:
            return max(1, math.ceil(started + window - now))
        _windows[token_id] = (started, count + 1)
    return None


def reset() -> None:
    """Forget every window (a new process starts empty anyway)."""
    with _lock:
        _windows.clear()
