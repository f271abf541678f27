"""Every route, for every role (and nobody), with hostile arguments: ids far past any
database integer, negative and zero ids, unicode, empty and overlong text, dates at the ends
of the calendar, a garbage cursor, deeply nested JSON. Whatever comes in, the answer is a
4xx with a message (or a 2xx/3xx), never a 5xx; under /api/v1 every error is a problem body.
Routes are read from ``app.url_map``, so a new route is crawled too."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from factories import PASSWORD, make_user

from market import create_app
from market.extensions import db
from market.models import Role
from security.world import build_world

HUGE = 2**63
NESTED = "[" * 100_000 + "]" * 100_000
HOSTILE_QUERY = {
    "market_id": HUGE, "stall_id": -1, "commune_id": 10**30, "unit": HUGE, "market": HUGE,
    "page": 10**30, "limit": 10**30, "cursor": "%%%&&&", "month": "9999-12",
    "from": "0001-01-01", "to": "9999-12-31", "day": "9999-12-31", "as_of": "0000-00-00",
    "q": "Chợ 💥 ' OR 1=1 --", "format": "../../etc/passwd", "zone": "\u0000", "next": "//x",
    "status": "☃", "category": "x" * 500, "step": "-1", "code": "", "days": HUGE,
}
# Ending the crawler's own session would turn the rest of the crawl into anonymous requests.
SKIPPED = {"auth.logout", "auth.logout_everywhere", "static"}
CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# SePay's and Casso's posts are answered in the shape those services expect, not as problems.
OWN_FORMAT = "/api/v1/webhooks/partners/"


def hostile_values(rule, world_arguments):
    """Three sets of URL arguments: the world's own ids, ids past any integer column, and
    strange text wherever the route takes text."""
    real = {name: world_arguments[name] for name in rule.arguments}
    huge = {name: HUGE if isinstance(value, int) else value for name, value in real.items()}
    odd = {name: 0 if isinstance(value, int) else "Chợ💥\u202e" + "x" * 300
           for name, value in real.items()}
    return [real, huge, odd]


def crawl(app, client, world) -> list[tuple]:
    failures = []
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for variant, values in enumerate(hostile_values(rule, world["arguments"])):
                try:
                    path = adapter.build(rule.endpoint, values, method=method)
                except ValueError:  # a converter that takes only a few words refuses it
                    continue
                path = f"{path}?{urlencode(HOSTILE_QUERY)}"
                if method in CHANGING:
                    response = client.open(path, method=method, data=NESTED,
                                           content_type="application/json")
                    failures += failed(method, rule.rule, variant, "json", response)
                    response = client.open(path, method=method, data={
                        key: str(value) for key, value in HOSTILE_QUERY.items()})
                else:
                    response = client.open(path, method=method)
                failures += failed(method, rule.rule, variant, "", response)
    return failures


def failed(method: str, route: str, variant: int, body: str, response) -> list[tuple]:
    """The request, when its answer is a server error or an API error without a problem body."""
    if response.status_code >= 500 or (
            route.startswith("/api/v1/") and not route.startswith(OWN_FORMAT)
            and response.status_code >= 400 and response.mimetype != "application/problem+json"):
        return [(method, route, variant, body, response.status_code, response.mimetype)]
    return []


@pytest.fixture(scope="module")
def served(app):
    """The same database served as in production, where an exception becomes a 500 answer
    (the test app lets it propagate instead), so that one crawl lists every failure."""
    return create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False,
                       "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                       "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})


def test_no_route_answers_a_hostile_request_with_a_server_error(served):
    app = served
    world = build_world()
    users = {
        "admin": world["admin"], "board": world["board"],
        "commune": make_user(Role.COMMUNE, unit=world["market"].commune),
        "team": make_user(Role.TEAM, markets=[world["market"]]),
    }
    db.session.commit()
    failures = [("anonymous", *failure) for failure in crawl(app, app.test_client(), world)]
    for role, user in users.items():
        client = app.test_client()
        assert client.post("/login", data={"username": user.username,
                                           "password": PASSWORD}).status_code == 302, role
        failures += [(role, *failure) for failure in crawl(app, client, world)]
    assert not failures, "\n".join(sorted({repr(failure[1:]) for failure in failures}))
