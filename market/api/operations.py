"""Declaring an API operation once: the Flask route, its input parsing and its place in the
OpenAPI document all come from the same ``@operation(...)`` call."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Response, abort, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json

from market.api import bp, idempotency
from market.api.problems import (
    INVALID,
    ApiProblem,
    bad_request,
    from_pydantic,
    from_registry_error,
    validation_problem,
)
from market.api.schemas import MAX_ID
from market.extensions import db
from market.registry.errors import RegistryError

JSON = "application/json"
FLASK_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    media_type: str = JSON
    public: bool = False
    idempotent: bool = False
    errors: tuple[int, ...] = ()
    path_parameters: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return FLASK_PARAMETER.sub(lambda m: "{" + m.group(2) + "}", self.rule)


OPERATIONS: list[Operation] = []
PUBLIC_ENDPOINTS: set[str] = set()


def operation(method: str, rule: str, *, summary: str, tag: str, description: str = "",
              query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, status: int = 200,
              media_type: str = JSON, public: bool = False, errors: tuple[int, ...] = ()):
    """Register ``view`` on the API blueprint and in the OpenAPI document.

    The view receives the path parameters, ``query=`` and ``body=`` (validated models) and
    returns a response model or a body already in its shape (``market.api.bodies``), alone
    or paired with headers, or a ready ``Response``. Operations that change data commit once
    here; creates (status 201) honour ``Idempotency-Key``.
    """

    def decorator(view: Callable[..., Any]):
        endpoint = view.__name__
        op = Operation(
            method=method, rule=rule, endpoint=f"{bp.name}.{endpoint}", summary=summary, tag=tag,
            description=description or (view.__doc__ or "").strip(), query=query, body=body,
            response=response, status=status, media_type=media_type, public=public,
            idempotent=method == "POST" and status == 201, errors=errors,
            path_parameters={m.group(2): m.group(1) or "string"
                             for m in FLASK_PARAMETER.finditer(rule)},
        )
        OPERATIONS.append(op)
        if public:
            PUBLIC_ENDPOINTS.add(op.endpoint)

        @wraps(view)
        def handle(**path: Any) -> Response:
            if any(isinstance(v, int) and v > MAX_ID for v in path.values()):
                abort(404)
            if method == "GET":
                return answer(op, view(**path, **parse(op)))
            return run_write(op, view, path)

        bp.add_url_rule(rule, endpoint=endpoint, view_func=handle, methods=[method])
        return view

    return decorator


def parse(op: Operation) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    try:
        if op.query is not None:
            args = request.args.to_dict()
            refuse_nul(args)
            arguments["query"] = op.query.model_validate(args)
        if op.body is not None:
            data = request.get_json(silent=True)
            if not isinstance(data, dict):
                raise bad_request(_l("Nội dung phải là một đối tượng JSON."))
            refuse_nul(data)
            arguments["body"] = op.body.model_validate(data)
    except ValidationError as error:
        raise from_pydantic(error) from None
    return arguments


def refuse_nul(data: Any, field: str = "") -> None:
    """PostgreSQL text cannot hold NUL characters: refuse them as input, not as a 5xx."""
    if isinstance(data, dict):
        for key, value in data.items():
            refuse_nul(value, str(key))
    elif isinstance(data, list):
        for value in data:
            refuse_nul(value, field)
    elif isinstance(data, str) and "\x00" in data:
        raise validation_problem([(field or "body", INVALID)])


def answer(op: Operation, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    headers: dict[str, str] = {}
    if isinstance(result, tuple):
        result, headers = result
    body = result.model_dump_json() if isinstance(result, BaseModel) else to_json(result)
    response = Response(body, op.status, mimetype=JSON)
    response.headers.update(headers)
    return response


def run_write(op: Operation, view: Callable[..., Any], path: dict[str, Any]) -> Response:
    """Validate, change, commit once; replay a stored answer for a repeated key."""
    replay = idempotency.replay() if op.idempotent else None
    if replay is not None:
        return replay
    try:
        response = answer(op, view(**path, **parse(op)))
    except RegistryError as error:
        db.session.rollback()
        raise from_registry_error(error) from None
    except ApiProblem:
        db.session.rollback()
        raise
    if op.idempotent:
        idempotency.remember(response)
    return idempotency.commit_or_replay(response) if op.idempotent else commit(response)


def commit(response: Response) -> Response:
    db.session.commit()
    return response
