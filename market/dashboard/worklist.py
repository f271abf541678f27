"""The follow-up worklist: the stalls of a market the digital team should visit, in order.

A stall qualifies (its step comes from ``market.monitor.ladder``, the one definition) when it
has no account, an account but no sign, a sign not seen in the inspection window, has lapsed,
has declined for a reason help can fix, or has an open alert. Order: open swapped-sign alerts
first (customers' money goes to a stranger); then vendors aged 60 and over; then the longest
time since the last contact (never visited first); then the older vendor; then the stall code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union_all

from market.extensions import db
from market.models import (
    AdoptionStep,
    Alert,
    Inspection,
    Market,
    SelfReport,
    Stall,
    Tenancy,
    User,
    Vendor,
    Visit,
    VisitAssignment,
)
from market.models.evidence import AlertKind, NonUseReason
from market.monitor.ladder import stall_steps

# Reasons a visit can do something about (an account opened, a scam explained, use re-taught).
FIXABLE_REASONS = frozenset({
    NonUseReason.NO_BANK_ACCOUNT, NonUseReason.FEAR_OF_SCAMS, NonUseReason.FORGOT_HOW,
    NonUseReason.NETWORK,
})
SENIOR_AGE = 60

NEED_LABELS = {
    AdoptionStep.NO_ACCOUNT: _l("Chưa có tài khoản"),
    AdoptionStep.REGISTERED: _l("Chưa có biển QR"),
    AdoptionStep.ISSUED: _l("Chưa thấy treo biển trong kỳ"),
    AdoptionStep.LAPSED: _l("Đã ngừng dùng QR"),
    AdoptionStep.DECLINED: _l("Từ chối, có thể hỗ trợ"),
}
ALERT_NEED = _l("Có cảnh báo đang mở")


@dataclass
class WorkItem:
    stall_id: int
    stall_code: str
    market_id: int
    zone: str
    row: str
    number: int | None
    step: AdoptionStep
    reason: NonUseReason | None
    alerts: list[AlertKind]
    vendor_name: str | None
    vendor_phone: str | None
    birth_year: int | None
    last_contact: date | None
    next_visit_on: date | None
    assignee: str | None
    planned_on: date | None

    @property
    def needs(self) -> list[str]:
        found = [str(a.label) for a in self.alerts]
        if self.step in NEED_LABELS:
            found.append(str(NEED_LABELS[self.step]))
        return found

    def age(self, today: date) -> int | None:
        return today.year - self.birth_year if self.birth_year else None

    def gap_days(self, today: date) -> int | None:
        return (today - self.last_contact).days if self.last_contact else None

    def sort_key(self, today: date) -> tuple:
        age = self.age(today)
        gap = self.gap_days(today)
        return (
            AlertKind.SWAPPED_SIGN not in self.alerts,
            not (age is not None and age >= SENIOR_AGE),
            gap is not None,  # never visited first
            -(gap or 0),
            self.birth_year or 9999,
            self.stall_code,
        )


def latest_reasons(stall_ids: list[int]) -> dict[int, NonUseReason | None]:
    """The reason of each stall's latest "no" (for declined stalls)."""
    if not stall_ids:
        return {}
    answers = union_all(
        select(Inspection.stall_id, Inspection.inspected_on.label("day"),
               Inspection.inspected_at.label("at"), Inspection.reason)
        .where(Inspection.stall_id.in_(stall_ids), Inspection.qr_use.is_not(None)),
        select(SelfReport.stall_id, SelfReport.reported_on, SelfReport.reported_at, SelfReport.reason)
        .where(SelfReport.stall_id.in_(stall_ids)),
    ).subquery()
    found: dict[int, NonUseReason | None] = {}
    for row in db.session.execute(select(answers).order_by(answers.c.day, answers.c.at)):
        found[row.stall_id] = NonUseReason(row.reason) if row.reason else None
    return found


def last_contacts(stall_ids: list[int]) -> dict[int, date]:
    contacts = union_all(
        select(Inspection.stall_id, Inspection.inspected_on.label("day"))
        .where(Inspection.stall_id.in_(stall_ids)),
        select(Visit.stall_id, Visit.visited_on).where(Visit.stall_id.in_(stall_ids)),
    ).subquery()
    rows = db.session.execute(
        select(contacts.c.stall_id, func.max(contacts.c.day)).group_by(contacts.c.stall_id)
    )
    return dict(rows.all())


def next_visits(stall_ids: list[int]) -> dict[int, date]:
    rows = db.session.execute(
        select(Visit.stall_id, Visit.next_visit_on)
        .where(Visit.stall_id.in_(stall_ids))
        .order_by(Visit.visited_at)
    )
    return {stall_id: day for stall_id, day in rows}


def open_assignments(stall_ids: list[int]) -> dict[int, tuple[str, date | None]]:
    rows = db.session.execute(
        select(VisitAssignment.stall_id, User.full_name, VisitAssignment.planned_on)
        .join(User, User.id == VisitAssignment.assignee_id)
        .where(VisitAssignment.stall_id.in_(stall_ids), VisitAssignment.closed_at.is_(None))
    )
    return {stall_id: (name, day) for stall_id, name, day in rows}


def open_alerts_by_stall(market_ids: list[int]) -> dict[int, list[AlertKind]]:
    found: dict[int, list[AlertKind]] = {}
    rows = db.session.execute(
        select(Alert.stall_id, Alert.kind)
        .where(Alert.market_id.in_(market_ids), Alert.closed_at.is_(None), Alert.stall_id.is_not(None))
    )
    for stall_id, kind in rows:
        found.setdefault(stall_id, []).append(AlertKind(kind))
    return found


def qualifies(step: AdoptionStep, reason: NonUseReason | None, alerts: list[AlertKind]) -> bool:
    if alerts:
        return True
    if step == AdoptionStep.DECLINED:
        return reason in FIXABLE_REASONS
    return step in NEED_LABELS


def worklist(markets: list[Market], today: date) -> list[WorkItem]:
    """The stalls of ``markets`` that need a visit, in priority order (see the module)."""
    market_ids = [m.id for m in markets]
    if not market_ids:
        return []
    steps = stall_steps(today, markets=market_ids).subquery("steps")
    tenant = select(Tenancy.stall_id, Tenancy.vendor_id).where(Tenancy.end_on.is_(None)).subquery()
    rows = db.session.execute(
        select(Stall.id, Stall.code, Stall.market_id, Stall.zone, Stall.row, Stall.number, steps.c.step,
               Vendor.name, Vendor.phone, Vendor.birth_year)
        .join(steps, steps.c.stall_id == Stall.id)
        .outerjoin(tenant, tenant.c.stall_id == Stall.id)
        .outerjoin(Vendor, Vendor.id == tenant.c.vendor_id)
    ).all()
    alerts = open_alerts_by_stall(market_ids)
    declined = [r.id for r in rows if r.step == AdoptionStep.DECLINED.value]
    reasons = latest_reasons(declined)
    chosen = [
        r for r in rows
        if qualifies(AdoptionStep(r.step), reasons.get(r.id), alerts.get(r.id, []))
    ]
    ids = [r.id for r in chosen]
    contacts = last_contacts(ids) if ids else {}
    upcoming = next_visits(ids) if ids else {}
    assigned = open_assignments(ids) if ids else {}
    items = [
        WorkItem(
            r.id, r.code, r.market_id, r.zone, r.row, r.number, AdoptionStep(r.step), reasons.get(r.id),
            alerts.get(r.id, []), r.name, r.phone, r.birth_year, contacts.get(r.id),
            upcoming.get(r.id), *(assigned.get(r.id) or (None, None)),
        )
        for r in chosen
    ]
    items.sort(key=lambda item: item.sort_key(today))
    return items
