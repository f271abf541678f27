"""The contract document and its page: generated from the code, served locally, linked."""
from __future__ import annotations

from factories import login, make_user

from market.api.operations import OPERATIONS
from market.models import Role


def test_the_document_is_openapi_3_1_and_lists_every_operation(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    declared = {("/api/v1" + op.path, op.method.lower()) for op in OPERATIONS}
    published = {(path, method) for path, methods in document["paths"].items()
                 for method in methods}
    assert published == declared | {("/api/v1/webhooks/payments", "post")}
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
    assert "<script" not in page and "https://" not in page


def test_the_menu_links_the_api_page_and_the_profile(client):
    login(client, make_user(Role.TEAM))
    page = client.get("/profile").get_data(as_text=True)
    menu = page.split('<nav class="mainnav">')[1].split("</nav>")[0]
    assert 'href="/api/v1/docs"' in menu and 'href="/profile"' in menu
