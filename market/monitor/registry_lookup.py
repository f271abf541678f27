"""What the registry says today about a stall's account, and which stall an account pays."""
from __future__ import annotations

from sqlalchemy import select

from market.extensions import db
from market.models import BankAccount, Stall, Tenancy


def current_account(stall: Stall) -> BankAccount | None:
    """The current account version of the stall's current tenant, if any."""
    return db.session.scalar(
        select(BankAccount)
        .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
        .where(
            Tenancy.stall_id == stall.id,
            Tenancy.end_on.is_(None),
            BankAccount.retired_at.is_(None),
        )
    )


def stalls_paid_by(account_number: str, bank_bin: str | None = None) -> list[int]:
    """Stalls whose current tenant's current account has this number (and BIN, when given)."""
    query = (
        select(Tenancy.stall_id)
        .join(BankAccount, BankAccount.vendor_id == Tenancy.vendor_id)
        .where(
            BankAccount.account_number == account_number,
            BankAccount.retired_at.is_(None),
            Tenancy.end_on.is_(None),
        )
    )
    if bank_bin:
        query = query.where(BankAccount.bank_bin == bank_bin)
    return list(db.session.scalars(query.distinct()))
