"""The contract document and its page: generated from the code, served locally, linked."""
from __future__ import annotations

import re

from factories import login, make_user

from market.api.operations import OPERATIONS
from market.models import Role


def test_the_document_is_openapi_3_1_and_lists_every_operation(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    declared = {("/api/v1" + op.path, op.method.lower()) for op in OPERATIONS}
    published = {(path, method) for path, methods in document["paths"].items()
                 for method in methods}
    assert published == declared | {("/api/v1/webhooks/payments", "post"),
                                     ("/api/v1/webhooks/payments/batch", "post")}
    stall = document["components"]["schemas"]["StallOut"]
    assert {"vendor", "account", "category"} <= set(stall["properties"])


def test_validation_problems_are_documented_with_the_problem_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    problem = document["paths"]["/api/v1/markets/{market_id}/stalls"]["post"]["responses"]["422"]
    assert problem["content"]["application/problem+json"]["schema"]["$ref"].endswith("/Problem")


def test_the_documentation_page_is_built_from_the_document(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/stalls/{stall_id}/ladder" in page
    assert "StallOut" in page and "Idempotency-Key" in page
    # Rendered on the server: no documentation viewer, only the site's own menu script.
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script src="/static/js/menu.js">'] and "https://" not in page


def test_the_menu_links_the_api_page_and_the_profile(client):
    login(client, make_user(Role.TEAM))
    page = client.get("/profile").get_data(as_text=True)
    menu = page.split('<nav class="mainnav" id="mainnav">')[1].split("</nav>")[0]
    assert 'href="/api/v1/docs"' in menu and 'href="/profile"' in menu


def test_the_docs_page_is_introduced_in_vietnamese(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    intro = page.split("<h1>")[1].split("<details")[0]
    assert "đọc và ghi sổ đăng ký qua API này" in intro and "Hồ sơ" in intro
