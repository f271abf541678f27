"""A stall's payee: the bank, account and holder that its signs, QR downloads, vendor page and
API answers encode. The one place of the account-integrity rule.

A stall's first payee ever may be set by one person (registering a market on day one stays
quick). Every later change of what the stall's sign would pay — a new account version, a new
tenant with an account, whether typed, imported, sent through the API — opens a new payee
that stays unprintable until a *different* person confirms exactly that payee: another board
user of the market, a commune user of its area, an administrator, or the vendor through a
link that the maker of the change did not issue.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select

from market import audit
from market.auth.access import market_scope
from market.extensions import db
from market.models import (
    BankAccount,
    Market,
    Payee,
    Role,
    Stall,
    Tenancy,
    User,
    VendorLink,
    user_market,
    utcnow,
)
from market.registry.errors import RegistryError
from market.registry.services.rows import insert_all

NOT_PENDING = _l("Thay đổi này không còn chờ xác nhận: đã có thay đổi mới hơn hoặc đã được "
                 "xác nhận. Hãy xem lại tài khoản hiện tại.")
NOT_ALLOWED = _l("Người đã thực hiện thay đổi không tự xác nhận được, kể cả qua đường dẫn do "
                 "chính mình tạo: cần một người khác xác nhận.")


def payee_join(stall: type[Stall] | ColumnElement, tenancy_id: ColumnElement,
               account_id: ColumnElement) -> ColumnElement[bool]:
    """The ON clause joining a stall's open payee, only when it is this tenancy's this account
    (so a payee made for a tenancy or version that is no longer current never matches)."""
    return and_(Payee.stall_id == stall.id, Payee.ended_at.is_(None),
                Payee.tenancy_id == tenancy_id, Payee.bank_account_id == account_id)


def printable_clause() -> ColumnElement[bool]:
    """SQL twin of ``Payee.printable`` for a joined payee (NULL rows are not printable)."""
    return and_(Payee.id.is_not(None), Payee.ended_at.is_(None),
                or_(Payee.first.is_(True), Payee.confirmed_at.is_not(None)))


def is_printable(payee: Payee | None) -> bool:
    """Whether a sign may encode this payee (joined through ``payee_join``)."""
    return payee is not None and payee.printable


def open_payees(stall_ids: Collection[int]) -> dict[int, Payee]:
    """The open payee of each of these stalls that has one."""
    if not stall_ids:
        return {}
    query = select(Payee).where(Payee.stall_id.in_(sorted(stall_ids)), Payee.ended_at.is_(None))
    return {payee.stall_id: payee for payee in db.session.scalars(query)}


def stalls_of_vendors(vendor_ids: Collection[int]) -> list[int]:
    """The stalls these vendors hold an open tenancy of."""
    if not vendor_ids:
        return []
    return list(db.session.scalars(select(Tenancy.stall_id).where(
        Tenancy.vendor_id.in_(sorted(vendor_ids)), Tenancy.end_on.is_(None))))


def refresh(stall_ids: Collection[int]) -> list[Payee]:
    """Bring these stalls' payees in line with their open tenancy's current account.

    Called by every service that changes a tenancy or an account. A stall whose payee changed
    gets its previous payee ended and, when it has one, a new payee made by the acting user:
    ``first`` only when the stall never had a payee before. Returns the new payees.
    """
    stall_ids = sorted(set(stall_ids))
    if not stall_ids:
        return []
    wanted = {stall_id: (tenancy_id, account_id) for stall_id, tenancy_id, account_id in
              db.session.execute(
                  select(Tenancy.stall_id, Tenancy.id, BankAccount.id)
                  .join(BankAccount, and_(BankAccount.vendor_id == Tenancy.vendor_id,
                                          BankAccount.retired_at.is_(None)))
                  .where(Tenancy.stall_id.in_(stall_ids), Tenancy.end_on.is_(None)))}
    opened = open_payees(stall_ids)
    had_payee = set(db.session.scalars(
        select(Payee.stall_id).where(Payee.stall_id.in_(stall_ids)).distinct()))
    now, maker = utcnow(), audit.actor_id()
    rows = []
    for stall_id in stall_ids:
        current = opened.get(stall_id)
        target = wanted.get(stall_id)
        if current is not None and (current.tenancy_id, current.bank_account_id) == target:
            continue
        if current is not None:
            current.ended_at = now
        if target is not None:
            rows.append({"stall_id": stall_id, "tenancy_id": target[0],
                         "bank_account_id": target[1], "first": stall_id not in had_payee,
                         "made_by_id": maker, "made_at": now})
    db.session.flush()  # the ended payees leave "open" before the new ones arrive
    return insert_all(Payee, rows)


def may_confirm(payee: Payee, *, user: User | None = None,
                link: VendorLink | None = None) -> bool:
    """Whether this person (or the vendor holding this link) may confirm this pending payee:
    never its maker, nor a link its maker issued; a board user of the stall's market, a
    commune user of its area, an administrator, or the vendor through the stall's link."""
    if payee.printable or payee.ended_at is not None:
        return False
    if link is not None:
        # The link's own tenant, and not the maker's link. Two unknown people (the command
        # line) are not known to be two.
        return (link.revoked_at is None and link.stall_id == payee.stall_id
                and link.tenancy_id == payee.tenancy_id
                and link.created_by_id != payee.made_by_id)
    if user is None or not user.is_authenticated or user.id == payee.made_by_id:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role not in (Role.BOARD, Role.COMMUNE):
        return False
    market_id = db.session.scalar(select(Stall.market_id).where(Stall.id == payee.stall_id))
    return db.session.scalar(
        select(Market.id).where(Market.id == market_id, market_scope(user))) is not None


def confirm(stall: Stall, payee_id: int, *, user: User | None = None,
            link: VendorLink | None = None) -> Payee:
    """Confirm the stall's pending payee ``payee_id``: refused when that is not the stall's
    pending payee any more (a stale page) or when this person may not confirm it."""
    payee = open_payees([stall.id]).get(stall.id)
    if payee is None or payee.id != payee_id or payee.printable:
        raise RegistryError("payee", NOT_PENDING)
    if not may_confirm(payee, user=user, link=link):
        raise RegistryError("payee", NOT_ALLOWED)
    via = "vendor" if link is not None else user.role.value
    payee.confirmed_at, payee.confirmed_via = utcnow(), via
    payee.confirmed_by_id = user.id if link is None else None
    payee.confirmed_link_id = link.id if link is not None else None
    db.session.flush()
    audit.record("approve", "bank_account", payee.bank_account_id, market_id=stall.market_id,
                 new={"approved_via": via, "payee": payee.id, "stall_id": stall.id,
                      "version": payee.account.version},
                 actor_label="vendor link" if link is not None else "")
    return payee


@dataclass(frozen=True)
class PendingChange:
    """A pending payee as the approval box shows it: old → new, and who may confirm."""

    stall: Stall
    payee: Payee
    old: BankAccount | None
    new: BankAccount
    single_board_user: bool

    @property
    def id(self) -> int:
        return self.payee.id


def pending_changes(market: Market, stall_ids: Collection[int] | None = None
                    ) -> list[PendingChange]:
    """The market's pending payees (or those of ``stall_ids``), by stall code, with the
    payee each one would replace."""
    query = (select(Payee, Stall).join(Stall, Stall.id == Payee.stall_id)
             .where(Stall.market_id == market.id, Payee.ended_at.is_(None),
                    Payee.first.is_(False), Payee.confirmed_at.is_(None))
             .order_by(Stall.code))
    if stall_ids is not None:
        query = query.where(Stall.id.in_(sorted(stall_ids)))
    rows = db.session.execute(query).all()
    if not rows:
        return []
    previous = dict(db.session.execute(
        select(Payee.stall_id, BankAccount).join(BankAccount, BankAccount.id == Payee.bank_account_id)
        .where(Payee.id.in_(select(func.max(Payee.id)).where(
            Payee.stall_id.in_([stall.id for _, stall in rows]), Payee.ended_at.is_not(None),
            or_(Payee.first.is_(True), Payee.confirmed_at.is_not(None)))
            .group_by(Payee.stall_id)))).all())
    single = board_users(market) <= 1
    return [PendingChange(stall, payee, previous.get(stall.id), payee.account, single)
            for payee, stall in rows]


def board_users(market: Market) -> int:
    """How many active board users the market has (one alone cannot confirm its changes)."""
    return db.session.scalar(
        select(func.count()).select_from(user_market).join(User, User.id == user_market.c.user_id)
        .where(user_market.c.market_id == market.id, User.role == Role.BOARD,
               User.active.is_(True))) or 0
