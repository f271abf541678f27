"""The interface speaks Vietnamese first; every string in the code has an English translation."""
from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import force_locale, refresh

from market import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "market" / "translations"
ENGLISH_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"

# Named %-placeholders, a literal %% and str.format fields: a translation must keep each one.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%%|\{\w*\}")
# `from flask_babel import lazy_gettext as _l`: the alias is a keyword the extractor must know.
ALIAS = re.compile(r"\b((?:lazy_)?(?:n|p|np)?gettext) as (\w+)")


def gettext_keywords() -> dict:
    keywords = dict(DEFAULT_KEYWORDS, lazy_gettext=None, lazy_ngettext=(1, 2), lazy_pgettext=((1, "c"), 2))
    for source in (PROJECT_ROOT / "market").rglob("*.py"):
        for function, alias in ALIAS.findall(source.read_text(encoding="utf-8")):
            keywords[alias] = keywords[function]
    return keywords


def extracted_messages() -> dict[str, list[str]]:
    """msgid → where it is used, exactly as `pybabel extract` with the project's babel.cfg sees it."""
    with open(TRANSLATIONS / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    messages: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=gettext_keywords()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            messages.setdefault(msgid, []).append(f"{filename}:{line}")
    return messages


@pytest.fixture(scope="module")
def english_catalogue():
    with open(ENGLISH_PO, "rb") as po:
        return read_po(po, locale="en")


def translations(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_every_string_in_code_and_templates_has_an_english_translation(english_catalogue):
    messages = extracted_messages()
    assert len(messages) > 100, "the extraction found almost nothing: is babel.cfg still right?"
    missing = []
    for msgid, places in sorted(messages.items()):
        entry = english_catalogue.get(msgid)
        if entry is None or entry.fuzzy or not all(text.strip() for text in translations(entry)):
            missing.append(f"{places[0]}: {msgid!r}")
    assert not missing, (
        f"{len(missing)} strings have no English translation (run pybabel extract/update, "
        "then translate market/translations/en):\n" + "\n".join(missing)
    )


def test_translations_keep_the_placeholders_of_their_msgid(english_catalogue):
    broken = []
    for entry in english_catalogue:
        if not entry.id:
            continue
        msgids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        expected = Counter(PLACEHOLDER.findall(msgids[-1]))
        for text in translations(entry):
            if text and Counter(PLACEHOLDER.findall(text)) != expected:
                broken.append(f"{msgids[0]!r} → {text!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_sign_in_page_speaks_vietnamese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert "Sign in" not in page


def test_sign_in_page_speaks_english_after_choosing_it(client):
    client.get("/language/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page, "no English on the page: is the catalogue compiled (pybabel compile)?"
    assert "Đăng nhập" not in page
    assert "Username" in page and "Password" in page


def test_switching_back_to_vietnamese(client):
    client.get("/language/en")
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    # The test keeps one app context around all its requests, and Flask-Babel caches the
    # locale on `g`; a real request starts afresh, so forget the cached one here.
    refresh()
    client.get("/language/vi")
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert "Sign in" not in page


def test_unknown_language_keeps_vietnamese(client):
    client.get("/language/fr")
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


def render(app, template: str, **values) -> str:
    with app.test_request_context():
        return app.jinja_env.from_string(template).render(**values)


def test_money_is_written_the_vietnamese_way(app):
    # The space before ₫ is non-breaking so the symbol never wraps away from the amount.
    assert render(app, "{{ amount|money }}", amount=1234567) == "1.234.567\u00a0₫"
    assert render(app, "{{ amount|money }}", amount=0) == "0\u00a0₫"
    assert render(app, "{{ amount|money }}", amount=None) == ""


def test_money_in_english_groups_with_commas(app):
    with app.test_request_context(), force_locale("en"):
        assert app.jinja_env.from_string("{{ 1234567|money }}").render() == "1,234,567\u00a0₫"


def test_dates_are_day_month_year(app):
    assert render(app, "{{ day|date }}", day=date(2026, 11, 28)) == "28/11/2026"


def test_times_are_shown_in_vietnam(app):
    # 18:30 UTC on the 27th is already 01:30 on the 28th in Hà Nội.
    moment = datetime(2026, 11, 27, 18, 30, tzinfo=UTC)
    assert render(app, "{{ moment|date }}", moment=moment) == "28/11/2026"
    assert render(app, "{{ moment|datetime }}", moment=moment) == "01:30 28/11/2026"


def test_the_offline_status_line_speaks_the_page_language(client):
    from factories import login, make_market, make_stall, make_user

    market = make_market()
    stall = make_stall(market)
    login(client, make_user("team", markets=[market]))
    page = client.get(f"/monitor/stalls/{stall.id}/inspections/new").get_data(as_text=True)
    assert 'data-waiting="Đang chờ gửi: {n} bản ghi' in page
    client.get("/language/en")
    page = client.get(f"/monitor/stalls/{stall.id}/inspections/new").get_data(as_text=True)
    assert 'data-waiting="Waiting to send: {n} record(s)' in page
    assert 'data-saved="Saved on this device."' in page
