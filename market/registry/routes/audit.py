"""The audit trail page: who changed what, when, old → new (a board sees its markets only)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from market.auth.access import Action, market_scope, requires
from market.extensions import db
from market.ids import id_arg
from market.models import AuditEvent, Market, Role, User
from market.registry import bp
from market.registry.routes.common import page_number

ENTITIES = ("market", "stall", "vendor", "tenancy", "bank_account", "user", "vendor_link",
            "admin_unit")
PER_PAGE = 50


@bp.get("/audit")
@requires(Action.EDIT_REGISTRY)
def audit():
    query = select(AuditEvent)
    if current_user.role != Role.ADMIN:
        query = query.where(AuditEvent.market_id.in_(select(Market.id).where(
            market_scope(current_user))))
    entity = request.args.get("entity", "")
    if entity in ENTITIES:
        query = query.where(AuditEvent.entity == entity)
    market_id = id_arg("market")
    if market_id is not None:
        query = query.where(AuditEvent.market_id == market_id)
    actor = request.args.get("actor", "").strip()
    if actor:
        query = query.where(AuditEvent.actor_id.in_(
            select(User.id).where(func.lower(User.username) == actor.lower())))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    number = page_number(request.args.get("page"))
    actor_user, event_market = aliased(User), aliased(Market)
    rows = db.session.execute(
        query.add_columns(actor_user.username, event_market.code)
        .outerjoin(actor_user, actor_user.id == AuditEvent.actor_id)
        .outerjoin(event_market, event_market.id == AuditEvent.market_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    ).all()
    markets = db.session.scalars(
        select(Market).where(market_scope(current_user)).order_by(Market.name).limit(500))
    return render_template(
        "registry/audit.html", rows=rows, entities=ENTITIES, markets=list(markets),
        chosen={"entity": entity, "market": market_id, "actor": actor},
        number=number, pages=max(1, -(-total // PER_PAGE)),
    )
