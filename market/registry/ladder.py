"""The adoption step of the stalls on a page, from the monitor's ladder (the one place that
decides steps): one extra statement per page, and a join when filtering by step."""
from __future__ import annotations

from sqlalchemy import Select, select
from wtforms import SelectChoice

from market.extensions import db
from market.models import AdoptionStep, Stall
from market.monitor.clock import local_today
from market.monitor.ladder import stall_steps
from market.registry import queries
from market.registry.forms import options


def step_choices(blank: object) -> list[SelectChoice]:
    return options([("", blank), *((s.value, s.label) for s in AdoptionStep)])


def with_steps(query: Select, step: str, number: int,
               markets: list[int] | None = None) -> queries.Page:
    """A page of ``query`` (optionally only stalls at ``step``), each row with its step."""
    today = local_today()
    if step:
        steps = stall_steps(today, markets=markets).subquery("steps")
        query = query.join(steps, steps.c.stall_id == Stall.id).where(steps.c.step == step)
    page = queries.page_of(query, number)
    ids = [row.stall.id for row in page.rows]
    if ids:
        # The page's own markets bound the ladder's per-market parameters.
        markets = markets or sorted({row.market.id for row in page.rows})
        steps = stall_steps(today, markets=markets, stalls=ids).subquery()
        found = dict(db.session.execute(select(steps.c.stall_id, steps.c.step)).all())
        for row in page.rows:
            value = found.get(row.stall.id)
            row.step = AdoptionStep(value) if value else None
    return page
