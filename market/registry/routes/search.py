"""Finding a stall across every market in the user's scope."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from market.auth.access import Action, market_scope, requires
from market.models import Market
from market.registry import bp, queries
from market.registry.forms import StallFilterForm, options
from market.registry.ladder import with_steps
from market.registry.routes.common import page_number
from market.registry.routes.labels import stall_labels
from market.registry.tables import stall_lines

MIN_QUERY = 2


@bp.get("/search")
@requires(Action.READ)
def search():
    filters = StallFilterForm(request.args)
    names = stall_labels()
    filters.category.choices = options([("", _("Tất cả ngành hàng")), *names["category"].items()])
    filters.status.choices = options([("", _("Mọi tình trạng")), *names["status"].items()])
    text = (filters.q.data or "").strip()
    page = None
    if len(text) >= MIN_QUERY:
        query = queries.filtered(
            queries.stalls_with_tenants().where(market_scope(current_user),
                                                Market.retired_at.is_(None)),
            q=text, category=filters.category.data or "", status=filters.status.data or "",
        )
        page = with_steps(query, "", page_number(request.args.get("page")))
    elif text:
        filters.q.errors = [_("Nhập ít nhất %(n)s ký tự.", n=MIN_QUERY)]
    return render_template("registry/search.html", filters=filters, page=page,
                           lines=stall_lines(page.rows) if page else [])
