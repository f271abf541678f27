"""The stalls tables of the registry pages, rendered once per state of the registry.

A board opens the same market's table over and over while it works through it; rendering fifty
rows with their tenant, account and step costs several times the rest of the page. Every change
of a market, stall, vendor, tenancy, account or user writes an audit event in the same
transaction (``market.audit``), so the newest event names the state of the registry: a table
rendered under that state stays right until the next event. The adoption steps in the table move
with evidence instead (inspections, payments), which writes no audit event: a table is kept at
most ``REGISTRY_STEP_CACHE_SECONDS``, as long as the steps themselves are (``ladder``).

Two changes committed close together in the opposite order of their audit ids could leave one
unseen until then too; the stall page itself always reads afresh.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from market import audit
from market.extensions import db
from market.kept import Kept
from market.registry.ladder import step_seconds

_bodies = Kept(512)


def kept_body(key: tuple[Hashable, ...], template: str, context: Callable[[], dict]) -> Markup:
    """``template`` rendered with ``context()`` for ``key``, this request's arguments and
    language, once per state of the registry."""
    arguments = tuple(sorted(request.args.items(multi=True)))
    return _bodies.get(
        (*key, arguments, str(get_locale())),
        lambda: Markup(render_template(template, **context())),
        state=(str(db.engine.url), audit.newest()), seconds=step_seconds(),
    )
