"""Payment webhooks (no session, no CSRF): the app's signed format, one notice
(``/payments``) or up to ``PAYMENT_BATCH_MAX`` (``/payments/batch``), and the providers' own
(``/partners/<id>``)."""
from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from market.api.problems import http_problem, problem_response
from market.extensions import db
from market.monitor.give_way import notices_take_turns
from market.monitor.partners import receive_partner_notices
from market.monitor.payments import (
    WebhookRejected,
    receive_payment_batch,
    receive_payment_notification,
)

bp = Blueprint("payment_webhooks", __name__, url_prefix="/api/v1/webhooks")


def _signed_answer(receive: Callable[[str, str, str, bytes], Any],
                   answer: Callable[[Any], dict]) -> ResponseReturnValue:
    """``receive`` the signed request and commit, or roll back and say why it was refused."""
    try:
        received = receive(request.headers.get("X-Partner", ""),
                           request.headers.get("X-Timestamp", ""),
                           request.headers.get("X-Signature", ""), request.get_data())
    except WebhookRejected as refusal:
        db.session.rollback()
        return problem_response(http_problem(refusal.status, "", refusal.message))
    db.session.commit()
    return jsonify(answer(received))


@bp.post("/payments")
def payments():
    return _signed_answer(receive_payment_notification, lambda outcome: {
        "id": outcome.notification_id, "status": outcome.status.value,
        "duplicate": outcome.duplicate})


@bp.post("/payments/batch")
def payment_batch():
    with notices_take_turns():
        return _signed_answer(receive_payment_batch, lambda answers: {"results": answers})


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
