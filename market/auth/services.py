"""Signing in, and ending a user's sessions."""
from __future__ import annotations

import secrets
from functools import cache

from flask import session
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from market import audit
from market.extensions import db
from market.models import ApiToken, User, utcnow

SESSION_VERSION_KEY = "_session_version"


@cache
def _dummy_hash() -> str:
    """A hash of a random password made the way users' are, checked for unknown usernames."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure).

    An unknown username costs the same password hash as a known one, so the time of the
    answer does not tell which usernames exist.
    """
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def remember_session_version(user: User) -> None:
    """Tie the session just opened to the user's current session version."""
    session[SESSION_VERSION_KEY] = user.session_version


def end_sessions(user: User) -> None:
    """Every session of the user opened before now stops working, on the server: a copy of
    a session cookie taken before is refused from then on (``load_user``)."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


def end_all_sessions(user: User) -> None:
    """Every session and every API token of the user stops working.

    Not audited here: deactivation and password resets call it inside their own audited
    change; ``sign_out_everywhere`` is the user's own request.
    """
    end_sessions(user)
    now = utcnow()
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                          ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
    db.session.flush()


def sign_out_everywhere(user: User) -> None:
    """The user's own "sign out everywhere", audited."""
    old = user.session_version
    end_all_sessions(user)
    audit.record("update", "user", user.id, old={"session_version": old},
                 new={"session_version": user.session_version})


def load_user(user_id: str) -> User | None:
    """The session's user, if still active and the session not ended by ``end_all_sessions``."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active:
        return None
    if session.get(SESSION_VERSION_KEY) != user.session_version:
        return None
    return user
