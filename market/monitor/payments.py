"""QR payments pushed by bank partners: signed notifications, counted once, never dropped.

A partner signs ``"<timestamp>.<body>"`` with HMAC-SHA256 and its secret and sends
``X-Partner``, ``X-Timestamp`` (Unix seconds) and ``X-Signature`` (hex) with a JSON body
``{"transaction_id", "account_number", "bank_bin"?, "amount", "paid_at"}``.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from market.extensions import db
from market.models import PaymentNotification, PaymentPartner, Stall, User, utcnow
from market.models.evidence import ActivitySource, NotificationStatus, PartnerKind
from market.monitor.activity import add_payments
from market.monitor.clock import local_day
from market.monitor.registry_lookup import match_payment


class WebhookRejected(Exception):
    """A notification refused as a whole: ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Outcome:
    notification_id: int
    status: NotificationStatus
    duplicate: bool


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
    return partner, secret


def _authenticate(partner_name: str, timestamp: str, given: str, body: bytes) -> PaymentPartner:
    partner = db.session.scalar(select(PaymentPartner).where(
        PaymentPartner.name == partner_name, PaymentPartner.active,
        PaymentPartner.kind == PartnerKind.SIGNED))
    if partner is None or not hmac.compare_digest(signature(partner.secret, timestamp, body), given):
        raise WebhookRejected(401, "bad partner or signature")
    try:
        sent = int(timestamp)
    except ValueError:
        raise WebhookRejected(401, "bad timestamp") from None
    if abs(time.time() - sent) > int(current_app.config["PAYMENT_WEBHOOK_MAX_SKEW_SECONDS"]):
        raise WebhookRejected(401, "timestamp outside the accepted window (replay?)")
    return partner


def _parse(body: bytes) -> dict:
    try:
        data = json.loads(body)
        transaction_id = str(data["transaction_id"]).strip()
        account_number = str(data["account_number"]).strip()
        amount = int(data["amount"])
        paid_at = datetime.fromisoformat(str(data["paid_at"]))
    except (ValueError, KeyError, TypeError) as error:
        raise WebhookRejected(400, f"bad notification: {error}") from None
    if paid_at.tzinfo is None:
        raise WebhookRejected(400, "paid_at needs a time zone offset")
    if not transaction_id or len(transaction_id) > 64 or not account_number.isdigit() or amount < 0:
        raise WebhookRejected(400, "bad transaction_id, account_number or amount")
    bank_bin = str(data.get("bank_bin") or "").strip()
    return {
        "transaction_id": transaction_id,
        "account_number": account_number[:19],
        "bank_bin": bank_bin[:6],
        "amount": amount,
        "paid_at": paid_at.astimezone(UTC),
    }


def receive_payment_notification(
    partner_name: str, timestamp: str, given_signature: str, body: bytes
) -> Outcome:
    """Check and record one notification; flushes, the caller commits.

    The same (partner, transaction_id) sent again is acknowledged and counted once. The
    payment goes to the stall whose payee the account was on the day it was paid; an account
    that was no single stall's payee that day is quarantined for the board with the reason.
    """
    partner = _authenticate(partner_name, timestamp, given_signature, body)
    return record_notice(partner, _parse(body))


def record_notice(partner: PaymentPartner, data: dict) -> Outcome:
    """Record one checked notice for ``partner``; flushes, the caller commits.

    ``data`` holds exactly what the ladder needs: ``transaction_id`` (the partner's, which
    makes the notice count once), ``account_number``, ``bank_bin`` (may be empty),
    ``amount`` and ``paid_at`` (aware). Every partner kind comes through here.
    """
    existing = _find(partner.id, data["transaction_id"])
    if existing is not None:
        return Outcome(existing.id, existing.status, duplicate=True)
    match = match_payment(data["bank_bin"] or None, data["account_number"], local_day(data["paid_at"]))
    notification = PaymentNotification(
        partner_id=partner.id,
        stall_id=match.stall_id,
        status=NotificationStatus.APPLIED if match.stall_id else NotificationStatus.QUARANTINED,
        reason=match.reason,
        **data,
    )
    try:
        with db.session.begin_nested():
            db.session.add(notification)
            db.session.flush()
    except IntegrityError:  # the same transaction arrived at another worker just now
        existing = _find(partner.id, data["transaction_id"])
        return Outcome(existing.id, existing.status, duplicate=True)
    if notification.stall_id is not None:
        _apply(notification)
    return Outcome(notification.id, notification.status, duplicate=False)


def _find(partner_id: int, transaction_id: str) -> PaymentNotification | None:
    return db.session.scalar(
        select(PaymentNotification).where(
            PaymentNotification.partner_id == partner_id,
            PaymentNotification.transaction_id == transaction_id,
        )
    )


def _apply(notification: PaymentNotification) -> None:
    add_payments(
        notification.stall_id, local_day(notification.paid_at), ActivitySource.WEBHOOK, 1,
        notification.amount,
    )


def quarantined() -> list[PaymentNotification]:
    """Notifications waiting for the board, oldest first."""
    return list(
        db.session.scalars(
            select(PaymentNotification)
            .where(PaymentNotification.status == NotificationStatus.QUARANTINED)
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
        _apply(notification)
    db.session.flush()

