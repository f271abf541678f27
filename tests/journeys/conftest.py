"""Journeys in a real headless Chromium, the way people use the app.

The app is served on loopback exactly as in production - CSRF on, errors through the
error pages - against the test run's own database, so a test makes its rows with the
factories (then commits) and the browser sees them. Every journey starts at ``/`` and
signs in by clicking; after that it reaches everything by clicking visible links and
buttons: :class:`Journey` counts the addresses typed into the browser and a journey that
types a second one fails. Each journey runs at phone and desktop size and saves a
screenshot of every step under ``out/journeys/<journey>/<size>/`` (git-ignored), from
which ``scripts/screenshots.py`` takes the README's pictures.

Other suites reuse this: ``pytest_plugins = ["journeys.conftest"]`` is not needed inside
``tests/journeys/``; elsewhere import the fixtures with ``from journeys.conftest import *``.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import CHROMIUM  # the browser fixture is the suite's (tests/conftest.py)
from factories import PASSWORD

from market import create_app
from market.extensions import db

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "journeys"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"no Chromium at {CHROMIUM} (scripts/test installs it)")


@pytest.fixture(scope="session")
def served_app(app):
    """The app as production builds it (CSRF on, TESTING off), on the tests' database."""
    return create_app({
        "SECRET_KEY": "journeys",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        # Every journey makes its own figures: the pages look for new snapshots each time.
        "DASHBOARD_VERSION_CHECK_SECONDS": 0,
    })


@pytest.fixture(scope="session")
def base_url(served_app) -> Iterator[str]:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args) -> None:  # the journeys' own steps say what happened
            pass

    server = make_server("127.0.0.1", 0, served_app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with served_app.app_context():
        db.engine.dispose()


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    """``phone`` (390x844) or ``desktop`` (1280x900): every journey runs at both."""
    return request.param


@dataclass
class Journey:
    """One person's browser tab: clicks, typed-address accounting and step screenshots."""

    page: object
    base_url: str
    size: str
    folder: Path
    steps: int = 0
    typed: list[str] = field(default_factory=list)

    @property
    def phone(self) -> bool:
        return self.size == "phone"

    def start(self, username: str, password: str = PASSWORD) -> None:
        """Open ``/`` (the only typed address) and sign in through the form."""
        db.session.commit()  # what the test made is visible to the served app
        self.page.goto(self.base_url + "/")
        self.shot("sign-in-page")
        self.page.get_by_label(re.compile("Tên đăng nhập")).fill(username)
        self.page.get_by_label(re.compile("Mật khẩu")).fill(password)
        self.page.locator("main").get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url(lambda url: "/login" not in url)
        self.shot("signed-in")

    def open(self, url: str) -> None:
        """Open an address someone was given (a vendor's link): the only one typed."""
        db.session.commit()
        self.page.goto(url)

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot of this step as ``NN-name.png``."""
        self.steps += 1
        path = self.folder / f"{self.steps:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def menu(self, label: str) -> None:
        """Click a main-menu entry, opening the folded menu first on a phone."""
        toggle = self.page.locator("[data-menu-toggle]")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        self.page.locator("nav.mainnav").get_by_role("link", name=label, exact=True).click()
        self.page.wait_for_load_state()

    def click(self, name: str | re.Pattern, role: str = "link") -> None:
        """Click the visible link (or button) called ``name`` and wait for the page."""
        self.page.get_by_role(role, name=name).first.click()
        self.page.wait_for_load_state()

    def download(self, name: str | re.Pattern, role: str = "link", *,
                 new_tab: bool = False, save_as: str = "download.pdf") -> bytes:
        """Click ``name`` and return the file the browser receives (a PDF opens as a download
        in headless Chromium); ``new_tab`` for a form or link that opens its own tab. The file
        is kept beside the screenshots as step ``NN-save_as``."""
        if new_tab:  # shown in Chromium's PDF viewer: keep the bytes as they arrive
            body = self._document_from_new_tab(role, name)
        else:
            with self.page.expect_download() as arrived:
                self.page.get_by_role(role, name=name).first.click()
            body = Path(arrived.value.path()).read_bytes()
        self.steps += 1
        (self.folder / f"{self.steps:02d}-{save_as}").write_bytes(body)
        return body


    def _document_from_new_tab(self, role: str, name: str | re.Pattern) -> bytes:
        kept: list[bytes] = []

        def keep(route) -> None:
            answer = route.fetch()
            if answer.headers.get("content-type", "").startswith("application/pdf"):
                kept.append(answer.body())
            route.fulfill(response=answer)

        context = self.page.context
        context.route(lambda url: url.startswith(self.base_url), keep)
        try:
            with context.expect_page() as opened:
                self.page.get_by_role(role, name=name).first.click()
            opened.value.wait_for_load_state()
        finally:
            context.unroute_all()
        assert kept, f"no PDF arrived in the new tab after clicking {name!r}"
        return kept[0]


@pytest.fixture
def journey_factory(browser, base_url, size, request):
    """Make one :class:`Journey` per person taking part (``journey_factory("board")``)."""
    contexts = []
    journeys = []
    test_name = re.sub(r"\[.*\]$", "", request.node.name).removeprefix("test_")

    def make(person: str = "") -> Journey:
        context = browser.new_context(viewport=SIZES[size], accept_downloads=True,
                                      locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        folder = SCREENSHOTS / "-".join(filter(None, [test_name, person])) / size
        folder.mkdir(parents=True, exist_ok=True)
        for old in [*folder.glob("*.png"), *folder.glob("*.pdf")]:
            old.unlink()
        journey = Journey(page, base_url, size, folder)
        page.on("request", lambda req, j=journey: _count_typed(j, req))
        journeys.append(journey)
        return journey

    yield make
    for context in contexts:
        context.close()
    for journey in journeys:
        assert len(journey.typed) <= 1, f"addresses typed after the first: {journey.typed[1:]}"


@pytest.fixture
def journey(journey_factory) -> Journey:
    return journey_factory()


def _count_typed(journey: Journey, request) -> None:
    """A top-level navigation with no referrer and no redirect behind it is an address
    typed into the browser (the app sends same-origin referrers on every click)."""
    if (request.is_navigation_request() and request.frame.parent_frame is None
            and request.redirected_from is None and "referer" not in request.headers):
        journey.typed.append(request.url)
