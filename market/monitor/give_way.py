"""Payment notices give way to people.

A partner's batches can arrive back to back, as fast as the server answers them, while a
person waiting for a page does not retry. So while this machine serves pages, a batch of
notices, once stored and committed, waits ``PAYMENT_BATCH_GIVE_WAY`` times what it took before
answering, and the batches of one worker take turns: the partner's next batch comes later and
the cores go to the pages. With no page being served the batch answers at once, so ingestion
alone runs at full speed.

"This machine" is every worker of this deployment on it: each worker process writes its own
slot (pages in flight, when the last began) in a small shared file beside the instance's other
files, and a batch reads them all. The clock is the system's monotonic one, shared by every
process of the machine.
"""
from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, request

SLOTS = 256
SLOT = struct.Struct("=qqd")  # worker's pid, its pages in flight, when its last page began
NOT_PAGES = frozenset({"payment_webhooks", "health"})  # partners' posts, the proxy's probes
_wait = time.sleep  # a test records the waits here


class Board:
    """The pages in flight of every worker process of this deployment on this machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.turn = threading.Lock()  # this process's batches, one at a time
        self.map: mmap.mmap | None = None
        self.offset = -1
        self.owner = 0  # the pid that claimed the slot (a forked worker claims its own)
        self.pages = 0
        self.began = 0.0

    def _claim(self) -> None:
        """This process's slot: its own from before, a free one, or one whose process is gone."""
        with open(self.path, "a+b") as handle:
            fcntl.lockf(handle, fcntl.LOCK_EX)
            if os.fstat(handle.fileno()).st_size < SLOTS * SLOT.size:
                handle.truncate(SLOTS * SLOT.size)
            board = mmap.mmap(handle.fileno(), SLOTS * SLOT.size)
            pid, chosen = os.getpid(), None
            for index in range(SLOTS):
                owner = SLOT.unpack_from(board, index * SLOT.size)[0]
                if owner == pid or (chosen is None and not _alive(owner)):
                    chosen = index
                    if owner == pid:
                        break
            self.offset = (chosen if chosen is not None else pid % SLOTS) * SLOT.size
            SLOT.pack_into(board, self.offset, pid, 0, 0.0)
            fcntl.lockf(handle, fcntl.LOCK_UN)
        self.map, self.owner, self.pages, self.began = board, pid, 0, 0.0

    def page(self, change: int) -> None:
        """A page began (+1) or ended (-1) in this process."""
        with self.lock:
            if self.owner != os.getpid():
                self._claim()
            self.pages = max(0, self.pages + change)
            if change > 0:
                self.began = time.monotonic()
            SLOT.pack_into(self.map, self.offset, self.owner, self.pages, self.began)

    def busy_since(self, since: float) -> bool:
        """Whether any worker has begun a page since ``since`` (monotonic) or is serving one
        now (a worker killed in the middle of a page no longer counts)."""
        with self.lock:
            if self.owner != os.getpid():
                self._claim()
            slots = [SLOT.unpack_from(self.map, i * SLOT.size) for i in range(SLOTS)]
        return any(pid and (began >= since or pages > 0) and _alive(pid)
                   for pid, pages, began in slots)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_boards: dict[str, Board] = {}  # by instance path: one deployment's workers share a board


def board_path(app: Flask) -> Path:
    return Path(app.instance_path) / "pages-in-flight"


def _board() -> Board:
    return _boards[current_app.instance_path]


def _page_started() -> None:
    if request.blueprint in NOT_PAGES or request.endpoint == "static":
        return
    request.environ["market.page"] = True
    _board().page(+1)


def _page_ended(_error: BaseException | None) -> None:
    if request.environ.pop("market.page", False):
        _board().page(-1)


@contextmanager
def notices_take_turns() -> Iterator[None]:
    """One batch at a time per worker; afterwards it waits while pages were being served."""
    share = float(current_app.config["PAYMENT_BATCH_GIVE_WAY"])
    if share <= 0:
        yield
        return
    board = _board()
    with board.turn:
        started = time.monotonic()
        yield
        if board.busy_since(started):
            _wait((time.monotonic() - started) * share)


def init_app(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _boards.setdefault(app.instance_path, Board(board_path(app)))
    app.before_request(_page_started)
    app.teardown_request(_page_ended)
