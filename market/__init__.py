"""Chợ 4.0: the market QR-payment registry and monitor."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides the defaults and the environment."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("MARKET_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from market.config import configure

    configure(app, config)
    from market import ids

    ids.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from market import database, i18n, kept, models  # noqa: F401  (pragmas; every table on the metadata)
    from market.auth.cookies import SessionCookies
    from market.extensions import csrf, db, init_limiter, login_manager, migrate

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    init_limiter(app)
    kept.init_app(app)
    login_manager.init_app(app)
    app.session_interface = SessionCookies()
    configure_login(app)
    i18n.init_app(app)


def configure_login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from market.auth.services import load_user
    from market.extensions import login_manager

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Vui lòng đăng nhập để tiếp tục.")
    login_manager.session_protection = "strong"


def register_blueprints(app: Flask) -> None:
    """One blueprint per area; areas with more to set up (menu entries, CSRF-exempt webhooks,
    the API's error format) have an ``init_app``."""
    from market import (
        admin,
        api,
        auth,
        dashboard,
        errors,
        health,
        home,
        links,
        monitor,
        navigation,
        offline,
        privacy,
        registry,
        security,
        signs,
    )
    from market.registry import spreadsheet

    for area in (health, auth, home, registry, spreadsheet, admin, links, privacy, signs,
                 offline):
        app.register_blueprint(area.bp)
    for area in (monitor, dashboard, api, errors, navigation, security):
        area.init_app(app)


def register_commands(app: Flask) -> None:
    from market.cli import register

    register(app)
