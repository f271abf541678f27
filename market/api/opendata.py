"""Open data: per-commune monthly coverage as CSV, with no personal data in it."""
from __future__ import annotations

import csv
import io
from calendar import monthrange
from datetime import date

from flask import Response
from sqlalchemy import func, select

from market.api import schemas
from market.api.operations import operation
from market.downloads import content_disposition
from market.extensions import db
from market.models import AdminUnit, AdoptionSnapshot, Market

COLUMNS = ("month", "as_of", "commune_code", "commune_name", "parent_code", "markets",
           "operating_stalls", "registered", "displayed", "active",
           "registered_pct", "displayed_pct", "active_pct")


def month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1), date(year, number, monthrange(year, number)[1])


def coverage_rows(month: str) -> list[tuple]:
    """Each commune's last snapshot of the month: the ladder's "reached" figures, and the
    number of its markets that counted that day (those with a row then)."""
    first, last = month_bounds(month)
    latest = (
        select(AdoptionSnapshot.commune_id, func.max(AdoptionSnapshot.day).label("day"))
        .where(AdoptionSnapshot.commune_id.is_not(None), AdoptionSnapshot.day >= first,
               AdoptionSnapshot.day <= last)
        .group_by(AdoptionSnapshot.commune_id).subquery()
    )
    market_rows = AdoptionSnapshot.__table__.alias("market_rows")
    markets = (
        select(Market.commune_id, market_rows.c.day, func.count().label("markets"))
        .join(market_rows, market_rows.c.market_id == Market.id)
        .where(market_rows.c.day >= first, market_rows.c.day <= last)
        .group_by(Market.commune_id, market_rows.c.day).subquery()
    )
    parent = AdminUnit.__table__.alias("parent")
    return db.session.execute(
        select(AdoptionSnapshot.day, AdminUnit.code, AdminUnit.name, parent.c.code,
               func.coalesce(markets.c.markets, 0), AdoptionSnapshot.operating,
               AdoptionSnapshot.reached_registered, AdoptionSnapshot.reached_displayed,
               AdoptionSnapshot.reached_active)
        .join(latest, (latest.c.commune_id == AdoptionSnapshot.commune_id)
              & (latest.c.day == AdoptionSnapshot.day))
        .join(AdminUnit, AdminUnit.id == AdoptionSnapshot.commune_id)
        .outerjoin(parent, parent.c.id == AdminUnit.parent_id)
        .outerjoin(markets, (markets.c.commune_id == AdoptionSnapshot.commune_id)
                   & (markets.c.day == AdoptionSnapshot.day))
        .order_by(AdminUnit.code)
    ).all()


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else ""


@operation("GET", "/open-data/coverage.csv", summary="Monthly QR coverage per commune (CSV)",
           tag="open data", query=schemas.CoverageQuery, media_type="text/csv", public=True)
def coverage_csv(query: schemas.CoverageQuery):
    """Public, no token: counts of operating stalls and how many reached each rung, from each
    commune's last daily snapshot in the month. No names, phones or accounts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for day, code, name, parent_code, markets, operating, registered, displayed, active in (
            coverage_rows(query.month)):
        writer.writerow((query.month, day.isoformat(), code, name, parent_code or "", markets,
                         operating, registered, displayed, active, share(registered, operating),
                         share(displayed, operating), share(active, operating)))
    filename = f"coverage-{query.month}.csv"
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": content_disposition(filename)})
