"""Flask extensions, created unbound here and attached in ``create_app``."""
from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from market.models.base import db

# Batch mode lets Alembic alter tables on SQLite, which cannot ALTER most things in place.
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def init_limiter(app: Flask) -> None:
    """Give the application its own Flask-Limiter (a Limiter holds one storage, so two
    applications in one process, as in tests, keep their counts apart). It limits no route by
    itself: its storage (Redis with ``REDIS_URL``, else this process's memory) counts the API
    calls and, with Redis, the sign-in attempts. Its check before every request is therefore
    skipped at once (a request filter), rather than working out that nothing applies."""
    limiter = Limiter(key_func=lambda: "", app=app, default_limits=[])
    limiter.request_filter(lambda: True)
    app.extensions["market_limiter"] = limiter


def limiter() -> Limiter:
    """The current application's Flask-Limiter."""
    return current_app.extensions["market_limiter"]


__all__ = ["babel", "csrf", "db", "init_limiter", "limiter", "login_manager", "migrate"]
