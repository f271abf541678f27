"""What the provider adapters share: freshness, local times, bank names, the notice itself."""
from __future__ import annotations

import hmac
import json
import time
from datetime import UTC, datetime

from flask import current_app

from market.monitor.clock import zone
from market.monitor.payments import WebhookRejected
from market.vietqr import all_banks


def check_fresh(sent_seconds: float) -> None:
    """Refuse a signature made outside the accepted window (a replayed request)."""
    if abs(time.time() - sent_seconds) > int(current_app.config["PAYMENT_WEBHOOK_MAX_SKEW_SECONDS"]):
        raise WebhookRejected(401, "timestamp outside the accepted window (replay?)")


def same_secret(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def load_json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        raise WebhookRejected(400, "the body is not JSON") from None


def local_time(text: str) -> datetime:
    """A provider's "2024-10-03 15:06:37", a local (Vietnam) time, as an aware UTC time."""
    try:
        moment = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise WebhookRejected(400, f"bad transaction time {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    return moment.astimezone(UTC)


def bank_bin(name: str) -> str:
    """The BIN of the bank a provider names by code or short name ("VPB", "Vietcombank")."""
    wanted = "".join(str(name or "").casefold().split())
    for bank in all_banks():
        if wanted and wanted in {bank.code.casefold(), "".join(bank.short_name.casefold().split())}:
            return bank.bin
    return ""


def notice(transaction_id: object, account_number: object, bank: str, amount: int,
           paid_at: datetime) -> dict:
    """The app's notice: only what the ladder needs."""
    transaction = "" if transaction_id is None else str(transaction_id).strip()
    account = "".join(str(account_number or "").split())
    if not transaction or len(transaction) > 64 or not account.isalnum() or len(account) > 19:
        raise WebhookRejected(400, "bad transaction id or account number")
    return {"transaction_id": transaction, "account_number": account, "bank_bin": bank,
            "amount": amount, "paid_at": paid_at}
