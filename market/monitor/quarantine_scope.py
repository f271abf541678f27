"""Who sees a quarantined payment: it names no stall, so it belongs to the markets where its
account was ever held by a tenant (a board sees its own, an administrator every one)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, or_, select, true

from market.auth.access import market_scope
from market.models import BankAccount, Market, PaymentNotification, Role, Stall, Tenancy, User


def notifications_of(markets: Select) -> ColumnElement[bool]:
    """A WHERE clause on ``PaymentNotification``: its account was held at a stall of one of
    ``markets`` (a SELECT of market ids)."""
    return exists(
        select(BankAccount.id)
        .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
        .join(Stall, Stall.id == Tenancy.stall_id)
        .where(BankAccount.account_number == PaymentNotification.account_number,
               or_(PaymentNotification.bank_bin == "",
                   BankAccount.bank_bin == PaymentNotification.bank_bin),
               Stall.market_id.in_(markets))
    )


def visible_notifications(user: User) -> ColumnElement[bool]:
    """The quarantined payments ``user`` may see, dismiss or assign."""
    if user.role == Role.ADMIN:
        return true()
    return notifications_of(select(Market.id).where(market_scope(user)))
