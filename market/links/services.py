"""Creating, finding and revoking vendor links; the token itself is never stored."""
from __future__ import annotations

import hashlib
import secrets

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select

from market import audit
from market.extensions import db
from market.models import Stall, Tenancy, VendorLink
from market.registry.services.vendors import revoke_links

TOKEN_BYTES = 24  # 32 URL-safe characters: far beyond guessing


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(stall: Stall) -> tuple[VendorLink, str]:
    """A new link for the stall; returns it with its token, shown once to print or send."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    creator = current_user.id if has_request_context() and current_user.is_authenticated \
        else None
    tenancy = db.session.scalar(select(Tenancy.id).where(Tenancy.stall_id == stall.id,
                                                          Tenancy.end_on.is_(None)))
    link = VendorLink(stall_id=stall.id, tenancy_id=tenancy, token_hash=token_hash(token),
                      created_by_id=creator)
    db.session.add(link)
    db.session.flush()
    audit.record("create", "vendor_link", link.id, market_id=stall.market_id,
                 new={"stall_id": stall.id})
    return link, token


def revoke_link(link: VendorLink) -> VendorLink:
    """The link stops working at once; the row stays for the audit."""
    revoke_links([link])
    return link


def active_link(token: str) -> VendorLink | None:
    """The unrevoked link with this token whose tenancy is still open, or None (the same
    answer for every failure)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(VendorLink).join(Tenancy, Tenancy.id == VendorLink.tenancy_id)
        .where(VendorLink.token_hash == token_hash(token), VendorLink.revoked_at.is_(None),
               Tenancy.end_on.is_(None))
    )
