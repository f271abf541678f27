"""Who sees a payment that matched no stall (a quarantined notice, a bank report's row set
aside): it names no stall, so it belongs to the markets where its account was ever held by a
tenant (a board sees its own, an administrator every one)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, or_, select, true

from market.auth.access import market_scope
from market.models import (
    BankAccount,
    Market,
    PaymentNotification,
    Role,
    Stall,
    Tenancy,
    UnmatchedReportRow,
    User,
)


def held_in(payment: type[PaymentNotification | UnmatchedReportRow],
            markets: Select) -> ColumnElement[bool]:
    """A WHERE clause on ``payment``'s table: its account was held at a stall of one of
    ``markets`` (a SELECT of market ids)."""
    return exists(
        select(BankAccount.id)
        .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
        .join(Stall, Stall.id == Tenancy.stall_id)
        .where(BankAccount.account_number == payment.account_number,
               or_(payment.bank_bin == "", BankAccount.bank_bin == payment.bank_bin),
               Stall.market_id.in_(markets))
    )


def notifications_of(markets: Select) -> ColumnElement[bool]:
    """``held_in`` for quarantined notices."""
    return held_in(PaymentNotification, markets)


def visible_to(user: User, payment: type[PaymentNotification | UnmatchedReportRow]
               ) -> ColumnElement[bool]:
    """The unmatched payments of this kind ``user`` may see (and, for notices, dismiss or
    assign)."""
    if user.role == Role.ADMIN:
        return true()
    return held_in(payment, select(Market.id).where(market_scope(user)))


def visible_notifications(user: User) -> ColumnElement[bool]:
    return visible_to(user, PaymentNotification)
