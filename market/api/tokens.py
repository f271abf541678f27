"""Personal API tokens: created and revoked by their user, kept only as a SHA-256."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from market.extensions import db
from market.models import ApiToken, User, utcnow
from market.registry.errors import RegistryError

TOKEN_PREFIX = "cho40_"
# Writing last_used_at on every call would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plain token is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise RegistryError("name", _l("Vui lòng đặt tên cho khóa (ví dụ: ứng dụng của phường)."))
    if len(name) > 60:
        raise RegistryError("name", _l("Tối đa %(limit)s ký tự.", limit=60))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(plain),
                     prefix=plain[: len(TOKEN_PREFIX) + 6])
    db.session.add(token)
    db.session.flush()
    return token, plain


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ))


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens; None when it is not theirs."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


# Every API call runs this statement: built once, so that a call does not pay for building it
# and for SQLAlchemy's walk over a new statement to find its compiled form.
ACTIVE_TOKEN_AND_USER = (
    select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
           User.active.is_(True))
)


def token_user(plain: str) -> tuple[ApiToken, User, bool] | None:
    """The active token and active user behind a presented token, or None; the flag says
    whether ``last_used_at`` moved (and so whether there is something to commit)."""
    row = db.session.execute(ACTIVE_TOKEN_AND_USER, {"token_hash": hash_token(plain)}).first()
    if row is None:
        return None
    token, user = row
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at <= LAST_USED_PRECISION:
        return token, user, False
    token.last_used_at = now
    db.session.flush()
    return token, user, True
