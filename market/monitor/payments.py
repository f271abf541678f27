"""QR payments pushed by bank partners: signed notifications, counted once, never dropped.

A partner signs ``"<timestamp>.<body>"`` with HMAC-SHA256 and its secret and sends
``X-Partner``, ``X-Timestamp`` (Unix seconds) and ``X-Signature`` (hex). The body is one
notice ``{"transaction_id", "account_number", "bank_bin"?, "amount", "paid_at"}``, or, for
the batch form, ``{"notices": [notice, ...]}`` with up to ``PAYMENT_BATCH_MAX`` of them, each
answered on its own. ``amount`` is whole VND (0 to 9,999,999,999,999); ``paid_at`` is ISO 8601
with an offset, within ``PAYMENT_MAX_AGE_DAYS`` before now and not after now (plus the
timestamp's allowed skew).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, select

from market import kept
from market.extensions import db
from market.kept import Kept
from market.models import PaymentNotification, PaymentPartner, Stall, User, utcnow
from market.models.evidence import ActivitySource, NotificationStatus, PartnerKind
from market.monitor.activity import add_payments
from market.monitor.clock import local_day
from market.monitor.notices import (
    Notice,
    Outcome,
    answer_before_the_disk,
    record_notices,
)
from market.monitor.registry_lookup import Match, match_payments

MAX_AMOUNT = 9_999_999_999_999  # VietQR's 13 digits
_partners = Kept(64)
_payees = Kept(50_000)  # (database, BIN, account, day) → the stall it paid: about 15 MB


class WebhookRejected(Exception):
    """A notification refused as a whole: ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class NoticeRefused(ValueError):
    """One notice that cannot be recorded, and why (in the partner's terms)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 a partner sends for ``body`` at ``timestamp``."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def add_partner(name: str, kind: PartnerKind = PartnerKind.SIGNED, secret: str | None = None
                ) -> tuple[PaymentPartner, str]:
    """A new partner of a kind and its secret (shown once to the administrator). Flushes only.

    ``secret`` is the key a provider generated (Casso's checksum key, SePay's HMAC key);
    without one a fresh key is made for the administrator to give the provider.
    """
    name = name.strip()
    if not name or db.session.scalar(select(PaymentPartner).where(PaymentPartner.name == name)):
        raise ValueError(f"partner name {name!r} is empty or taken")
    secret = (secret or "").strip() or secrets.token_urlsafe(32)
    if len(secret) > 128:
        raise ValueError("the partner's key is longer than 128 characters")
    partner = PaymentPartner(name=name, kind=PartnerKind(kind), secret=secret)
    db.session.add(partner)
    db.session.flush()
    kept.registry_changed(db.session())  # every process asks for the partners afresh
    return partner, secret


def _partner(name: str) -> tuple[int, str] | None:
    """The active partner's id and secret, kept a short while per process (a partner's
    change forgets them everywhere, like a registry change)."""

    def ask() -> tuple[int, str] | None:
        row = db.session.execute(
            select(PaymentPartner.id, PaymentPartner.secret)
            .where(PaymentPartner.name == name, PaymentPartner.active,
                   PaymentPartner.kind == PartnerKind.SIGNED)
        ).first()
        return tuple(row) if row else None

    seconds = float(current_app.config.get("PAYMENT_PARTNER_CACHE_SECONDS", 60))
    return _partners.get((str(db.engine.url), name), ask, seconds=seconds)


def _authenticate(partner_name: str, timestamp: str, given: str, body: bytes) -> int:
    partner = _partner(partner_name)
    if partner is None or not hmac.compare_digest(signature(partner[1], timestamp, body), given):
        raise WebhookRejected(401, "bad partner or signature")
    try:
        sent = int(timestamp)
    except ValueError:
        raise WebhookRejected(401, "bad timestamp") from None
    if abs(time.time() - sent) > int(current_app.config["PAYMENT_WEBHOOK_MAX_SKEW_SECONDS"]):
        raise WebhookRejected(401, "timestamp outside the accepted window (replay?)")
    return partner[0]


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number (amount must be a whole number of VND)")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise WebhookRejected(400, f"body is not JSON: {error}") from None


def _amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise NoticeRefused("amount must be a whole number of VND")
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise NoticeRefused("amount must be a whole number of VND")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise NoticeRefused("amount must be a whole number of VND")
        value = value.strip()
    amount = int(value)
    if not 0 <= amount <= MAX_AMOUNT:
        raise NoticeRefused(f"amount must be between 0 and {MAX_AMOUNT} VND")
    return amount


def _paid_at(value: Any) -> datetime:
    try:
        paid_at = datetime.fromisoformat(str(value))
    except ValueError:
        raise NoticeRefused("paid_at must be an ISO 8601 time with an offset") from None
    if paid_at.tzinfo is None:
        raise NoticeRefused("paid_at needs a time zone offset")
    config = current_app.config
    days, skew = int(config["PAYMENT_MAX_AGE_DAYS"]), int(config["PAYMENT_WEBHOOK_MAX_SKEW_SECONDS"])
    now = utcnow()
    if not now - timedelta(days=days) <= paid_at <= now + timedelta(seconds=skew):
        raise NoticeRefused(f"paid_at must be within the last {days} days and not in the future")
    return paid_at.astimezone(UTC)


def _fields(data: Any) -> dict:
    """A notice's checked fields (without its stall), or ``NoticeRefused``."""
    if not isinstance(data, dict):
        raise NoticeRefused("a notice is a JSON object")
    missing = [k for k in ("transaction_id", "account_number", "amount", "paid_at") if k not in data]
    if missing:
        raise NoticeRefused("missing: " + ", ".join(missing))
    transaction_id = str(data["transaction_id"]).strip()
    account_number = str(data["account_number"]).strip()
    if not transaction_id or len(transaction_id) > 64:
        raise NoticeRefused("transaction_id must have 1 to 64 characters")
    if not account_number.isdigit() or len(account_number) > 19:
        raise NoticeRefused("account_number must be 1 to 19 digits")
    return {
        "transaction_id": transaction_id,
        "account_number": account_number,
        "bank_bin": str(data.get("bank_bin") or "").strip()[:6],
        "amount": _amount(data["amount"]),
        "paid_at": _paid_at(data["paid_at"]),
    }


def _notices(checked: list[dict]) -> list[Notice]:
    """The checked notices with the stall each pays (an account that pays no single stall
    leaves the notice quarantined)."""
    matches = _matches([_payee_key(f) for f in checked])
    return [Notice(**f, stall_id=matches[_payee_key(f)].stall_id, reason=matches[_payee_key(f)].reason)
            for f in checked]


def _matches(keys: list[tuple[str | None, str, date]]) -> dict[tuple[str | None, str, date], Match]:
    """``match_payments``, the stalls found kept a while per process: a stall's account is
    paid some thirty times a day, and finding its stall costs more than the rest of a notice.

    Only a stall found is kept, never "none" (an account registered a minute later must be
    found then); every kept stall is forgotten at each recorded change of the registry, in
    every process at once with Redis, and after ``PAYMENT_PAYEE_KEEP_SECONDS`` in any case
    (an hour with Redis, a minute without: an account is paid again within minutes at the
    market's busy hours, and within an hour at quiet ones)."""
    seconds = current_app.config["PAYMENT_PAYEE_KEEP_SECONDS"]
    if seconds is None:
        seconds = 3600 if current_app.config.get("REDIS_URL") else 60
    seconds = float(seconds)
    database = str(db.engine.url)
    found: dict[tuple[str | None, str, date], Match] = {}
    missing = []
    for key in dict.fromkeys(keys):
        stall_id = _payees.peek((database, *key)) if seconds > 0 else None
        if stall_id is None:
            missing.append(key)
        else:
            found[key] = Match(stall_id)
    if missing:
        for key, match in match_payments(missing).items():
            found[key] = match
            if match.stall_id is not None:
                _payees.put((database, *key), match.stall_id, seconds=seconds)
    return found


def _payee_key(fields: dict) -> tuple[str | None, str, date]:
    return fields["bank_bin"] or None, fields["account_number"], local_day(fields["paid_at"])


def receive_payment_notification(
    partner_name: str, timestamp: str, given_signature: str, body: bytes
) -> Outcome:
    """Check and record one notification; flushes, the caller commits.

    The same (partner, transaction_id) sent again is acknowledged and counted once. The
    payment goes to the stall whose payee the account was on the day it was paid; an account
    that was no single stall's payee that day is quarantined for the board with the reason.
    """
    partner_id = _authenticate(partner_name, timestamp, given_signature, body)
    try:
        checked = _fields(_json(body))
    except NoticeRefused as refusal:
        raise WebhookRejected(400, f"bad notification: {refusal}") from None
    answer_before_the_disk()
    return record_notices(partner_id, _notices([checked]))[0]


def record_notice(partner: PaymentPartner, data: dict) -> Outcome:
    """Record one checked notice for ``partner``; flushes, the caller commits.

    ``data`` holds exactly what the ladder needs: ``transaction_id`` (the partner's, which
    makes the notice count once), ``account_number``, ``bank_bin`` (may be empty),
    ``amount`` and ``paid_at`` (aware). Every partner kind comes through here.
    """
    return record_notices(partner.id, _notices([data]))[0]


def receive_payment_batch(
    partner_name: str, timestamp: str, given_signature: str, body: bytes
) -> list[dict]:
    """Check and record a batch ``{"notices": [...]}``; one answer per notice, in order:
    recorded (``applied`` or ``quarantined``, ``duplicate`` when already stored) or
    ``rejected`` with the reason. Flushes, the caller commits."""
    partner_id = _authenticate(partner_name, timestamp, given_signature, body)
    data = _json(body)
    items = data.get("notices") if isinstance(data, dict) else None
    most = int(current_app.config["PAYMENT_BATCH_MAX"])
    if not isinstance(items, list) or not 1 <= len(items) <= most:
        raise WebhookRejected(400, f"the body must be {{\"notices\": [...]}} with 1 to {most} notices")
    checked: list[dict] = []
    answers: list[dict] = []
    for item in items:
        try:
            checked.append(_fields(item))
            answers.append({})
        except NoticeRefused as refusal:
            tid = item.get("transaction_id") if isinstance(item, dict) else None
            answers.append({"transaction_id": tid, "status": "rejected", "detail": str(refusal)})
    outcomes = iter(record_notices(partner_id, _notices(checked)) if checked else ())
    fields = iter(checked)
    for answer in answers:
        if not answer:
            outcome = next(outcomes)
            answer.update(transaction_id=next(fields)["transaction_id"], id=outcome.notification_id,
                          status=outcome.status.value, duplicate=outcome.duplicate)
    return answers


def quarantined(*conditions: ColumnElement[bool]) -> list[PaymentNotification]:
    """Notifications waiting for the board (those matching ``conditions``), oldest first."""
    return list(
        db.session.scalars(
            select(PaymentNotification)
            .where(PaymentNotification.status == NotificationStatus.QUARANTINED, *conditions)
            .order_by(PaymentNotification.received_at)
            .limit(500)
        )
    )


def resolve_notification(notification: PaymentNotification, stall: Stall | None, user: User) -> None:
    """The board assigns a quarantined payment to a stall (counted then) or dismisses it."""
    if notification.status != NotificationStatus.QUARANTINED:
        return
    notification.resolved_at = utcnow()
    notification.resolved_by_id = user.id
    if stall is None:
        notification.status = NotificationStatus.DISMISSED
    else:
        notification.stall_id = stall.id
        notification.status = NotificationStatus.APPLIED
        add_payments(stall.id, local_day(notification.paid_at), ActivitySource.WEBHOOK, 1,
                     notification.amount)
    db.session.flush()

