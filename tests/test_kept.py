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


def test_a_committed_registry_change_forgets_kept_values(app):
    from market import audit
    from market.extensions import db

    kept, (calls, compute) = Kept(4), counting()
    figures, (figure_calls, compute_figures) = Kept(4, follows_registry=False), counting()
    kept.get("k", compute)
    figures.get("k", compute_figures)
    db.session.rollback()
    audit.record("update", "stall", 1, actor_label="cli")
    db.session.rollback()  # nothing committed: nothing forgotten
    kept.get("k", compute)
    assert len(calls) == 1
    audit.record("update", "stall", 1, actor_label="cli")
    db.session.commit()
    kept.get("k", compute)
    figures.get("k", compute_figures)
    assert len(calls) == 2
    assert len(figure_calls) == 1  # kept by the state of the snapshots, not the registry


def test_a_change_published_by_another_process_forgets_kept_values(redis_app):
    import redis

    kept, (calls, compute) = Kept(4), counting()
    with redis_app.app_context():
        kept.get("k", compute)  # starts this process's listener
        kept.get("k", compute)
        assert len(calls) == 1
        channel = f"{redis_app.config['REDIS_PREFIX']}:registry-changed"
        assert redis.Redis.from_url(redis_app.config["REDIS_URL"]).publish(channel, "0") >= 1
        deadline = time.monotonic() + 5
        while len(calls) == 1 and time.monotonic() < deadline:
            kept.get("k", compute)
            time.sleep(0.01)
        assert len(calls) == 2
