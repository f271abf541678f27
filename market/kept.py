"""Values kept in the worker process between requests, each tied to the state of the data it
was computed from.

Many requests ask for the same page part (a market's stalls table, a commune's figures): it
is computed once and handed out again while the state it was computed under still holds. The
state is something cheap to read that moves whenever the data does (the newest audit event,
the newest snapshot); a lifetime bounds what no such state can see (the adoption steps, which
move with the evidence).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class _Entry(NamedTuple):
    state: Hashable
    expires: float | None
    value: Any


class Kept:
    """A bounded store of computed values (least recently used go first), safe across the
    threads of one worker."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T], *, state: Hashable = None,
            seconds: float | None = None) -> T:
        """The value kept for ``key`` if it was computed under ``state`` and is younger than
        ``seconds`` (``None``: no age limit), else ``compute()``, then kept. ``seconds=0``
        turns keeping off."""
        if seconds is not None and seconds <= 0:
            return compute()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if (entry is not None and entry.state == state
                    and (entry.expires is None or entry.expires > now)):
                self._entries.move_to_end(key)
                return entry.value
        value = compute()
        with self._lock:
            self._entries[key] = _Entry(state, None if seconds is None else now + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
