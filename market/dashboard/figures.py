"""The dashboard's figures, read from the daily snapshots (the ladder is never recomputed here).

An *area* is an administrative unit (or, for board and team users, simply their markets).
Its rows are its child units, or its markets when it has none. Every figure is a sum of
market snapshot rows of the markets the user may read, so scope is applied once, in SQL:
the same roll-up as the commune rows the API and the open data read (a commune is the sum of
its markets on that day). A retired market keeps its rows for the days it counted, so sums
include retired markets; the day it is retired and after, it has no row.
Results are kept per process until snapshot rows or targets change (``cached``).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from market.auth.access import market_scope, scope_key
from market.extensions import db
from market.kept import Kept
from market.models import (
    AdminUnit,
    AdoptionSnapshot,
    AdoptionTarget,
    JobRun,
    Market,
    Role,
    User,
)
from market.models.adoption import JobKind, RunStatus

STEPS = ("no_account", "registered", "issued", "displayed", "active", "lapsed", "declined")
REACHED = ("reached_registered", "reached_displayed", "reached_active")
FIGURES = ("operating", *STEPS, *REACHED)
# A share this many points below its target is amber, further below red.
AMBER_MARGIN = 15


@dataclass(frozen=True)
class Targets:
    registered: int
    displayed: int
    active: int

    @classmethod
    def defaults(cls) -> Targets:
        config = current_app.config
        return cls(
            int(config["ADOPTION_TARGET_REGISTERED_PCT"]),
            int(config["ADOPTION_TARGET_DISPLAYED_PCT"]),
            int(config["ADOPTION_TARGET_ACTIVE_PCT"]),
        )

    def over(self, row: AdoptionTarget | None) -> Targets:
        if row is None:
            return self
        return Targets(
            self.registered if row.registered_pct is None else row.registered_pct,
            self.displayed if row.displayed_pct is None else row.displayed_pct,
            self.active if row.active_pct is None else row.active_pct,
        )


@dataclass
class Figures:
    """Counts of one scope on one day, with the shares the targets are measured on."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def share(self, name: str) -> float:
        """Percent of operating stalls (``name`` a step or a ``reached_*`` figure)."""
        operating = self.counts["operating"]
        return 100.0 * self.counts[name] / operating if operating else 0.0

    @property
    def reached(self) -> dict[str, float]:
        return {name.removeprefix("reached_"): self.share(name) for name in REACHED}


@dataclass
class Row:
    """One line of an area's table: a child unit or a market."""

    kind: str  # "unit" or "market"
    id: int
    code: str
    name: str
    market_class: int | None
    now: Figures
    before: Figures | None
    targets: Targets

    def light(self, rung: str) -> str:
        """green / amber / red for one rung of the ladder against its target."""
        target = getattr(self.targets, rung)
        share = self.now.share(f"reached_{rung}")
        if share >= target:
            return "green"
        return "amber" if share >= target - AMBER_MARGIN else "red"

    def change(self, rung: str) -> float | None:
        """Points gained since the comparison day (None without a snapshot then)."""
        if self.before is None or not self.before["operating"]:
            return None
        name = f"reached_{rung}"
        return self.now.share(name) - self.before.share(name)

    @property
    def met(self) -> bool:
        return all(self.light(rung) == "green" for rung in ("registered", "displayed", "active"))


@dataclass
class AreaFigures:
    day: date | None
    compared_with: date | None
    total: Figures
    targets: Targets
    rows: list[Row]
    weekly: list[tuple[date, Figures]]
    monthly: list[tuple[date, Figures]]
    by_class: dict[int, Figures]
    by_category: dict = field(default_factory=dict)
    market_ids: list[int] = field(default_factory=list)


def snapshot_version() -> tuple:
    """Changes whenever snapshot rows or targets are written: every write of a snapshot row
    inserts a new row with its own ``computed_at``, so the newest row identifies the state."""
    newest = select(AdoptionSnapshot.id).order_by(AdoptionSnapshot.id.desc()).limit(1).scalar_subquery()
    row = db.session.execute(
        select(
            newest,
            select(AdoptionSnapshot.computed_at).where(AdoptionSnapshot.id == newest).scalar_subquery(),
            select(func.max(AdoptionTarget.updated_at)).scalar_subquery(),
        )
    ).one()
    return (None if row[0] is None else (row[0], row[1]), row[2])


def last_run() -> JobRun | None:
    """The last successful snapshot run: its end is shown as "figures computed at"."""
    return db.session.scalar(
        select(JobRun)
        .where(JobRun.status == RunStatus.SUCCEEDED, JobRun.job.in_([JobKind.FULL, JobKind.LIGHT]))
        .order_by(JobRun.id.desc()).limit(1)
    )


def units_under(unit_id: int) -> Select:
    """Ids of a unit and all units below it (named apart from the scope's own tree, so that
    both can sit in one statement)."""
    tree = select(AdminUnit.id).where(AdminUnit.id == unit_id).cte("area_tree", recursive=True)
    tree = tree.union_all(select(AdminUnit.id).where(AdminUnit.parent_id == tree.c.id))
    return select(tree.c.id)


def scoped_markets(user: User, unit_id: int | None, on: date | None = None, *,
                   with_retired: bool = False) -> Select:
    """Ids of the open markets (and the retired ones, ``with_retired``) in ``unit_id`` (all,
    when None) that ``user`` may read; with ``on``, the markets counted that day instead
    (those opened or retired since are as then)."""
    query = select(Market.id).where(market_scope(user))
    if on is not None:
        counted = select(AdoptionSnapshot.market_id).where(AdoptionSnapshot.day == on)
        query = query.where(Market.id.in_(counted))
    elif not with_retired:
        query = query.where(Market.retired_at.is_(None))
    if unit_id is not None:
        query = query.where(Market.commune_id.in_(units_under(unit_id)))
    return query


def latest_day(on_or_before: date | None = None) -> date | None:
    """The newest snapshot day (not after ``on_or_before`` when given)."""
    query = select(func.max(AdoptionSnapshot.day))
    if on_or_before is not None:
        query = query.where(AdoptionSnapshot.day <= on_or_before)
    return db.session.scalar(query)


def snapshot_days(since: date, until: date) -> list[date]:
    return list(db.session.scalars(
        select(AdoptionSnapshot.day).where(AdoptionSnapshot.day.between(since, until)).distinct()
        .order_by(AdoptionSnapshot.day)
    ))


def trend_days(latest: date) -> tuple[list[date], list[date], date | None]:
    """Snapshot days for the weekly chart (12 points), the monthly chart (last day of each of
    12 months) and the day "a month ago" that the change column compares with."""
    # Nothing after ``latest``: an earlier month's report must not show the days that followed.
    available = snapshot_days(latest - timedelta(days=366), latest)

    def last_on_or_before(day: date) -> date | None:
        earlier = [d for d in available if d <= day]
        return earlier[-1] if earlier else None

    weekly = [last_on_or_before(latest - timedelta(weeks=n)) for n in range(11, -1, -1)]
    monthly: dict[tuple[int, int], date] = {}
    for day in available:
        monthly[(day.year, day.month)] = day
    month_ago = last_on_or_before(latest - timedelta(days=30))
    return (
        sorted({d for d in weekly if d is not None}),
        sorted(monthly.values())[-12:],
        month_ago if month_ago != latest else None,
    )


def _sums(*group) -> list:
    return [*group, *(func.coalesce(func.sum(getattr(AdoptionSnapshot, f)), 0).label(f) for f in FIGURES)]


def _figures(row) -> Figures:
    return Figures({f: int(getattr(row, f)) for f in FIGURES})


def totals_by_day(markets: Select, days: list[date]) -> dict[date, Figures]:
    if not days:
        return {}
    rows = db.session.execute(
        select(*_sums(AdoptionSnapshot.day))
        .where(AdoptionSnapshot.day.in_(days), AdoptionSnapshot.market_id.in_(markets))
        .group_by(AdoptionSnapshot.day)
    )
    return {row.day: _figures(row) for row in rows}


def branches(unit_id: int | None) -> Select:
    """Each unit under ``unit_id`` (or under no unit: everything) with the child of
    ``unit_id`` it belongs to, as columns (id, branch)."""
    top = AdminUnit.parent_id.is_(None) if unit_id is None else AdminUnit.parent_id == unit_id
    tree = select(AdminUnit.id, AdminUnit.id.label("branch")).where(top).cte("branches", recursive=True)
    tree = tree.union_all(
        select(AdminUnit.id, tree.c.branch).where(AdminUnit.parent_id == tree.c.id)
    )
    return tree


def unit_rows(unit_id: int | None, markets: Select, days: list[date]) -> dict[tuple[int, date], Figures]:
    tree = branches(unit_id)
    rows = db.session.execute(
        select(*_sums(tree.c.branch, AdoptionSnapshot.day))
        .join(Market, Market.id == AdoptionSnapshot.market_id)
        .join(tree, tree.c.id == Market.commune_id)
        .where(AdoptionSnapshot.day.in_(days), AdoptionSnapshot.market_id.in_(markets))
        .group_by(tree.c.branch, AdoptionSnapshot.day)
    )
    return {(row.branch, row.day): _figures(row) for row in rows}


def market_rows(markets: Select, days: list[date]) -> dict[tuple[int, date], Figures]:
    rows = db.session.execute(
        select(AdoptionSnapshot.market_id, AdoptionSnapshot.day, *(getattr(AdoptionSnapshot, f) for f in FIGURES))
        .where(AdoptionSnapshot.day.in_(days), AdoptionSnapshot.market_id.in_(markets))
    )
    return {(row.market_id, row.day): _figures(row) for row in rows}


def by_market_class(markets: Select, day: date) -> dict[int, Figures]:
    rows = db.session.execute(
        select(*_sums(Market.market_class))
        .join(Market, Market.id == AdoptionSnapshot.market_id)
        .where(AdoptionSnapshot.day == day, AdoptionSnapshot.market_id.in_(markets))
        .group_by(Market.market_class)
        .order_by(Market.market_class)
    )
    return {row.market_class: _figures(row) for row in rows}


def target_rows(*, market_ids=None, commune_ids=None) -> dict[tuple[str, int], AdoptionTarget]:
    query = select(AdoptionTarget)
    if market_ids is not None:
        query = query.where(AdoptionTarget.market_id.in_(market_ids))
    if commune_ids is not None:
        query = query.where(AdoptionTarget.commune_id.in_(commune_ids))
    found = {}
    for row in db.session.scalars(query):
        key = ("market", row.market_id) if row.market_id else ("commune", row.commune_id)
        found[key] = row
    return found


def area_targets(unit: AdminUnit | None) -> Targets:
    base = Targets.defaults()
    if unit is None:
        return base
    return base.over(target_rows(commune_ids=[unit.id]).get(("commune", unit.id)))


def _child_rows(unit: AdminUnit | None, markets: Select, day: date, before: date | None,
                base: Targets) -> list[Row]:
    days = [d for d in (day, before) if d]
    figures = unit_rows(unit.id if unit else None, markets, days)
    ids = sorted({branch for branch, _ in figures})
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.id.in_(ids))).all()
    targets = target_rows(commune_ids=ids)
    return [
        Row("unit", u.id, u.code, u.name, None, figures[(u.id, day)] if (u.id, day) in figures else Figures(),
            figures.get((u.id, before)) if before else None,
            base.over(targets.get(("commune", u.id))))
        for u in units
    ]


def _market_rows(markets: Select, day: date, before: date | None, base: Targets) -> list[Row]:
    days = [d for d in (day, before) if d]
    figures = market_rows(markets, days)
    found = [market for market in db.session.execute(
        select(Market.id, Market.code, Market.name, Market.market_class, Market.commune_id,
               Market.retired_at)
        .where(Market.id.in_(markets))
    ) if market.retired_at is None or (market.id, day) in figures]
    market_targets = target_rows(market_ids=[m.id for m in found])
    commune_targets = target_rows(commune_ids=sorted({m.commune_id for m in found}))
    return [
        Row("market", m.id, m.code, m.name, m.market_class, figures.get((m.id, day), Figures()),
            figures.get((m.id, before)) if before else None,
            base.over(commune_targets.get(("commune", m.commune_id))).over(
                market_targets.get(("market", m.id))))
        for m in found
    ]


def has_child_units(unit: AdminUnit | None) -> bool:
    query = select(AdminUnit.id).limit(1)
    query = query.where(AdminUnit.parent_id.is_(None) if unit is None else AdminUnit.parent_id == unit.id)
    return db.session.scalar(query) is not None


def compute_area(user: User, unit: AdminUnit | None, as_of: date | None = None) -> AreaFigures:
    """Everything an area page shows, from the latest snapshots; with ``as_of``, from the
    snapshots of the last day up to then, over the markets counted that day. Sums include
    retired markets' rows of the days they counted."""
    day = latest_day(as_of)
    markets = scoped_markets(user, unit.id if unit else None, day if as_of else None,
                             with_retired=True)
    targets = area_targets(unit)
    if day is None:
        return AreaFigures(None, None, Figures(), targets, [], [], [], {})
    weekly_days, monthly_days, before = trend_days(day)
    series = totals_by_day(markets, sorted({*weekly_days, *monthly_days, day}))
    by_units = user.role in (Role.ADMIN, Role.COMMUNE) and has_child_units(unit)
    rows = (_child_rows(unit, markets, day, before, targets) if by_units
            else _market_rows(markets, day, before, targets))
    rows.sort(key=lambda r: (-r.now.share("reached_active"), -r.now.share("reached_displayed"), r.name))
    return AreaFigures(
        day=day,
        compared_with=before,
        total=series.get(day, Figures()),
        targets=targets,
        rows=rows,
        weekly=[(d, series[d]) for d in weekly_days if d in series],
        monthly=[(d, series[d]) for d in monthly_days if d in series],
        by_class=by_market_class(markets, day),
        market_ids=list(db.session.scalars(
            scoped_markets(user, unit.id if unit else None, day if as_of else None))),
    )


_kept = Kept(512, follows_registry=False)  # tied to the snapshots' state instead


_checked = threading.local()


def recent_version() -> tuple:
    """``snapshot_version()``, asked of the database at most every
    ``DASHBOARD_VERSION_CHECK_SECONDS`` (default 5) per thread: new figures show up within
    that delay of the job's commit, and a page costs one query less."""
    ttl = float(current_app.config.get("DASHBOARD_VERSION_CHECK_SECONDS", 5))
    now = time.monotonic()
    known = getattr(_checked, "known", None)
    database = str(db.engine.url)
    if known is None or known[0] != database or now - known[1] >= ttl:
        known = (database, now, snapshot_version())
        _checked.known = known
    return known[2]


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per state of the snapshots (and per database) for ``key``; every
    time while no snapshot has been written yet."""
    version = recent_version()
    if version[0] is None:
        return compute()
    return _kept.get((str(db.engine.url), *key), compute, state=version)


def area_figures(user: User, unit: AdminUnit | None, as_of: date | None = None) -> AreaFigures:
    """The area's figures (with the goods-category breakdown), computed once per state of the
    snapshots for each scope."""
    from market.dashboard.categories import by_category

    def compute() -> AreaFigures:
        figures = compute_area(user, unit, as_of)
        if figures.day is not None:
            figures.by_category = by_category(figures.market_ids, figures.day)
        return figures

    return cached(("area", scope_key(user), user.role.value, unit.id if unit else None, as_of), compute)


def computed_at() -> datetime | None:
    """When the figures shown were computed: the last snapshot run, else the newest row."""
    run = last_run()
    if run is not None:
        return run.finished_at
    return db.session.scalar(select(func.max(AdoptionSnapshot.computed_at)))


def compute_market(market: Market) -> AreaFigures:
    """One market's page: its own snapshot series, with the targets that apply to it."""
    markets = select(Market.id).where(Market.id == market.id)
    day = latest_day()
    base = area_targets(market.commune)
    if day is None:
        return AreaFigures(None, None, Figures(), base, [], [], [], {}, market_ids=[market.id])
    weekly_days, monthly_days, before = trend_days(day)
    series = totals_by_day(markets, sorted({*weekly_days, *monthly_days, day}))
    rows = _market_rows(markets, day, before, base)
    return AreaFigures(
        day=day,
        compared_with=before,
        total=series.get(day, Figures()),
        targets=rows[0].targets if rows else base,
        rows=rows,
        weekly=[(d, series[d]) for d in weekly_days if d in series],
        monthly=[(d, series[d]) for d in monthly_days if d in series],
        by_class={},
        market_ids=[market.id],
    )


def market_figures(market: Market) -> AreaFigures:
    """A market's figures and category breakdown, kept until the snapshots change."""
    from market.dashboard.categories import by_category

    def compute() -> AreaFigures:
        figures = compute_market(market)
        if figures.day is not None:
            figures.by_category = by_category([market.id], figures.day)
        return figures

    return cached(("market", market.id), compute)
