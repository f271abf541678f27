"""Every API call: a bearer token (never the session cookie), the rate limit, ETags."""
from __future__ import annotations

from flask import Response, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from market.api import ratelimit
from market.api.operations import PUBLIC_ENDPOINTS
from market.api.problems import ApiProblem, from_http, problem_response
from market.api.tokens import token_user
from market.extensions import db


def authenticate() -> None:
    """Act as the token's user for this request.

    The session cookie is ignored on purpose: the API is exempt from CSRF, so a browser's
    cookie must not be able to make it act.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    found = token_user(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if found is None:
        raise ApiProblem(401, "unauthorized", _l("Chưa xác thực"),
                         _l("Cần khóa API hợp lệ: Authorization: Bearer <khóa>."),
                         headers={"WWW-Authenticate": 'Bearer realm="api"'})
    _token, user, touched = found
    wait = ratelimit.retry_after(user.id)
    if wait is not None:
        raise ApiProblem(429, "rate-limited", _l("Quá nhiều yêu cầu"),
                         _l("Vui lòng thử lại sau %(seconds)s giây.", seconds=wait),
                         headers={"Retry-After": str(wait)})
    if touched:
        db.session.commit()  # at most every few minutes per token
    # Flask-Login keeps the request's user in g; setting it bypasses the session loader.
    g._login_user = user


def conditional(response: Response) -> Response:
    """Reads carry an ETag; a matching ``If-None-Match`` gets 304 without the body."""
    if request.method == "GET" and response.status_code == 200 and not response.direct_passthrough:
        response.add_etag()
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.update(("Authorization", "Accept-Language"))
        response.make_conditional(request)
    return response


def handle_problem(problem: ApiProblem) -> Response:
    return problem_response(problem)


def handle_http(error: HTTPException) -> Response:
    return problem_response(from_http(error))
