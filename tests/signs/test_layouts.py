"""The four sign layouts: a code as large as the page allows, and every format scans back to
its payee at the resolutions of a cheap print (150 dpi; 72 dpi for the sticker sheet)."""
from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp
from factories import make_account, make_market, make_stall, make_vendor

from market.signs.services import group_for_reading, render_stall_sign
from signs.pdfs import page_payloads


@pytest.fixture
def stall(app):
    stall = make_stall(make_market("Chợ Mun"), code="A1-01")
    make_account(make_vendor("Nguyễn Thị Lan", stall=stall), bank_bin="970436",
                 account_number="0011012345678")
    return stall


@pytest.mark.parametrize(("sign_format", "dpi"), [
    ("a6", 150), ("a5", 150), ("a4", 150), ("stickers", 150), ("stickers", 72)])
def test_every_format_scans_to_the_payee(stall, sign_format, dpi):
    pdf = render_stall_sign(stall, sign_format)
    (codes,) = page_payloads(pdf, dpi=dpi)
    assert [(c.payload.bank_bin, c.payload.account) for c in codes] == [("970436", "0011012345678")]


def test_the_a6_code_with_its_quiet_zone_is_at_least_70_mm(stall):
    dpi = 200
    page = pypdfium2.PdfDocument(render_stall_sign(stall, "a6"))[0].render(scale=dpi / 72).to_pil()
    (found,) = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)
    corners = found.position
    modules = 17 + 4 * int(found.extra["Version"])
    code_mm = (corners.top_right.x - corners.top_left.x) / dpi * 25.4
    assert code_mm * (modules + 8) / modules >= 70  # four blank modules on each side

@pytest.mark.parametrize(("number", "read_aloud"), [
    ("0011012345678", "0011 0123 456 78"), ("1023456789", "1023 4567 89"),
    ("123456789", "1234 567 89"), ("12345678", "1234 5678"), ("19035556667771", "1903 5556 6677 71")])
def test_account_numbers_are_grouped_without_a_lone_trailing_digit(number, read_aloud):
    assert group_for_reading(number) == read_aloud
    assert all(len(group) > 1 for group in read_aloud.split())
