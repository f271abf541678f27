"""The bank directory and vendors' bank accounts (versioned, never edited in place)."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from market.models.base import UTCDateTime, db, str_enum, utcnow

if TYPE_CHECKING:
    from market.models.users import User
    from market.models.vendors import Vendor


class Bank(db.Model):
    """A NAPAS member bank or wallet, keyed by its BIN (loaded from the codec's data file)."""

    __tablename__ = "bank"

    bin: Mapped[str] = mapped_column(String(6), primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    short_name: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    vietqr: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    note: Mapped[str] = mapped_column(String(255), default="")
    # Where the row's values come from: the shipped directory's source for the bank, or the
    # file an administrator applied (then the shipped directory no longer overwrites it).
    source: Mapped[str] = mapped_column(String(255), default="", server_default="")

    def __repr__(self) -> str:
        return f"<Bank {self.bin} {self.short_name}>"


class AccountKind(enum.StrEnum):
    ACCOUNT = "account"  # service QRIBFTTA
    CARD = "card"  # service QRIBFTTC


class AccountSource(enum.StrEnum):
    TYPED = "typed"
    QR_PHOTO = "qr_photo"
    IMPORT = "import"


class BankAccount(db.Model):
    """One version of a vendor's receiving account.

    A change retires the current version (``retired_at``) and adds a new one with the next
    ``version``; rows are never updated in place, so signs and audits keep pointing at what
    was printed.
    """

    __tablename__ = "bank_account"
    __table_args__ = (
        UniqueConstraint("vendor_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        # One current version per vendor.
        Index(
            "uq_bank_account_current_per_vendor",
            "vendor_id",
            unique=True,
            sqlite_where=text("retired_at IS NULL"),
            postgresql_where=text("retired_at IS NULL"),
        ),
        Index("ix_bank_account_number", "account_number", "bank_bin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    version: Mapped[int] = mapped_column(default=1)
    bank_bin: Mapped[str] = mapped_column(ForeignKey("bank.bin"))
    account_number: Mapped[str] = mapped_column(String(19))
    holder_name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind, 8), default=AccountKind.ACCOUNT)
    source: Mapped[AccountSource] = mapped_column(
        str_enum(AccountSource, 10), default=AccountSource.TYPED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    vendor: Mapped[Vendor] = relationship(back_populates="accounts")
    bank: Mapped[Bank] = relationship()

    @property
    def is_current(self) -> bool:
        return self.retired_at is None

    def __repr__(self) -> str:
        return f"<BankAccount v{self.version} of vendor {self.vendor_id}>"


class Payee(db.Model):
    """Who a stall's signs pay: one account version of the stall's tenant, for one tenancy.

    Every change of what a stall's sign would encode (a new account version, a new tenant
    with an account) opens a new row and ends the stall's previous one. A row may be printed
    when it is the stall's first payee ever (``first``) or once someone other than its maker
    confirmed it; the rule itself lives in ``market.registry.payee``.
    """

    __tablename__ = "payee"
    __table_args__ = (
        # One open payee per stall.
        Index(
            "uq_payee_open_per_stall",
            "stall_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"), index=True)
    tenancy_id: Mapped[int] = mapped_column(ForeignKey("tenancy.id"))
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"), index=True)
    first: Mapped[bool] = mapped_column(default=False)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "board", "commune", "admin" or "vendor" (through a link), with the person or the link.
    confirmed_via: Mapped[str | None] = mapped_column(String(12))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_link_id: Mapped[int | None] = mapped_column(ForeignKey("vendor_link.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[BankAccount] = relationship()
    made_by: Mapped[User | None] = relationship(foreign_keys=[made_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @property
    def printable(self) -> bool:
        return self.ended_at is None and (self.first or self.confirmed_at is not None)

    def __repr__(self) -> str:
        return f"<Payee {self.id} stall {self.stall_id} account {self.bank_account_id}>"
