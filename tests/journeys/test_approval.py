"""A changed account is printed only after a second person confirms it: another board member,
or the vendor through a link the changer did not make (who then prints and answers the
self-report)."""
from __future__ import annotations

import re

from factories import make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select

from journeys.pdfs import payees
from market.extensions import db
from market.models import Role, SelfReport


def a_stall_with_an_account():
    market = make_market("Chợ Mun")
    stall = make_stall(market, code="C3-07", zone="C")
    make_account(make_vendor("Phạm Thị Hoa", stall=stall), bank_bin="970436",
                 account_number="0011001234567")
    make_user(Role.BOARD, markets=[market], username="bql.mot")
    make_user(Role.BOARD, markets=[market], username="bql.hai")
    return stall


def change_the_account(journey, number: str = "1903555666777") -> None:
    page = journey.page
    journey.click("C3-07")
    journey.click("Đổi tài khoản")
    page.get_by_label("Tìm ngân hàng").fill("TCB")
    page.get_by_label("Số tài khoản", exact=True).fill(number)
    page.get_by_label("Nhập lại số tài khoản").fill(number)
    journey.click("Lưu", role="button")
    page.get_by_text(f"Đã lưu tài khoản {number}").wait_for()
    page.get_by_text("Chờ duyệt thay đổi tài khoản").first.wait_for()
    journey.shot("account-changed")


def test_a_second_board_member_confirms_a_changed_account(journey_factory):
    a_stall_with_an_account()
    first = journey_factory("first")
    first.start("bql.mot")
    change_the_account(first)
    assert first.page.get_by_role("button", name="Duyệt tài khoản mới").count() == 0
    assert first.page.get_by_role("link", name=re.compile("In biển QR")).count() == 0

    second = journey_factory("second")
    page = second.page
    second.start("bql.hai")
    second.click("C3-07")
    second.shot("waiting")
    second.click("Duyệt tài khoản mới", role="button")
    page.get_by_text("Đã duyệt tài khoản mới").wait_for()
    second.shot("approved")
    assert payees(second.download(re.compile("In biển QR"))) == [("970407", "1903555666777")]


def test_the_vendor_confirms_its_new_account_prints_and_answers(journey_factory):
    a_stall_with_an_account()
    board = journey_factory("board")
    board.start("bql.mot")
    change_the_account(board)
    # The link comes from another board member: one made by the changer cannot confirm.
    other = journey_factory("other")
    other.start("bql.hai")
    other.click("C3-07")
    other.click("Tạo đường dẫn mới", role="button")
    url = other.page.locator(".link-url").inner_text().strip()
    other.shot("link-created")

    vendor = journey_factory("vendor")
    page = vendor.page
    vendor.open(url)
    page.get_by_role("heading", name="Xác nhận tài khoản mới").wait_for()
    assert "6777" in page.locator("section", has_text="Xác nhận tài khoản mới").inner_text()
    vendor.shot("asked-to-confirm")
    vendor.click("Xác nhận", role="button")
    page.get_by_text("Tài khoản mới đã được xác nhận").wait_for()
    vendor.shot("confirmed")
    sign = vendor.download("In biển", role="button", new_tab=True)
    assert payees(sign) == [("970407", "1903555666777")]
    page.get_by_label("Hằng ngày").check()
    vendor.shot("self-report")
    vendor.click("Gửi", role="button")
    page.get_by_text("Ban quản lý chợ đã nhận được câu trả lời").wait_for()
    vendor.shot("answered")
    db.session.rollback()
    assert db.session.scalar(select(SelfReport.answer)).value == "daily"
