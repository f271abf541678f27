"""Coverage by goods category: snapshots are per market, so this one breakdown counts the
ladder's steps (``market.monitor.ladder``) on the snapshot day; pages keep the result until
the snapshots change (see ``figures.area_figures``)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from market.dashboard.figures import Figures
from market.extensions import db
from market.models import GoodsCategory, Stall
from market.monitor.ladder import count_columns, stall_steps

# Above this many markets the breakdown is left to the pages of the communes below.
MAX_MARKETS = 200


def by_category(market_ids: list[int], day: date) -> dict[GoodsCategory, Figures]:
    """The ladder's figures per goods category over ``market_ids`` on ``day``."""
    if not market_ids or len(market_ids) > MAX_MARKETS:
        return {}
    steps = stall_steps(day, markets=market_ids).subquery("steps")
    rows = db.session.execute(
        select(Stall.category, *count_columns(steps))
        .join(steps, steps.c.stall_id == Stall.id)
        .group_by(Stall.category)
    )
    found = {}
    for row in rows:
        mapping = row._mapping
        found[GoodsCategory(row.category)] = Figures(
            {name: int(mapping[name]) for name in Figures().counts}
        )
    return dict(sorted(found.items(), key=lambda item: -item[1]["operating"]))
