"""The OpenAPI 3.1 document, built from the declared operations and their pydantic models."""
from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from market.api import schemas
from market.api.operations import JSON, OPERATIONS, Operation

REF = "#/components/schemas/{model}"
PROBLEM = "application/problem+json"
DESCRIPTIONS = {
    200: "OK", 201: "Created", 304: "Not Modified (the ETag still matches)",
    400: "Bad request", 401: "No valid bearer token", 403: "The role may not do this",
    404: "Not found, or outside the token's scope", 422: "Invalid input (field and message)",
    429: "Rate limit reached: wait Retry-After seconds",
}
INFO = {
    "title": "Chợ 4.0 API",
    "version": "1.0.0",
    "description": (
        "Read and write the market registry (markets, stalls, vendors, accounts, evidence) "
        "and read the adoption figures. Authenticate with a personal token made on /profile: "
        "`Authorization: Bearer <token>`; the token acts with its user's role and scope. "
        "Lists use cursor pagination (`next_cursor`), reads carry an `ETag`, creates accept "
        "an `Idempotency-Key`. Errors are RFC 9457 problem JSON, in Vietnamese unless "
        "`Accept-Language: en`. Dates are ISO 8601, amounts whole VND."
    ),
}


class PaymentNotificationIn(BaseModel):
    """A partner's payment notification, signed with HMAC-SHA256 over "<timestamp>.<body>".

    ``amount``: whole VND, 0 to 9,999,999,999,999. ``paid_at``: ISO 8601 with an offset,
    within the last ``PAYMENT_MAX_AGE_DAYS`` (400) days and not in the future."""

    transaction_id: str
    account_number: str
    bank_bin: str | None = None
    amount: int
    paid_at: str


class PaymentBatchIn(BaseModel):
    """Up to 1,000 notifications in one signed request, each answered on its own."""

    notices: list[PaymentNotificationIn]


class PaymentBatchAnswer(BaseModel):
    """``applied``, ``quarantined`` (with ``id`` and ``duplicate``) or ``rejected`` (with
    ``detail``)."""

    transaction_id: str | None = None
    status: str
    id: int | None = None
    duplicate: bool | None = None
    detail: str | None = None


class PaymentBatchOut(BaseModel):
    results: list[PaymentBatchAnswer]


class PaymentNotificationOut(BaseModel):
    id: int
    status: str
    duplicate: bool


def _webhook_path(operation: str, summary: str, body: str, answer: str) -> dict[str, Any]:
    """The payment webhooks belong to the monitor; they are published here with the rest."""
    headers = [{"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
               for name in ("X-Partner", "X-Timestamp", "X-Signature")]
    refusal = {"content": {PROBLEM: {"schema": {"$ref": REF.format(model="Problem")}}}}
    return {"post": {
        "operationId": operation, "tags": ["webhooks"], "summary": summary,
        "security": [], "parameters": headers,
        "requestBody": {"required": True, "content": {JSON: {
            "schema": {"$ref": REF.format(model=body)}}}},
        "responses": {
            "200": {"description": "Recorded (or a duplicate, counted once)", "content": {
                JSON: {"schema": {"$ref": REF.format(model=answer)}}}},
            "400": {"description": "Malformed notification", **refusal},
            "401": {"description": "Unknown partner, bad signature or stale timestamp", **refusal},
        },
    }}


def _parameters(op: Operation, components: dict[str, Any]) -> list[dict[str, Any]]:
    parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 0, "maximum": schemas.MAX_ID}
         if converter == "int" else {"type": "string"}}
        for name, converter in op.path_parameters.items()
    ]
    if op.query is not None:
        schema = op.query.model_json_schema(by_alias=True, ref_template=REF)
        components.update(schema.pop("$defs", {}))
        required = set(schema.get("required", ()))
        for name, prop in schema["properties"].items():
            prop.pop("title", None)
            description = prop.pop("description", None)
            parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description:
                parameter["description"] = description
            parameters.append(parameter)
    if op.idempotent:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 100},
                           "description": "Repeat the create safely: same key and body, same answer"})
    return parameters


def _responses(op: Operation, refs: dict[Any, str]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": DESCRIPTIONS.get(op.status, "OK")}
    if op.response is not None:
        success["content"] = {op.media_type: {"schema": {"$ref": refs[(op.response, "serialization")]}}}
    elif op.media_type != JSON:
        success["content"] = {op.media_type: {"schema": {"type": "string"}}}
    if op.method == "GET":
        success["headers"] = {"ETag": {"schema": {"type": "string"}}}
    responses = {str(op.status): success}
    if op.method == "GET" and not op.public:
        responses["304"] = {"description": DESCRIPTIONS[304]}
    problem = {PROBLEM: {"schema": {"$ref": refs[(schemas.Problem, "serialization")]}}}
    codes = set(op.errors) | ({422} if op.query is not None or op.body is not None else set())
    for code in sorted(codes):
        responses[str(code)] = {"description": DESCRIPTIONS[code], "content": problem}
        if code == 429:
            responses[str(code)]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return responses


def _operation(op: Operation, refs: dict[Any, str], components: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.endpoint.split(".", 1)[1],
        "tags": [op.tag],
        "summary": op.summary,
        "parameters": _parameters(op, components),
        "responses": _responses(op, refs),
    }
    if op.description:
        spec["description"] = op.description
    if op.public:
        spec["security"] = []
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {
            JSON: {"schema": {"$ref": refs[(op.body, "validation")]}}}}
    return spec


@cache
def document() -> dict[str, Any]:
    """The whole document; built once per process (operations are fixed at import)."""
    models: list[tuple[type[BaseModel], str]] = [(schemas.Problem, "serialization")]
    models += [(m, "serialization") for m in (PaymentNotificationOut, PaymentBatchOut)]
    models += [(PaymentNotificationIn, "validation"), (PaymentBatchIn, "validation")]
    for op in OPERATIONS:
        if op.response is not None:
            models.append((op.response, "serialization"))
        if op.body is not None:
            models.append((op.body, "validation"))
    keys, definitions = models_json_schema(list(dict.fromkeys(models)), ref_template=REF)
    refs = {key: value["$ref"] for key, value in keys.items()}
    components: dict[str, Any] = dict(definitions.get("$defs", {}))
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault("/api/v1" + op.path, {})[op.method.lower()] = _operation(op, refs,
                                                                                 components)
    paths["/api/v1/webhooks/payments"] = _webhook_path(
        "receive_payment_notification", "A partner's QR payment notification",
        "PaymentNotificationIn", "PaymentNotificationOut")
    paths["/api/v1/webhooks/payments/batch"] = _webhook_path(
        "receive_payment_batch", "Up to 1,000 QR payment notifications, answered one by one",
        "PaymentBatchIn", "PaymentBatchOut")
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
