"""On a phone the page starts with its content: the menu folds, everything is big enough to tap."""
from __future__ import annotations

import pytest
from factories import make_account, make_market, make_stall, make_user, make_vendor

from market.models import Role

TAPPABLE = ("main a.button, main button, main input:not([type=hidden]), main select, "
            "main label.choice, nav.mainnav a, nav.mainnav button, header [data-menu-toggle]")


def small_targets(page) -> list[str]:
    """The visible tappable things shorter than 44 CSS px."""
    return page.eval_on_selector_all(TAPPABLE, """(nodes) => nodes
        .filter((n) => n.offsetParent !== null && n.type !== "radio" && n.type !== "checkbox")
        .filter((n) => n.getBoundingClientRect().height < 44)
        .map((n) => n.outerHTML.slice(0, 120))""")


def current_menu_entries(page) -> list[str]:
    return page.locator("nav.mainnav [aria-current=page]").all_inner_texts()


@pytest.mark.parametrize("size", ["phone"])
def test_the_menu_folds_and_every_target_is_big_enough_to_tap(journey):
    market = make_market("Chợ Mun")
    stall = make_stall(market, code="A1-01")
    make_account(make_vendor(stall=stall))
    make_user(Role.BOARD, markets=[market], username="bql.mun")
    page = journey.page

    journey.start("bql.mun")
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 60, header
    assert not page.locator("nav.mainnav").is_visible()
    assert small_targets(page) == []
    page.get_by_role("button", name="Menu").click()
    assert page.locator("nav.mainnav").is_visible()
    assert current_menu_entries(page) == ["Chợ"]
    assert small_targets(page) == []
    journey.shot("menu-open")
    journey.menu("Cần đến thăm")
    assert not page.locator("nav.mainnav").is_visible()
    page.get_by_role("button", name="Menu").click()
    assert current_menu_entries(page) == ["Cần đến thăm"]  # not "Tổng quan" too
    page.get_by_role("button", name="Menu").click()
    journey.click("A1-01")
    journey.click("Đổi tài khoản")
    kind = page.locator("fieldset", has_text="Loại")
    assert kind.locator("legend").inner_text() == "Loại"
    assert kind.get_by_label("Thẻ").is_visible() and kind.locator("ul").count() == 0
    assert small_targets(page) == []
    journey.shot("account-form")
