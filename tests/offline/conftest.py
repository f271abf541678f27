"""A phone in Debian's Chromium against the app served on loopback as in production (CSRF on;
the served app is the journeys' own). The phone keeps its storage (service worker, outbox,
kept pages) in a profile directory, so it can be closed and opened again."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS
from factories import PASSWORD
from journeys.conftest import SIZES, base_url, served_app

from market.extensions import db

__all__ = ["base_url", "served_app"]  # the app served as in production, shared with the journeys

PHONE = SIZES["phone"]

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


class Phone:
    """One phone: its profile outlives the browser, as a real phone's storage does."""

    def __init__(self, chromium, profile, base_url: str) -> None:
        self.chromium, self.profile, self.base_url = chromium, profile, base_url
        self.context = None
        self.dialogs: list[str] = []  # the messages of the dialogs the pages opened
        self.accept_dialogs = True

    def open(self):
        self.context = self.chromium.launch_persistent_context(
            str(self.profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE,
            service_workers="allow",
        )
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.context.on("dialog", self._answer)
        return page

    def _answer(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        if self.accept_dialogs:
            dialog.accept()
        else:
            dialog.dismiss()

    def sign_in(self, page, user) -> None:
        db.session.commit()
        page.goto(f"{self.base_url}/login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as sent:
            page.click("main button[type=submit]")
        answer = sent.value
        assert answer.status == 302, f"sign-in answered {answer.status}: {page.inner_text('main')[:300]}"
        page.wait_for_url(lambda url: "/login" not in url)

    @staticmethod
    def click_sign_out(page) -> None:
        """The sign-out button, in the folded menu on a phone."""
        toggle = page.locator("[data-menu-toggle]")
        if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        page.click("form[data-sign-out] button")

    def offline(self, yes: bool = True) -> None:
        self.context.set_offline(yes)

    def close(self) -> None:
        self.context.close()
        self.context = None


@pytest.fixture
def phone(browser, base_url, tmp_path) -> Iterator[Phone]:
    # The suite's browser (one Playwright per run): its Chromium type opens the phone's profile.
    made = Phone(browser.browser_type, tmp_path / "phone-profile", base_url)
    yield made
    if made.context is not None:
        made.close()


def wait_until(condition: Callable[[], object], seconds: float = 20) -> object:
    """Polls the database (a fresh transaction each time) until ``condition`` holds."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()
        found = condition()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.25)
