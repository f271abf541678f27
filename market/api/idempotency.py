"""``Idempotency-Key`` on creates: a retried request gets the first answer, not a duplicate.

The key is scoped to the user; the stored request hash covers method, path and the JSON body
(keys sorted), so the same key with another body is refused with 422.
"""
from __future__ import annotations

import hashlib
import json

from flask import Response, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from market.api.problems import ApiProblem, bad_request
from market.extensions import db
from market.models import IdempotentRequest

HEADER = "Idempotency-Key"


def request_key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 100:
        raise bad_request(_l("Idempotency-Key phải có từ 1 đến 100 ký tự."))
    return key


def request_hash() -> str:
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False) if body is not None else (
        request.get_data(as_text=True))
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def replay() -> Response | None:
    """The stored answer for this key, None for a new key, 422 for a key reused otherwise."""
    key = request_key()
    if key is None:
        return None
    stored = db.session.scalar(select(IdempotentRequest).where(
        IdempotentRequest.user_id == current_user.id, IdempotentRequest.key == key))
    if stored is None:
        return None
    if stored.request_hash != request_hash():
        raise ApiProblem(422, "idempotency-key-reused", _l("Khóa Idempotency-Key đã được dùng"),
                         _l("Khóa này đã được dùng cho một yêu cầu khác."))
    response = Response(stored.body, stored.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    if stored.location:
        response.headers["Location"] = stored.location
    return response


def remember(response: Response) -> None:
    """Keep a successful answer in the same transaction as the change it reports."""
    key = request_key()
    if key is None or response.status_code >= 300:
        return
    db.session.add(IdempotentRequest(
        user_id=current_user.id, key=key, request_hash=request_hash(),
        status=response.status_code, body=response.get_data(as_text=True),
        location=response.headers.get("Location", ""),
    ))


def commit_or_replay(response: Response) -> Response:
    """Commit; when a concurrent request with the same key won, answer as it did."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = replay()
        if stored is None:
            raise
        return stored
    return response
