"""Read-side queries of the registry pages: stalls with their tenant and current account,
searched, filtered and paged in a fixed number of statements whatever the page size."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select, union_all

from market.extensions import db
from market.models import BankAccount, Market, Stall, Tenancy, Vendor
from market.registry.services.accounts import clean_account_number


@dataclass
class StallRow:
    stall: Stall
    market: Market
    vendor: Vendor | None
    account: BankAccount | None
    step: Any = None


@dataclass
class Page:
    rows: list[StallRow]
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def stalls_with_tenants() -> Select:
    """Stall, market, open tenant and current account, one row per stall."""
    return (
        select(Stall, Market, Vendor, BankAccount)
        .join(Market, Market.id == Stall.market_id)
        .outerjoin(Tenancy, and_(Tenancy.stall_id == Stall.id, Tenancy.end_on.is_(None)))
        .outerjoin(Vendor, Vendor.id == Tenancy.vendor_id)
        .outerjoin(BankAccount, and_(BankAccount.vendor_id == Vendor.id,
                                     BankAccount.retired_at.is_(None)))
    )


def search_condition(text: str, *, by_account: bool):
    """Stall code (prefix), vendor or shop name (anywhere), account number (prefix) when
    ``by_account``: someone shown masked numbers must not recover them digit by digit."""
    text = " ".join(text.split())
    conditions = [
        Stall.code.istartswith(text, autoescape=True),
        Vendor.name.icontains(text, autoescape=True),
        Vendor.shop_name.icontains(text, autoescape=True),
    ]
    number = clean_account_number(text)
    if by_account and number.isalnum():
        conditions.append(BankAccount.account_number.startswith(number, autoescape=True))
    return or_(*conditions)


def exact_condition(text: str, *, by_account: bool):
    """Exactly this stall code or (when ``by_account``) account number: what a search over a
    wide area allows, since a name found anywhere among millions of stalls cannot use an
    index."""
    text = " ".join(text.split())
    # Each branch on its own index; an OR across the outer joins would read every row.
    by_code = select(Stall.id).where(Stall.code == text.upper())
    by_number = (
        select(Tenancy.stall_id)
        .join(BankAccount, BankAccount.vendor_id == Tenancy.vendor_id)
        .where(Tenancy.end_on.is_(None), BankAccount.retired_at.is_(None),
               BankAccount.account_number == clean_account_number(text))
    )
    if not by_account:
        return Stall.id.in_(by_code)
    return Stall.id.in_(union_all(by_code, by_number))


def filtered(query: Select, *, by_account: bool, q: str = "", zone: str = "",
             category: str = "", status: str = "") -> Select:
    """``query`` narrowed to the filters; ``by_account``: whether ``q`` may match account
    numbers (only for people shown them in full)."""
    if q.strip():
        query = query.where(search_condition(q, by_account=by_account))
    if zone:
        query = query.where(Stall.zone == zone)
    if category:
        query = query.where(Stall.category == category)
    if status:
        query = query.where(Stall.status == status)
    return query


def page_of(query: Select, number: int) -> Page:
    """One page of stall rows in floor-plan order, and the total count (from the same
    statement, as a window count, unless the page asked for is past the end)."""
    per_page = current_app.config["PAGE_SIZE"]
    ordered = query.add_columns(func.count().over().label("total")).order_by(
        Stall.zone, Stall.row, Stall.number, Stall.code, Stall.id)
    number = max(1, number)
    rows = db.session.execute(ordered.limit(per_page).offset((number - 1) * per_page)).all()
    if rows:
        total = rows[0].total
    else:
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        if total:
            number = math.ceil(total / per_page)
            rows = db.session.execute(
                ordered.limit(per_page).offset((number - 1) * per_page)).all()
    return Page([StallRow(*row[:4]) for row in rows], number, total, per_page)


def zones(market: Market) -> list[str]:
    return list(db.session.scalars(
        select(Stall.zone).where(Stall.market_id == market.id, Stall.zone != "")
        .distinct().order_by(Stall.zone)
    ))
