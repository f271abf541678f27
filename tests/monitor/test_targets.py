"""Targets come from the market, then its commune, then the configuration."""
from __future__ import annotations

import pytest
from factories import make_market

from market.models import AdoptionSnapshot
from market.monitor.targets import Targets, meets_targets, set_targets, targets_for
from monitor.makers import TODAY

pytestmark = pytest.mark.usefixtures("app")


def test_defaults_then_commune_then_market():
    market = make_market()
    assert targets_for(market) == Targets(100, 90, 70)
    set_targets(commune_id=market.commune_id, active_pct=60, displayed_pct=80)
    set_targets(market_id=market.id, active_pct=50)
    assert targets_for(market) == Targets(100, 80, 50)


def test_a_market_meets_cho_4_0_when_every_share_reaches_its_target():
    snapshot = AdoptionSnapshot(day=TODAY, operating=10, reached_registered=10,
                                reached_displayed=9, reached_active=7)
    assert meets_targets(snapshot, Targets(100, 90, 70))
    snapshot.reached_active = 6
    assert not meets_targets(snapshot, Targets(100, 90, 70))


def test_targets_belong_to_one_scope():
    with pytest.raises(ValueError):
        set_targets(active_pct=50)
