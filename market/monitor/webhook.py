"""``POST /api/v1/webhooks/payments``: a partner's payment notification (no session, no CSRF)."""
from flask import Blueprint, jsonify, request

from market.extensions import db
from market.monitor.payments import WebhookRejected, receive_payment_notification

bp = Blueprint("payment_webhooks", __name__, url_prefix="/api/v1/webhooks")


@bp.post("/payments")
def payments():
    try:
        outcome = receive_payment_notification(
            request.headers.get("X-Partner", ""),
            request.headers.get("X-Timestamp", ""),
            request.headers.get("X-Signature", ""),
            request.get_data(),
        )
    except WebhookRejected as refusal:
        db.session.rollback()
        return jsonify(status=refusal.status, detail=refusal.message), refusal.status
    db.session.commit()
    return jsonify(id=outcome.notification_id, status=outcome.status.value, duplicate=outcome.duplicate)
