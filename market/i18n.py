"""Language, money and dates the Vietnamese way (1.234.567 ₫, 28/11/2026), English available."""
from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, get_locale

from market import PROJECT_ROOT
from market.extensions import babel
from market.texts import render

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    # Commands and background threads have no session: they speak the default language.
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def money(amount: int | None) -> str:
    """VND has no minor unit; the grouping follows the language (1.234.567 ₫ in Vietnamese)."""
    if amount is None:
        return ""
    return f"{format_decimal(amount, locale=str(get_locale()))}\u00a0₫"


def decimal(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals in the language's way: 70,1 in Vietnamese."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=str(get_locale()))


def percent(value: float | None, digits: int = 1) -> str:
    """A share with a space before the sign, as Vietnamese writes it: 70,1 %."""
    return "" if value is None else f"{decimal(value, digits)} %"


def stored_text(data: object) -> str:
    """A text kept in the database (``market.texts``), in the reader's language."""
    return render(data, str(get_locale()))


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy")
    return value.strftime("%d/%m/%Y")


def short_datetime(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, "HH:mm dd/MM/yyyy")


@bp.get("/language/<code>")
def choose_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.referrer or ""
    if not target.startswith(request.host_url):
        target = url_for("home.index")
    return redirect(target)


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "market" / "translations"),
    )
    app.jinja_env.filters.update(money=money, decimal=decimal, percent=percent, date=short_date,
                                 datetime=short_datetime, stored_text=stored_text)
    app.context_processor(lambda: {"current_locale": str(get_locale())})
    app.register_blueprint(bp)
