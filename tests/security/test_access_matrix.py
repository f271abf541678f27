"""Every route of the app, web and API, enumerated from ``app.url_map`` so that a new route
cannot escape: anonymous requests are refused unless the endpoint is public by design, and
with CSRF protection on every state-changing request without a token is refused and changes
nothing."""
import re

import pytest
from sqlalchemy import func, select

from market import create_app
from market.extensions import db
from security.world import build_world, path_for

# Open to anyone, each for a reason.
PUBLIC_ENDPOINTS = {
    "auth.login",  # the way in
    "health.healthz",  # the load balancer's probe
    "i18n.choose_language",
    "static",
    "offline.service_worker",  # the offline worker must be fetchable before sign-in
    "offline.fallback",  # kept on the phone for whoever uses it: no personal data
    "links.vendor", "links.vendor_report", "links.vendor_sign",  # the private token is the key
    "links.vendor_confirm_account",
    "api.docs", "api.openapi_json", "api.coverage_csv",  # the API's description and open data
}
# Not protected by the CSRF token, by design: a browser's cookie cannot make them act.
CSRF_EXEMPT_PREFIXES = ("api.",)  # a bearer token in the Authorization header, never the cookie
# A partner's HMAC signature or API key, never the cookie.
CSRF_EXEMPT_ENDPOINTS = {"payment_webhooks.payments", "payment_webhooks.payment_batch",
                         "payment_webhooks.partner_notices"}
CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def routes(app, methods):
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint)):
        for method in sorted(rule.methods & set(methods)):
            yield rule, method


def refused_anonymously(response) -> bool:
    if response.status_code in (401, 404):
        return True
    return response.status_code == 302 and "/login" in response.location


def test_every_route_refuses_an_anonymous_request_unless_public(client, app):
    world = build_world()
    db.session.commit()
    seen, open_routes, tried = set(), [], 0
    for rule, method in routes(app, ("GET", *CHANGING)):
        seen.add(rule.endpoint)
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(path_for(app, rule, world["arguments"], method), method=method)
        tried += 1
        if not refused_anonymously(response):
            open_routes.append((method, rule.rule, response.status_code))
    assert open_routes == []
    assert tried >= 80
    assert PUBLIC_ENDPOINTS <= seen  # the list names no route that is gone


def test_public_endpoints_answer_without_sign_in(client, app):
    world = build_world()
    db.session.commit()
    for endpoint in ("auth.login", "health.healthz", "links.vendor", "api.docs"):
        rule = next(app.url_map.iter_rules(endpoint))
        assert client.get(path_for(app, rule, world["arguments"], "GET")).status_code == 200


@pytest.fixture
def csrf_app(app):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True,
                       "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def sign_in_with_token(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": username, "password": "mat-khau-thu-nghiem",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_every_state_changing_request_without_a_csrf_token_is_refused(app, csrf_app):
    world = build_world()
    db.session.commit()
    before = row_counts()
    with csrf_app.app_context():
        client = csrf_app.test_client()
        assert client.post("/login", data={"username": "quan.tri",
                                           "password": "mat-khau-thu-nghiem"}).status_code == 400
        sign_in_with_token(client, world["admin"].username)
        signed_in = row_counts()
        accepted, tried = [], 0
        for rule, method in routes(csrf_app, CHANGING):
            if rule.endpoint.startswith(CSRF_EXEMPT_PREFIXES) or rule.endpoint in CSRF_EXEMPT_ENDPOINTS:
                continue
            path = path_for(csrf_app, rule, world["arguments"], method)
            response = client.open(path, method=method, data={"name": "x"})
            tried += 1
            if response.status_code != 400:
                accepted.append((method, rule.rule, response.status_code))
        assert accepted == []
        assert tried >= 30
        assert row_counts() == signed_in == before
        db.session.remove()
