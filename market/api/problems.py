"""Errors as RFC 9457 problem JSON, in Vietnamese unless the client asks for English."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from market.registry.errors import RegistryError

PROBLEM_TYPE = "/api/v1/problems/"
MISSING = _l("Vui lòng nhập thông tin này.")
INVALID = _l("Giá trị không hợp lệ.")
UNKNOWN = _l("Không thể thay đổi thông tin này.")


class ApiProblem(Exception):
    """Raised by API views: answered as problem JSON with ``status``."""

    def __init__(self, status: int, kind: str, title: object, detail: object = "",
                 errors: list[tuple[str, object]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(kind)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def response_language() -> str:
    """English when the client prefers it over Vietnamese; Vietnamese otherwise."""
    best = request.accept_languages.best_match(["vi", "en"], default="vi")
    return best or "vi"


def problem_response(problem: ApiProblem) -> Response:
    language = response_language()
    with force_locale(language):
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE + problem.kind,
            "title": str(problem.title),
            "status": problem.status,
            "detail": str(problem.detail),
        }
        if problem.errors:
            errors = [{"field": field, "message": str(message)} for field, message in problem.errors]
            body.update(field=errors[0]["field"], message=errors[0]["message"], errors=errors)
    response = Response(json.dumps(body, ensure_ascii=False), problem.status,
                        mimetype="application/problem+json")
    response.headers.update(problem.headers)
    response.headers["Content-Language"] = language
    return response


def validation_problem(errors: list[tuple[str, object]]) -> ApiProblem:
    return ApiProblem(422, "validation", _l("Dữ liệu không hợp lệ"),
                      _l("Vui lòng sửa các trường được nêu."), errors)


def from_registry_error(error: RegistryError) -> ApiProblem:
    return validation_problem([(error.field, error.message)])


def from_pydantic(error: ValidationError) -> ApiProblem:
    """Pydantic's messages are English only: each is replaced by the form's wording."""
    errors = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "body"
        kind = item["type"]
        message = MISSING if kind == "missing" else UNKNOWN if kind == "extra_forbidden" else INVALID
        errors.append((field, message))
    return validation_problem(errors)


def from_http(error: HTTPException) -> ApiProblem:
    return http_problem(error.code or 500, error.name)


def http_problem(status: int, name: str, detail: object = "") -> ApiProblem:
    """The problem of an HTTP error status (``name``: the title when it has none of ours)."""
    titles = {
        400: _l("Yêu cầu không hợp lệ"),
        401: _l("Chưa xác thực"),
        403: _l("Không có quyền"),
        404: _l("Không tìm thấy"),
        405: _l("Phương thức không được hỗ trợ"),
        413: _l("Dữ liệu gửi lên quá lớn"),
        415: _l("Kiểu dữ liệu không được hỗ trợ"),
        422: _l("Dữ liệu không hợp lệ"),
        500: _l("Lỗi máy chủ"),
        503: _l("Dịch vụ tạm thời không sẵn sàng"),
    }
    return ApiProblem(status, f"http-{status}", titles.get(status, name), detail)


def bad_request(detail: object) -> ApiProblem:
    return ApiProblem(400, "bad-request", _l("Yêu cầu không hợp lệ"), detail)
