"""Codes published by banks, wallets, NAPAS examples and peer libraries, read as bank apps read them.

Each entry of ``data/real_payloads.json`` names where it was published; the payload is kept
exactly as found. A transfer decodes to its bank BIN and account; anything else is refused
with the field at fault and a stable reason.
"""
import json
from pathlib import Path

import pytest

from market.vietqr import PayloadError, decode

CORPUS = json.loads((Path(__file__).parent / "data" / "real_payloads.json").read_text("utf-8"))


def test_the_corpus_is_large_and_sourced():
    assert len(CORPUS) >= 30
    assert len({entry["payload"] for entry in CORPUS}) == len(CORPUS)
    assert all(entry["source"].startswith("https://") for entry in CORPUS)


def outcome(text: str) -> dict[str, str]:
    try:
        payload = decode(text)
    except PayloadError as refusal:
        return {"refused": refusal.field, "reason": refusal.reason}
    refusal = payload.transfer_refusal
    if refusal is not None:
        return {"refused": refusal.field, "reason": refusal.reason}
    return {"bank_bin": payload.bank_bin, "account": payload.account}


@pytest.mark.parametrize("entry", CORPUS, ids=[entry["note"] for entry in CORPUS])
def test_real_payload_decodes_to_its_account_or_is_refused_precisely(entry):
    assert outcome(entry["payload"]) == entry["expect"]
