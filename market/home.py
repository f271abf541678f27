"""``/``: where each person starts. Anonymous visitors go to the sign-in page."""
from flask import Blueprint, redirect, url_for
from flask_login import current_user
from sqlalchemy import select

from market.auth.access import visible_markets
from market.extensions import db
from market.models import Market, Role

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role in (Role.BOARD, Role.TEAM):
        # Most boards and teams look after one market: straight to its stalls.
        ids = db.session.scalars(
            select(Market.id).where(Market.id.in_(visible_markets().with_only_columns(Market.id)))
            .limit(2)
        ).all()
        if len(ids) == 1:
            return redirect(url_for("registry.market", market_id=ids[0]))
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.users"))
    return redirect(url_for("registry.markets"))
