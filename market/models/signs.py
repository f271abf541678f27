"""QR signs issued for a stall and one bank-account version, and the log of their prints."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from market.models.base import UTCDateTime, db, str_enum, utcnow

if TYPE_CHECKING:
    from market.models.banking import BankAccount
    from market.models.registry import Stall
    from market.models.users import User


class SignFormat(enum.StrEnum):
    A6 = "a6"  # standee, portrait
    A5 = "a5"  # card
    A4 = "a4"  # poster
    STICKERS = "stickers"  # A4 sheet of stickers with cut lines

    @property
    def label(self) -> str:
        return str(FORMAT_LABELS[self])


FORMAT_LABELS = {
    SignFormat.A6: _l("A6 – bảng đứng"),
    SignFormat.A5: _l("A5 – thẻ"),
    SignFormat.A4: _l("A4 – áp phích"),
    SignFormat.STICKERS: _l("A4 – tờ nhãn dán"),
}


class Sign(db.Model):
    """A sign issued for one stall and one account version in one format.

    Reprints reuse the row (and its verification code); a sign whose account version is
    retired gets ``superseded_at`` and is never printed again.
    """

    __tablename__ = "sign"
    __table_args__ = (UniqueConstraint("stall_id", "bank_account_id", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"))
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"), index=True)
    format: Mapped[SignFormat] = mapped_column(str_enum(SignFormat, 10))
    # Printed on the sign, so an inspector can tell which issue hangs at the stall.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    stall: Mapped[Stall] = relationship()
    bank_account: Mapped[BankAccount] = relationship()
    issued_by: Mapped[User | None] = relationship()
    prints: Mapped[list[SignPrint]] = relationship(
        back_populates="sign", order_by="SignPrint.printed_at"
    )

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def __repr__(self) -> str:
        return f"<Sign {self.code} stall {self.stall_id} {self.format}>"


class SignPrint(db.Model):
    """One print (first or reprint) of a sign: who, when; the format is the sign's."""

    __tablename__ = "sign_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_id: Mapped[int] = mapped_column(ForeignKey("sign.id"), index=True)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Who printed when it was not a signed-in user: "vendor link", "cli".
    actor_label: Mapped[str] = mapped_column(String(60), default="")

    sign: Mapped[Sign] = relationship(back_populates="prints")
    printed_by: Mapped[User | None] = relationship()
