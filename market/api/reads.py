"""Read operations: administrative units, markets, stalls, signs, the ladder, snapshots."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import exists, select, true

from market.api import bodies, schemas
from market.api.operations import operation
from market.api.pagination import keyset_page, keyset_select, split_page
from market.api.problems import validation_problem
from market.api.scope import commune_or_404, vendor_or_404
from market.auth.access import (
    market_or_404,
    market_scope,
    sees_full_account_numbers,
    stall_or_404,
)
from market.extensions import db
from market.models import AdminUnit, AdoptionSnapshot, Market, Sign, Stall
from market.monitor.clock import local_today
from market.monitor.ladder import step_of
from market.registry.queries import filtered, stalls_with_tenants

MAX_RANGE_DAYS = 366
READ_ERRORS = (401, 429)


@operation("GET", "/units", summary="List administrative units", tag="units",
           query=schemas.UnitQuery, response=schemas.AdminUnitPage, errors=READ_ERRORS)
def list_units(query: schemas.UnitQuery):
    """Provinces, (former) districts and communes: reference data, the same for everyone."""
    statement = select(AdminUnit)
    if query.level is not None:
        statement = statement.where(AdminUnit.level == query.level)
    if query.parent_id is not None:
        statement = statement.where(AdminUnit.parent_id == query.parent_id)
    rows, cursor = keyset_page(statement, AdminUnit.id, query.cursor, query.limit)
    return schemas.AdminUnitPage(items=[row[0] for row in rows], next_cursor=cursor)


@operation("GET", "/units/<int:unit_id>", summary="One administrative unit", tag="units",
           response=schemas.AdminUnitOut, errors=READ_ERRORS + (404,))
def get_unit(unit_id: int):
    return schemas.AdminUnitOut.model_validate(db.get_or_404(AdminUnit, unit_id))


@operation("GET", "/markets", summary="List markets in scope", tag="markets",
           query=schemas.MarketQuery, response=schemas.MarketPage, errors=READ_ERRORS)
def list_markets(query: schemas.MarketQuery):
    """The markets the token's user may read (retired markets are left out)."""
    statement = select(Market).where(market_scope(current_user), Market.retired_at.is_(None))
    if query.commune_id is not None:
        statement = statement.where(Market.commune_id == query.commune_id)
    if query.q.strip():
        text = query.q.strip()
        statement = statement.where(Market.code.icontains(text, autoescape=True)
                                    | Market.name.icontains(text, autoescape=True))
    rows, cursor = keyset_page(statement, Market.id, query.cursor, query.limit)
    return schemas.MarketPage(items=[row[0] for row in rows], next_cursor=cursor)


@operation("GET", "/markets/<int:market_id>", summary="One market", tag="markets",
           response=schemas.MarketOut, errors=READ_ERRORS + (404,))
def get_market(market_id: int):
    return schemas.MarketOut.model_validate(market_or_404(market_id))


@operation("GET", "/stalls", summary="List stalls with tenant and current account", tag="stalls",
           query=schemas.StallQuery, response=schemas.StallPage, errors=READ_ERRORS)
def list_stalls(query: schemas.StallQuery):
    """Filtered like the market's stall page; account numbers are masked for commune users."""
    # The page's ids in a subquery, its details around them. Tenants and accounts join the id
    # query only when q searches them: otherwise the keyset walks the stall index alone and a
    # deep page costs what page 1 costs.
    searched = stalls_with_tenants() if query.q.strip() else select(Stall).join(Stall.market)
    statement = filtered(
        searched.where(market_scope(current_user)).with_only_columns(Stall.id),
        by_account=sees_full_account_numbers(current_user), q=query.q, zone=query.zone,
        category=query.category or "", status=query.status or "",
    )
    if query.market_id is not None:
        statement = statement.where(Stall.market_id == query.market_id)
    page = keyset_select(statement, Stall.id, query.cursor, query.limit)
    items, cursor = split_page(bodies.stalls_out(page), query.limit, lambda stall: stall["id"])
    return bodies.page(items, cursor)


@operation("GET", "/stalls/<int:stall_id>", summary="One stall", tag="stalls",
           response=schemas.StallOut, errors=READ_ERRORS + (404,))
def get_stall(stall_id: int):
    return bodies.stalls_out([stall_or_404(stall_id).id])[0]


@operation("GET", "/stalls/<int:stall_id>/signs", summary="Signs issued for a stall",
           tag="stalls", response=schemas.SignList, errors=READ_ERRORS + (404,))
def list_signs(stall_id: int):
    """Every sign issued for the stall, current and superseded, oldest first."""
    stall = stall_or_404(stall_id)
    signs = db.session.scalars(select(Sign).where(Sign.stall_id == stall.id).order_by(Sign.id))
    return schemas.SignList(items=list(signs))


@operation("GET", "/stalls/<int:stall_id>/ladder", summary="A stall's step on the adoption ladder",
           tag="stalls", query=schemas.LadderQuery, response=schemas.LadderOut,
           errors=READ_ERRORS + (404,))
def get_ladder(stall_id: int, query: schemas.LadderQuery):
    stall = stall_or_404(stall_id)
    as_of = query.as_of or local_today()
    return schemas.LadderOut(stall_id=stall.id, as_of=as_of, step=step_of(stall.id, as_of))


@operation("GET", "/vendors/<int:vendor_id>", summary="One vendor", tag="vendors",
           response=schemas.VendorOut, errors=READ_ERRORS + (404,))
def get_vendor(vendor_id: int):
    return bodies.vendor_out(vendor_or_404(vendor_id))


def day_range(query: schemas.RangeQuery) -> tuple[date, date]:
    end = query.end or local_today()
    start = query.start or end - timedelta(days=89)
    if start > end:
        raise validation_problem([("from", _l("Ngày bắt đầu phải trước ngày kết thúc."))])
    if (end - start).days >= MAX_RANGE_DAYS:
        raise validation_problem([("from", _l("Tối đa %(days)s ngày mỗi lần.", days=MAX_RANGE_DAYS))])
    return start, end


def snapshot_series(scope: str, scope_id: int, column, in_scope, query: schemas.RangeQuery,
                    scope_or_404) -> bodies.Body:
    """The rows of one market or commune; the scope check rides along in the same statement
    and is asked on its own only when no row comes back (empty range or not visible)."""
    start, end = day_range(query)
    rows = bodies.snapshot_rows(column == scope_id, AdoptionSnapshot.day >= start,
                                AdoptionSnapshot.day <= end, in_scope)
    if not rows:
        scope_or_404(scope_id)
    return {"scope": scope, "id": scope_id, "start": start, "end": end, "items": rows}


@operation("GET", "/markets/<int:market_id>/snapshots", summary="A market's daily ladder counts",
           tag="snapshots", query=schemas.RangeQuery, response=schemas.SnapshotSeries,
           errors=READ_ERRORS + (404,))
def market_snapshots(market_id: int, query: schemas.RangeQuery):
    """One row per day that the scheduled job computed, ``from``..``to`` inclusive."""
    in_scope = exists().where(Market.id == market_id, market_scope(current_user))
    return snapshot_series("market", market_id, AdoptionSnapshot.market_id, in_scope, query,
                           market_or_404)


@operation("GET", "/units/<int:unit_id>/snapshots", summary="A commune's daily ladder counts",
           tag="snapshots", query=schemas.RangeQuery, response=schemas.SnapshotSeries,
           errors=READ_ERRORS + (404,))
def commune_snapshots(unit_id: int, query: schemas.RangeQuery):
    """All markets of the commune together, one row per computed day."""
    unit = commune_or_404(unit_id)
    return snapshot_series("commune", unit.id, AdoptionSnapshot.commune_id, true(), query,
                           commune_or_404)
