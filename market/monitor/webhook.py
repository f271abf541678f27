"""Payment webhooks (no session, no CSRF): the app's signed format, one notice
(``/payments``) or up to ``PAYMENT_BATCH_MAX`` (``/payments/batch``), and the providers' own
(``/partners/<id>``)."""
from flask import Blueprint, jsonify, request

from market.extensions import db
from market.monitor.partners import receive_partner_notices
from market.monitor.payments import (
    WebhookRejected,
    receive_payment_batch,
    receive_payment_notification,
)

bp = Blueprint("payment_webhooks", __name__, url_prefix="/api/v1/webhooks")


def _signed() -> tuple[str, str, str, bytes]:
    return (request.headers.get("X-Partner", ""), request.headers.get("X-Timestamp", ""),
            request.headers.get("X-Signature", ""), request.get_data())


@bp.post("/payments")
def payments():
    try:
        outcome = receive_payment_notification(*_signed())
    except WebhookRejected as refusal:
        db.session.rollback()
        return jsonify(status=refusal.status, detail=refusal.message), refusal.status
    db.session.commit()
    return jsonify(id=outcome.notification_id, status=outcome.status.value, duplicate=outcome.duplicate)


@bp.post("/payments/batch")
def payment_batch():
    try:
        answers = receive_payment_batch(*_signed())
    except WebhookRejected as refusal:
        db.session.rollback()
        return jsonify(status=refusal.status, detail=refusal.message), refusal.status
    db.session.commit()
    return jsonify(results=answers)


@bp.post("/partners/<int:partner_id>")
def partner_notices(partner_id: int):
    """A SePay or Casso post, authenticated by the partner's key; answered as they expect."""
    try:
        receive_partner_notices(partner_id, request.headers, request.get_data())
    except WebhookRejected as refusal:
        db.session.rollback()
        return jsonify(success=False, message=refusal.message), refusal.status
    db.session.commit()
    return jsonify(success=True)
