"""Batches of notices give way to people's pages, on the whole machine: a page in flight in any
worker process of the deployment makes the next batch wait, a worker gone mid-page does not."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from market.monitor import give_way
from market.monitor.give_way import Board
from monitor.test_webhook import batch, figures, market_partner, notice  # noqa: F401

CHILD = """
import sys, time
from pathlib import Path
from market.monitor.give_way import Board
board = Board(Path(sys.argv[1]))
board.page(+1)
print("serving", flush=True)
sys.stdin.readline()
board.page(-1)
print("done", flush=True)
sys.stdin.readline()
"""


def worker(path) -> subprocess.Popen:
    """Another process of the machine, serving a page until told to finish it."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "serving"
    return child


def test_a_page_in_another_process_is_seen_until_it_ends(tmp_path):
    board = Board(tmp_path / "pages-in-flight")
    before = time.monotonic()
    assert not board.busy_since(before)
    child = worker(board.path)
    try:
        assert board.busy_since(time.monotonic())  # in flight now
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "done"
        assert board.busy_since(before)  # it began after ``before``
        assert not board.busy_since(time.monotonic())
    finally:
        child.kill()
        child.wait()


def test_a_worker_killed_in_the_middle_of_a_page_stops_counting(tmp_path):
    board = Board(tmp_path / "pages-in-flight")
    child = worker(board.path)
    assert board.busy_since(time.monotonic())
    child.kill()
    child.wait()
    assert not board.busy_since(time.monotonic())


def test_slots_of_gone_workers_are_taken_again(tmp_path):
    path = tmp_path / "pages-in-flight"
    for _ in range(3):
        child = worker(path)
        child.kill()
        child.wait()
    board = Board(path)
    board.page(+1)
    board.page(-1)
    taken = {Board(path).path.read_bytes()[i:i + 8] for i in range(0, 3 * 24, 24)}
    assert len([slot for slot in taken if slot != bytes(8)]) == 1  # one slot: this process


@pytest.fixture
def waits(monkeypatch):
    """The waits a batch makes before answering (seconds)."""
    made: list[float] = []
    monkeypatch.setattr(give_way, "_wait", made.append)
    return made


def test_a_batch_answers_at_once_when_no_page_is_served(client, market_partner, waits):  # noqa: F811
    stall, account, *_, partner, secret = market_partner
    response = batch(client, partner, secret, [notice(account.account_number, "TX-1")])
    assert response.status_code == 200
    assert waits == []
    assert figures()[stall.id] == (1, 35_000)


def test_a_batch_is_stored_then_waits_while_a_page_is_served(app, client, market_partner,  # noqa: F811
                                                             waits):
    stall, account, *_, partner, secret = market_partner
    child = worker(give_way.board_path(app))
    try:
        response = batch(client, partner, secret,
                         [notice(account.account_number, f"TX-{n}") for n in range(20)])
        assert response.status_code == 200
        assert [r["status"] for r in response.json["results"]] == ["applied"] * 20
        assert len(waits) == 1 and waits[0] > 0
        assert figures()[stall.id] == (20, 20 * 35_000)
    finally:
        child.kill()
        child.wait()
    batch(client, partner, secret, [notice(account.account_number, "TX-after")])
    assert len(waits) == 1  # the page's worker is gone


def test_a_deployment_may_turn_giving_way_off(app, client, market_partner, waits):  # noqa: F811
    _, account, *_, partner, secret = market_partner
    child = worker(give_way.board_path(app))
    app.config["PAYMENT_BATCH_GIVE_WAY"] = 0
    try:
        assert batch(client, partner, secret,
                     [notice(account.account_number, "TX-1")]).status_code == 200
        assert waits == []
    finally:
        app.config["PAYMENT_BATCH_GIVE_WAY"] = 2.0
        child.kill()
        child.wait()
