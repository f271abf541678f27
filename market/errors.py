"""Error pages: a database that is down gives a 503 page, never a traceback."""
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from market.extensions import db

API_PREFIX = "/api/v1/"


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status: int, title: str, message: str = ""):
    """The error page; under the API (unknown addresses, 405, 413, 500 included) an RFC 9457
    problem body."""
    if request.path.startswith(API_PREFIX):
        # Imported here: the API's modules import the registry's, which use this module.
        from market.api.problems import http_problem, problem_response

        return problem_response(http_problem(status, title, message))
    if wants_json():
        return jsonify(status=status, title=title, detail=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


class BoundedJSON(DefaultJSONProvider):
    """JSON bodies nested past the parser's recursion are refused as bad JSON (a 400), not a
    crash."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_app(app: Flask) -> None:
    app.json = BoundedJSON(app)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500, error.name, error.description or "")

    @app.errorhandler(DataError)
    def data_refused(error: DataError):
        """Data the database cannot hold (a NUL in text, a number past its integers) is the
        request's fault: a 400, not the 503 of a database that is down."""
        db.session.rollback()
        return render_error(400, "Bad Request", "data")

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(error: Exception):
        db.session.rollback()
        app.logger.error("database error: %s", error)
        # The page itself must not ask the database for the signed-in user again (that
        # would raise inside this handler and turn the 503 into a 500).
        g._login_user = app.login_manager.anonymous_user()
        return render_error(503, "Service Unavailable", "database")

    @app.errorhandler(500)
    def internal_error(error: Exception):
        db.session.rollback()
        return render_error(500, "Internal Server Error")
