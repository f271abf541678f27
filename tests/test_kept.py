"""Values kept between requests: by key, state and age, least recently used dropped first."""
import time

from market.kept import Kept


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_a_value_is_computed_once_per_state():
    kept, (calls, compute) = Kept(4), counting()
    assert kept.get("k", compute, state=1) == 1
    assert kept.get("k", compute, state=1) == 1
    assert kept.get("k", compute, state=2) == 2
    assert kept.get("other", compute, state=2) == 3
    assert len(calls) == 3


def test_age_limit_and_zero_seconds():
    kept, (calls, compute) = Kept(4), counting()
    kept.get("k", compute, seconds=0.05)
    kept.get("k", compute, seconds=0.05)
    assert len(calls) == 1
    time.sleep(0.06)
    kept.get("k", compute, seconds=0.05)
    assert len(calls) == 2
    kept.get("z", compute, seconds=0)
    kept.get("z", compute, seconds=0)
    assert len(calls) == 4


def test_the_least_recently_used_goes_first():
    kept, (calls, compute) = Kept(2), counting()
    kept.get("a", compute)
    kept.get("b", compute)
    kept.get("a", compute)  # a is now the most recent
    kept.get("c", compute)  # drops b
    kept.get("a", compute)
    assert len(calls) == 3
    kept.get("b", compute)
    assert len(calls) == 4
