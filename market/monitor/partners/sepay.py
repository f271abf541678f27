"""SePay's transaction webhook.

One transaction per post: ``id``, ``gateway`` (the bank), ``transactionDate`` (local time),
``accountNumber``, ``transferType`` (``in``/``out``), ``transferAmount``, ``referenceCode``,
``content`` and ``accumulated`` (the balance; both dropped). Authenticated either by
``Authorization: Apikey <key>`` or by HMAC-SHA256: ``X-SePay-Signature: sha256=<hex>`` over
``"<X-SePay-Timestamp>.<raw body>"`` with the shared key. SePay expects ``{"success": true}``.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from market.monitor.partners import common
from market.monitor.payments import WebhookRejected


def authenticate(secret: str, headers: Mapping[str, str], body: bytes) -> None:
    signature = headers.get("X-SePay-Signature", "")
    if signature:
        timestamp = headers.get("X-SePay-Timestamp", "")
        if not timestamp.isdigit():
            raise WebhookRejected(401, "bad X-SePay-Timestamp")
        message = timestamp.encode() + b"." + body
        expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
        if not common.same_secret(expected, signature.strip()):
            raise WebhookRejected(401, "bad signature")
        common.check_fresh(int(timestamp))
        return
    scheme, _, key = headers.get("Authorization", "").partition(" ")
    if scheme.casefold() != "apikey" or not common.same_secret(secret, key.strip()):
        raise WebhookRejected(401, "bad API key")


def incoming(body: bytes) -> list[dict]:
    """The post's transaction as a notice, or nothing for money going out."""
    data = common.load_json(body)
    if not isinstance(data, dict):
        raise WebhookRejected(400, "expected one transaction object")
    if str(data.get("transferType", "")).casefold() != "in":
        return []
    try:
        amount = int(data["transferAmount"])
    except (KeyError, TypeError, ValueError):
        raise WebhookRejected(400, "bad transferAmount") from None
    if amount <= 0:
        return []
    bank = common.bank_bin(data.get("gateway", ""))
    paid_at = common.local_time(data.get("transactionDate", ""))
    return [common.notice(data.get("id"), data.get("accountNumber"), bank, amount, paid_at)]
