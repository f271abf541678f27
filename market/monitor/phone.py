"""Records filled on the team's phones: when they were made, by whom, and the answers the
phone's outbox (static/js/outbox.js) reads.

A record may reach the server hours after it was filled. The phone stamps the moment it was
filled (``observed_at``) and, when it sends, its own clock again (``sent_at``): the gap between
the two is measured on one clock, so a phone whose clock is wrong still gives the right time.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from market.monitor.errors import EvidenceError

# A phone's clock and the server's may differ by this much without any correction.
CLOCK_SKEW = timedelta(minutes=5)
# How long the phone's outbox may hold a record (days); older ones are refused.
DEFAULT_QUEUE_DAYS = 14

WRONG_AUTHOR = _l("Bản ghi này do một người dùng khác tạo trên máy: chỉ người đó gửi được.")


T = TypeVar("T")


def stored_by_the_other(lookup: Callable[[], T | None], waits: int = 20) -> T | None:
    """After a write lost a race with the same record: the row the other request stored.

    SQLite may answer "locked" before the other request's commit is visible, so the row is
    looked for again for a moment (about a second) before concluding that nothing was stored.
    """
    for _attempt in range(waits):
        row = lookup()
        if row is not None:
            return row
        time.sleep(0.05)
    return lookup()


def queue_days() -> int:
    return int(current_app.config.get("OFFLINE_QUEUE_DAYS", DEFAULT_QUEUE_DAYS))


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def observed_time(observed: str | None, sent: str | None, received: datetime) -> datetime:
    """When the record was filled, on the server's clock; ``received`` when none is given.

    With ``sent`` (the phone's clock when sending), the phone's clock error is taken out.
    Refused (EvidenceError on ``observed_at``): an unreadable time, a time after the sending,
    a time in the future beyond ``CLOCK_SKEW``, or one older than the outbox may hold.
    """
    if not observed:
        return received
    moment = _moment(observed)
    sent_at = _moment(sent) if sent else None
    if moment is None or (sent and sent_at is None):
        raise EvidenceError("observed_at", _("Thời điểm ghi không đọc được."))
    if sent_at is not None:
        if moment > sent_at + CLOCK_SKEW:
            raise EvidenceError("observed_at", _("Thời điểm ghi sau thời điểm gửi: kiểm tra đồng hồ của máy."))
        if abs(received - sent_at) > CLOCK_SKEW:
            moment += received - sent_at
    if moment > received + CLOCK_SKEW:
        raise EvidenceError("observed_at", _("Thời điểm ghi ở tương lai: kiểm tra đồng hồ của máy."))
    if moment < received - timedelta(days=queue_days()):
        raise EvidenceError("observed_at", _("Bản ghi cũ hơn %(n)s ngày: máy chủ không nhận nữa.", n=queue_days()))
    return moment


def author_matches(author_id: str | None, user_id: int) -> bool:
    """A record names its author when queued on the phone; none named means the sender."""
    return not author_id or author_id == str(user_id)


def from_outbox() -> bool:
    """The phone's outbox asks for JSON; a plain form post gets pages."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def stored_answer(message: str, created: bool) -> tuple[Response, int]:
    """201 for a new record, 200 "already stored" for a resend of one the server has."""
    status = "stored" if created else "already_stored"
    return jsonify(status=status, message=message), 201 if created else 200


def refused_answer(errors: dict[str, list[str]], labels: dict[str, str], status: int = 400) -> tuple[Response, int]:
    """The reasons, field by field with the field's label, for the phone's "cần sửa" list."""
    reasons = [{"field": name, "label": labels.get(name, ""), "message": str(message)}
               for name, messages in errors.items() for message in messages]
    return jsonify(status="refused", errors=reasons), status


def wrong_author_answer() -> tuple[Response, int]:
    """Refused for the sender, kept on the phone for the user who filled it."""
    return jsonify(status="wrong_author", message=str(WRONG_AUTHOR)), 409


def field_labels(form) -> dict[str, str]:
    return {field.name: str(field.label.text) for field in form}
