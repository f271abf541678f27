"""Casso's transaction webhook (API v2).

A post is ``{"error": 0, "data": {...}}`` with one transaction (older posts carry a list):
``id``, ``reference``, ``description``, ``amount`` (negative for money going out),
``runningBalance``, ``transactionDateTime`` (local time), ``accountNumber``, ``bankName``,
``bankAbbreviation`` and the counter-account's fields. The description, balance and
counter-account are dropped. Authenticated by ``X-Casso-Signature: t=<ms>,v1=<hex>``: an
HMAC-SHA512, with the checksum key from Casso, of ``"<t>." +`` the JSON body with its keys
sorted at every level and no spaces. The ``casso-pg`` SDK only compares the older plain
``secure-token`` header, so the signature is checked here, in constant time.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping

from market.monitor.partners import common
from market.monitor.payments import WebhookRejected

_SIGNATURE = re.compile(r"t=(\d+),v1=([0-9a-fA-F]+)")


def signature(secret: str, timestamp: str, data: object) -> str:
    """The hex HMAC-SHA512 Casso sends for ``data`` (the parsed body) at ``timestamp``."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    message = f"{timestamp}.{canonical}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha512).hexdigest()


def authenticate(secret: str, headers: Mapping[str, str], body: bytes) -> None:
    match = _SIGNATURE.fullmatch(headers.get("X-Casso-Signature", "").strip())
    if match is None:
        raise WebhookRejected(401, "missing or malformed X-Casso-Signature")
    timestamp, given = match.groups()
    expected = signature(secret, timestamp, common.load_json(body))
    if not common.same_secret(expected, given.lower()):
        raise WebhookRejected(401, "bad signature")
    common.check_fresh(int(timestamp) / 1000)


def incoming(body: bytes) -> list[dict]:
    """The post's incoming transactions as notices (money going out is left out)."""
    data = common.load_json(body)
    transactions = data.get("data") if isinstance(data, dict) else None
    if isinstance(transactions, dict):
        transactions = [transactions]
    if not isinstance(transactions, list) or not all(isinstance(t, dict) for t in transactions):
        raise WebhookRejected(400, "expected a 'data' transaction")
    notices = []
    for transaction in transactions:
        try:
            amount = int(transaction["amount"])
        except (KeyError, TypeError, ValueError):
            raise WebhookRejected(400, "bad amount") from None
        if amount <= 0:
            continue
        bank = transaction.get("bankAbbreviation") or transaction.get("bankName", "")
        paid_at = common.local_time(transaction.get("transactionDateTime", ""))
        notices.append(common.notice(transaction.get("id"), transaction.get("accountNumber"),
                                     common.bank_bin(bank), amount, paid_at))
    return notices
