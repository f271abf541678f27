"""Finding a stall across every market in the user's scope."""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from market.auth.access import (
    Action,
    market_scope,
    requires,
    scope_key,
    sees_full_account_numbers,
)
from market.extensions import db
from market.models import Market
from market.registry import bp, queries
from market.registry.forms import SearchForm, options
from market.registry.ladder import with_steps
from market.registry.page_parts import kept_body
from market.registry.routes.common import page_number
from market.registry.routes.labels import stall_labels
from market.registry.tables import stall_lines

MIN_QUERY = 2
# Beyond SEARCH_WIDE_SCOPE markets in scope (50 by default), a search without a market code
# matches exact stall codes and account numbers only: a name search would read every stall.
WIDE_SCOPE = 50


@bp.get("/search")
@requires(Action.READ)
def search():
    key = ("search", scope_key(current_user), sees_full_account_numbers(current_user))
    body = kept_body(key, "registry/_search_body.html", found)
    return render_template("registry/search.html", body=body)


def found() -> dict:
    """The search form and one page of what it finds within the user's scope."""
    filters = SearchForm(request.args)
    names = stall_labels()
    filters.category.choices = options([("", _("Tất cả ngành hàng")), *names["category"].items()])
    filters.status.choices = options([("", _("Mọi tình trạng")), *names["status"].items()])
    text = (filters.q.data or "").strip()
    scope = [market_scope(current_user), Market.retired_at.is_(None)]
    market_code = (filters.market.data or "").strip().upper()
    if market_code:
        scope.append(Market.code == market_code)
    limit = current_app.config.get("SEARCH_WIDE_SCOPE", WIDE_SCOPE)
    wide = not market_code and db.session.scalar(select(func.count()).select_from(
        select(Market.id).where(*scope).limit(limit + 1).subquery())) > limit
    page = None
    if len(text) >= MIN_QUERY:
        full_numbers = sees_full_account_numbers(current_user)
        query = queries.stalls_with_tenants().where(*scope)
        if wide:
            query = query.where(queries.exact_condition(text, by_account=full_numbers))
        query = queries.filtered(query, by_account=full_numbers, q="" if wide else text,
                                 category=filters.category.data or "",
                                 status=filters.status.data or "")
        page = with_steps(query, "", page_number(request.args.get("page")))
    elif text:
        filters.q.errors = [_("Nhập ít nhất %(n)s ký tự.", n=MIN_QUERY)]
    return {"filters": filters, "page": page, "wide": wide,
            "lines": stall_lines(page.rows) if page else []}
