"""The market board registers a stall, its vendor and bank account, and prints signs."""
from __future__ import annotations

import re

from factories import make_account, make_market, make_stall, make_user, make_vendor

from journeys.pdfs import payees
from market.models import Role


def test_board_registers_a_stall_and_prints_its_sign_and_the_whole_market(journey):
    market = make_market("Chợ Mun")
    for code, number in (("B1-01", "1903555666777"), ("B1-02", "0011004455667")):
        make_account(make_vendor(stall=make_stall(market, code=code, zone="B")),
                     bank_bin="970415", account_number=number)
    make_stall(market, code="B1-03", zone="B")  # no vendor: listed as not printable
    make_user(Role.BOARD, markets=[market], username="bql.mun")
    page = journey.page

    journey.start("bql.mun")
    page.get_by_role("heading", name=re.compile("Chợ Mun")).wait_for()
    journey.click("Thêm gian hàng")
    page.get_by_label("Mã gian hàng").fill("A1-01")
    page.get_by_label("Khu").fill("A")
    page.get_by_label("Dãy").fill("1")
    journey.shot("new-stall")
    journey.click("Lưu", role="button")
    page.get_by_text("Đã thêm gian hàng A1-01").wait_for()
    journey.shot("stall-added")

    journey.click("Ghi nhận hộ kinh doanh")
    page.get_by_label("Họ tên chủ hộ").fill("Nguyễn Thị Lan")
    journey.click("Lưu", role="button")
    page.get_by_text("Đã ghi nhận hộ kinh doanh Nguyễn Thị Lan").wait_for()

    journey.click("Đăng ký tài khoản")
    picker, bank = page.get_by_label("Tìm ngân hàng"), page.get_by_label("Ngân hàng", exact=True)
    for typed, found in [("MB", "970422"), ("quan doi", "970422"), ("TCB", "970407"),
                         ("vcb", "970436"), ("zzz", ""), ("VCB", "970436")]:
        picker.fill(typed)  # a code (MB Bank before CIMB), a name without diacritics, nothing
        assert bank.input_value() == found, typed
        first = bank.locator("option:not([hidden])").nth(1)  # after the blank choice
        assert (first.get_attribute("value") if found else first.count()) == (found or 0), typed
    page.get_by_label("Số tài khoản", exact=True).fill("1023456789")
    page.get_by_label("Nhập lại số tài khoản").fill("1023456788")
    journey.shot("account-mistyped")
    journey.click("Lưu", role="button")
    page.get_by_text("Hai lần nhập số tài khoản không khớp nhau.").wait_for()
    page.get_by_label("Nhập lại số tài khoản").fill("1023456789")
    journey.shot("account-typed-twice")
    journey.click("Lưu", role="button")
    page.get_by_text("Đã lưu tài khoản 1023456789").wait_for()
    journey.shot("account-saved")

    sign = journey.download(re.compile("In biển QR"), save_as="sign-a6.pdf")
    assert payees(sign) == [("970436", "1023456789")]
    poster = journey.download("A4 – áp phích", save_as="sign-a4.pdf")
    assert payees(poster) == [("970436", "1023456789")]

    journey.click("Chợ Mun")
    journey.click(re.compile("In biển QR cả chợ"))
    page.get_by_role("heading", name="Gian hàng chưa in được biển").wait_for()
    journey.shot("market-signs")
    batch = journey.download(re.compile(r"In 3 biển"), role="button")
    assert sorted(payees(batch)) == [("970415", "0011004455667"), ("970415", "1903555666777"),
                                     ("970436", "1023456789")]
