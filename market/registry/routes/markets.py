"""Markets: the list, one market's stalls table, create, edit, retire."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from market.admin.units import unit_options
from market.auth.access import (
    Action,
    market_or_404,
    requires,
    sees_full_account_numbers,
    visible_markets,
)
from market.extensions import db
from market.models import Market, Stall, UnitLevel
from market.registry import bp, queries
from market.registry import services as registry
from market.registry.forms import MarketForm, StallFilterForm, options
from market.registry.ladder import market_zones, with_steps
from market.registry.page_parts import kept_body
from market.registry.routes.common import commit_change, page_number
from market.registry.routes.labels import stall_labels
from market.registry.tables import stall_lines


@bp.get("/markets")
@requires(Action.READ)
def markets():
    per_page = 50
    query = visible_markets().order_by(Market.name, Market.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    number = page_number(request.args.get("page"))
    rows = list(db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    counts = dict(db.session.execute(
        select(Stall.market_id, func.count()).where(Stall.market_id.in_([m.id for m in rows]))
        .group_by(Stall.market_id)
    ).all())
    return render_template("registry/markets.html", markets=rows, counts=counts,
                           number=number, pages=max(1, -(-total // per_page)))


@bp.get("/markets/<int:market_id>")
@requires(Action.READ)
def market(market_id: int):
    market = market_or_404(market_id, Action.READ, joinedload(Market.commune))
    key = ("market", market.id, market.created_at, sees_full_account_numbers(current_user))
    body = kept_body(key, "registry/_market_body.html", lambda: stalls_table(market))
    return render_template("registry/market.html", market=market, body=body)


def stalls_table(market: Market) -> dict:
    """The filter bar and one page of the market's stalls, as this request asks."""
    filters = StallFilterForm(request.args)
    filters.zone.choices = options([("", _("Mọi khu")), *((z, z) for z in market_zones(market))])
    names = stall_labels()
    filters.category.choices = options([("", _("Tất cả ngành hàng")), *names["category"].items()])
    filters.status.choices = options([("", _("Mọi tình trạng")), *names["status"].items()])
    filters.step.choices = options([("", _("Mọi bước")), *names["step"].items()])
    query = queries.filtered(
        queries.stalls_with_tenants().where(Stall.market_id == market.id),
        by_account=sees_full_account_numbers(current_user), q=filters.q.data or "",
        zone=filters.zone.data or "",
        category=filters.category.data or "", status=filters.status.data or "",
    )
    page = with_steps(query, filters.step.data or "", page_number(request.args.get("page")),
                      market)
    return {"filters": filters, "page": page, "lines": stall_lines(page.rows)}


def commune_choices() -> list[SelectChoice]:
    return unit_options(UnitLevel.COMMUNE)


@bp.route("/markets/new", methods=["GET", "POST"])
@requires(Action.ADMINISTER)
def new_market():
    form = MarketForm()
    form.commune_id.choices = commune_choices()
    if form.validate_on_submit():
        market = commit_change(
            form,
            lambda: registry.create_market(
                code=form.code.data, name=form.name.data, market_class=form.market_class.data,
                address=form.address.data, commune_id=form.commune_id.data),
            lambda market: _("Đã thêm chợ %(name)s.", name=market.name))
        if market is not None:
            return redirect(url_for("registry.market", market_id=market.id))
    return render_template("registry/market_form.html", form=form, market=None), \
        400 if form.errors else 200


@bp.route("/markets/<int:market_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_REGISTRY)
def edit_market(market_id: int):
    market = market_or_404(market_id, Action.EDIT_REGISTRY)
    form = MarketForm(obj=market)
    form.commune_id.choices = commune_choices()
    if form.validate_on_submit() and commit_change(
        form,
        lambda: registry.update_market(
            market, code=form.code.data, name=form.name.data,
            market_class=form.market_class.data, address=form.address.data,
            commune_id=form.commune_id.data),
        lambda _market: _("Đã lưu thay đổi.")):
        return redirect(url_for("registry.market", market_id=market.id))
    return render_template("registry/market_form.html", form=form, market=market), \
        400 if form.errors else 200


@bp.post("/markets/<int:market_id>/retire")
@requires(Action.ADMINISTER)
def retire_market(market_id: int):
    market = market_or_404(market_id, Action.ADMINISTER)
    registry.retire_market(market)
    db.session.commit()
    flash(_("Đã ngừng theo dõi chợ %(name)s.", name=market.name), "info")
    return redirect(url_for("registry.markets"))
