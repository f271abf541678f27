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
    return stalls_paid_by_each([(account_number, bank_bin or "")])[0]


def stalls_paid_by_each(accounts: list[tuple[str, str]]) -> list[list[int]]:
    """``stalls_paid_by`` for each (number, BIN or "") pair, in one query."""
    numbers = sorted({number for number, _ in accounts})
    found: dict[str, list[tuple[int, str]]] = {}
    for number in range(0, len(numbers), 1000):  # a bounded IN list per query
        rows = db.session.execute(
            select(BankAccount.account_number, Tenancy.stall_id, BankAccount.bank_bin)
            .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
            .where(
                BankAccount.account_number.in_(numbers[number:number + 1000]),
                BankAccount.retired_at.is_(None),
                Tenancy.end_on.is_(None),
            )
        )
        for account_number, stall_id, bank_bin in rows:
            found.setdefault(account_number, []).append((stall_id, bank_bin))
    return [sorted({stall for stall, each_bin in found.get(number, ())
                    if not bank_bin or each_bin == bank_bin})
            for number, bank_bin in accounts]
