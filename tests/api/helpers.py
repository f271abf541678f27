"""Helpers of the API tests: a token per user, made by the profile page's service."""
from __future__ import annotations

from market.api.tokens import create_token
from market.extensions import db


def bearer(user, name: str = "thử nghiệm") -> dict[str, str]:
    """Headers carrying a new token of ``user``; commits what the test made so far."""
    _token, plain = create_token(user, name)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}
