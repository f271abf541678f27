"""The API against its own published contract: schemathesis generates requests from
``/api/v1/openapi.json`` and calls the WSGI app in-process (no server).

Every answer must be documented (status, content type, headers) and match its schema; no 5xx;
schema-invalid input must be refused. Schema-valid input may still be refused with 422: the
bodies are deliberately loose so that the registry services, shared with the pages, give their
own messages (a taken stall code, an unknown BIN), and a cursor is opaque; so the "positive data
acceptance" check is left out.
The example count is kept small so the whole run stays within a minute or two on 2 cores.
"""
from __future__ import annotations

import pytest
import schemathesis
from factories import make_account, make_market, make_stall, make_user, make_vendor
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.helpers import bearer
from market.api.openapi import document
from market.models import Role

EXAMPLES = 12
OPERATIONS = [(path, method) for path, methods in document()["paths"].items() for method in methods]


@pytest.fixture
def admin_headers(app):
    """An administrator's token over a little registry, with the rate limit off."""
    market = make_market()
    stall = make_stall(market)
    make_account(make_vendor(stall=stall))
    headers = bearer(make_user(Role.ADMIN))
    saved = app.config.get("API_RATE_LIMIT")
    app.config["API_RATE_LIMIT"] = 0
    yield headers
    if saved is None:
        app.config.pop("API_RATE_LIMIT", None)
    else:
        app.config["API_RATE_LIMIT"] = saved


@pytest.mark.parametrize(("path", "method"), OPERATIONS,
                         ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_every_operation_keeps_its_contract(app, admin_headers, path, method):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    # Partners sign the webhook themselves; everything else goes with the token.
    headers = {} if path.startswith("/api/v1/webhooks/") else admin_headers

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    check()
