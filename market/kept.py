"""Values kept in the worker process between requests, each tied to the state of the data it
was computed from.

Many requests ask for the same page part (a market's stalls table, a commune's figures): it
is computed once and handed out again while the state it was computed under still holds. The
state is something cheap to read that moves whenever the data does (the newest audit event,
the newest snapshot); a lifetime bounds what no such state can see (the adoption steps, which
move with the evidence).

A recorded change of the registry (an audit event committed) forgets every kept value of the
process that follows the registry at once; with ``REDIS_URL`` it is also published on Redis, and every process of every
machine that keeps values listens and forgets its own, so a change made through one node
shows on the next page of any other.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

T = TypeVar("T")
_MISSING = object()  # a kept value may itself be None


class _Entry(NamedTuple):
    state: Hashable
    expires: float | None
    value: Any


class Kept:
    """A bounded store of computed values (least recently used go first), safe across the
    threads of one worker."""

    def __init__(self, size: int, *, follows_registry: bool = True) -> None:
        """``follows_registry``: forget everything at each recorded change of the registry
        (off for values tied to something else, such as the snapshots)."""
        self.size = size
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        if follows_registry:
            _stores.add(self)

    def get(self, key: Hashable, compute: Callable[[], T], *, state: Hashable = None,
            seconds: float | None = None) -> T:
        """The value kept for ``key`` if it was computed under ``state`` and is younger than
        ``seconds`` (``None``: no age limit), else ``compute()``, then kept. ``seconds=0``
        turns keeping off."""
        if seconds is not None and seconds <= 0:
            return compute()
        found = self._lookup(key, state)
        if found is not _MISSING:
            return found
        value = compute()
        self.put(key, value, state=state, seconds=seconds)
        return value

    def peek(self, key: Hashable, *, state: Hashable = None) -> Any | None:
        """The value kept for ``key`` under ``state`` and not expired, or None (computing
        nothing: for callers that look many keys up at once and compute the missing together)."""
        found = self._lookup(key, state)
        return None if found is _MISSING else found

    def put(self, key: Hashable, value: Any, *, state: Hashable = None,
            seconds: float | None = None) -> None:
        """Keep ``value`` for ``key`` (``seconds`` as in ``get``; 0 keeps nothing)."""
        if seconds is not None and seconds <= 0:
            return
        expires = None if seconds is None else time.monotonic() + seconds
        with self._lock:
            self._entries[key] = _Entry(state, expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def _lookup(self, key: Hashable, state: Hashable) -> Any:
        """The live value kept for ``key`` under ``state``, or ``_MISSING``."""
        _listen_once()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if (entry is not None and entry.state == state
                    and (entry.expires is None or entry.expires > now)):
                self._entries.move_to_end(key)
                return entry.value
        return _MISSING

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_stores: weakref.WeakSet[Kept] = weakref.WeakSet()
REGISTRY_CHANGED = "registry_changed"


def forget_everything() -> None:
    """Drop every value kept in this process that follows the registry."""
    for store in list(_stores):
        store.clear()


def registry_changed(session: Session) -> None:
    """Mark the session: when it commits, kept values are forgotten everywhere."""
    session.info[REGISTRY_CHANGED] = True


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    if not session.info.pop(REGISTRY_CHANGED, False):
        return
    forget_everything()
    if has_app_context() and (url := current_app.config.get("REDIS_URL")):
        try:
            _client(url).publish(_channel(), str(os.getpid()))
        except redis.RedisError:
            # Committed already; the other processes see the change within the kept
            # values' lifetime, as without Redis.
            log.exception("could not publish a registry change")


def _after_rollback(session: Session) -> None:
    session.info.pop(REGISTRY_CHANGED, None)


def _channel() -> str:
    return f"{current_app.config['REDIS_PREFIX']}:registry-changed"


_clients: dict[tuple[int, str], redis.Redis] = {}
_listening: set[tuple[int, str, str]] = set()
_listening_lock = threading.Lock()


def _client(url: str) -> redis.Redis:
    key = (os.getpid(), url)  # a forked worker makes its own connections
    if key not in _clients:
        _clients[key] = redis.Redis.from_url(url)
    return _clients[key]


def _listen_once() -> None:
    """Start this process's listener for changes published by the others (once per process,
    Redis and channel)."""
    if not has_app_context() or not (url := current_app.config.get("REDIS_URL")):
        return
    key = (os.getpid(), url, _channel())
    if key in _listening:
        return
    with _listening_lock:
        if key in _listening:
            return
        ready = threading.Event()
        threading.Thread(target=_listen, args=(url, key[2], ready), daemon=True,
                         name="kept-invalidation").start()
        ready.wait(5)
        _listening.add(key)


def _listen(url: str, channel: str, ready: threading.Event) -> None:
    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(channel)
            pubsub.get_message(timeout=5)  # the subscription's confirmation
            forget_everything()  # anything may have changed while nobody listened
            ready.set()
            for _message in pubsub.listen():
                forget_everything()
        except redis.RedisError:
            log.exception("registry change listener lost Redis; trying again")
            time.sleep(1)
