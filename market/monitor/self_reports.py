"""Vendors saying whether they use QR (through their private link)."""
from __future__ import annotations

from datetime import datetime

from market.extensions import db
from market.models import SelfReport, Stall, utcnow
from market.models.evidence import NonUseReason, QrUse
from market.monitor.clock import local_day, local_today
from market.monitor.inspections import check_answer
from market.monitor.stale import Reason, mark_stall_days


def record_self_report(
    stall: Stall,
    answer: QrUse,
    reason: NonUseReason | None = None,
    note: str = "",
    *,
    reason_text: str = "",
    at: datetime | None = None,
) -> SelfReport:
    """Record the vendor's own answer ("no" needs a reason from the list). Flushes only.

    Raises :class:`~market.monitor.errors.EvidenceError` for an answer without its reason.
    """
    answer = QrUse(answer)
    reason = NonUseReason(reason) if reason else None
    check_answer(answer, reason, reason_text)
    at = at or utcnow()
    report = SelfReport(
        stall_id=stall.id,
        reported_at=at,
        reported_on=local_day(at),
        answer=answer,
        reason=reason,
        reason_text=reason_text.strip() if reason == NonUseReason.OTHER else "",
        note=note.strip(),
    )
    db.session.add(report)
    db.session.flush()
    if report.reported_on < local_today():
        mark_stall_days(Reason.SELF_REPORT, [(stall.id, report.reported_on)])
    return report
