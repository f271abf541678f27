"""Printing a market's signs: order, text, scannable codes, fonts, issuing and reprints."""
from __future__ import annotations

import gc

import pypdfium2
import pytest
import zxingcpp
from factories import (
    make_account,
    make_market,
    make_stall,
    make_trading_stall,
    make_vendor,
)
from sqlalchemy import func, select

from market.extensions import db
from market.models import Sign, SignPrint, StallStatus
from market.signs.issuing import CODE_ALPHABET, supersede_signs
from market.signs.pdf import collector_tuned_for_printing, url_fetcher
from market.signs.selection import Obstacle, Selection
from market.signs.services import SignUnavailable, print_market_signs, render_stall_sign
from signs.pdfs import embedded_fonts, page_payloads, page_texts


@pytest.fixture
def market_with_stalls(app):
    """Stalls created out of floor order, with Vietnamese names, and one of each obstacle."""
    market = make_market("Chợ Đông Anh")
    make_trading_stall(market, code="B-02", vendor_name="Lê Văn Đức", bank_bin="970407",
                       account_number="1903123456789", zone="B", row="1", number=2)
    make_trading_stall(market, code="A-10", vendor_name="Phạm Thị Ngọc Ánh",
                       account_number="0011012345678", zone="A", row="2", number=10,
                       shop_name="Hàng cá Ánh Dương")
    make_trading_stall(market, code="A-03", vendor_name="Nguyễn Thị Hường", bank_bin="970415",
                       account_number="102876543210", zone="A", row="1", number=3)
    make_trading_stall(market, code="A-01", vendor_name="Trần Quốc Việt", bank_bin="970436",
                       account_number="0451000123456", zone="A", row="1", number=1)
    no_account = make_stall(market, code="A-05", zone="A", row="1", number=5)
    make_vendor("Đỗ Thị Mơ", stall=no_account)
    make_stall(market, code="C-01", zone="C", status=StallStatus.VACANT)
    make_stall(market, code="C-02", zone="C", status=StallStatus.CLOSED)
    make_stall(market, code="C-03", zone="C")
    db.session.flush()
    return market


def test_batch_has_one_page_per_printable_stall_in_floor_order(market_with_stalls):
    batch = print_market_signs(market_with_stalls, "a6")

    texts = page_texts(batch.pdf)
    assert len(texts) == 4
    assert [s.stall.code for s in batch.signs] == ["A-01", "A-03", "A-10", "B-02"]
    for text, code in zip(texts, ["A-01", "A-03", "A-10", "B-02"], strict=True):
        assert code in text
        assert "Chợ Đông Anh" in text
        assert "Quét mã VietQR để thanh toán" in text
        assert "Kiểm tra đúng tên người nhận trước khi chuyển tiền" in text


def test_pages_show_vendor_names_with_diacritics_and_holder_in_ascii(market_with_stalls):
    texts = page_texts(print_market_signs(market_with_stalls, "a6").pdf)

    assert "Trần Quốc Việt" in texts[0]
    assert "Hàng cá Ánh Dương" in texts[2]
    assert "Lê Văn Đức" in texts[3]
    assert "NGUYEN THI HUONG" in texts[1]
    assert "0011 0123 456 78" in texts[2]


def test_every_page_scans_to_the_stalls_registered_bank_and_account(market_with_stalls):
    batch = print_market_signs(market_with_stalls, "a6")

    found = page_payloads(batch.pdf)
    expected = [(s.bank_account.bank_bin, s.bank_account.account_number) for s in batch.signs]
    assert [len(codes) for codes in found] == [1, 1, 1, 1]
    assert [(c[0].payload.bank_bin, c[0].payload.account) for c in found] == expected
    assert all(c[0].payload.is_static and c[0].payload.service == "account" for c in found)


@pytest.mark.parametrize("sign_format", ["a5", "a4"])
def test_larger_formats_scan_too(market_with_stalls, sign_format):
    batch = print_market_signs(market_with_stalls, sign_format, Selection(zone="B"))

    found = page_payloads(batch.pdf, dpi=100)
    assert [(c[0].payload.bank_bin, c[0].payload.account) for c in found] == [
        ("970407", "1903123456789")
    ]


def test_sticker_sheet_holds_six_scannable_stickers_per_page(market_with_stalls):
    for number in range(4):
        make_trading_stall(market_with_stalls, code=f"D-0{number}", vendor_name="Vũ Thị Thu",
                           account_number=f"88800{number}11", zone="D", number=number)

    batch = print_market_signs(market_with_stalls, "stickers")

    found = page_payloads(batch.pdf)
    assert [len(codes) for codes in found] == [6, 2]
    accounts = {code.payload.account for page in found for code in page}
    assert accounts == {s.bank_account.account_number for s in batch.signs}


def test_every_embedded_font_is_dejavu(market_with_stalls):
    for sign_format in ("a6", "stickers"):
        fonts = embedded_fonts(print_market_signs(market_with_stalls, sign_format).pdf)
        assert fonts
        assert all(name.startswith("DejaVu") for name in fonts), fonts


def test_stalls_that_cannot_have_a_sign_are_reported_with_the_reason(market_with_stalls):
    batch = print_market_signs(market_with_stalls, "a6")

    assert [(e.stall.code, e.obstacle) for e in batch.unprintable] == [
        ("A-05", Obstacle.NO_ACCOUNT),
        ("C-01", Obstacle.VACANT),
        ("C-02", Obstacle.CLOSED),
        ("C-03", Obstacle.NO_TENANT),
    ]


def test_reprint_reuses_the_sign_and_logs_each_print(market_with_stalls):
    first = print_market_signs(market_with_stalls, "a6", actor_label="cli")
    second = print_market_signs(market_with_stalls, "a6", actor_label="cli")

    assert [s.id for s in first.signs] == [s.id for s in second.signs]
    assert db.session.scalar(select(func.count()).select_from(Sign)) == 4
    assert db.session.scalar(select(func.count()).select_from(SignPrint)) == 8
    code = first.signs[0].code
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
    assert f"{code[:4]}-{code[4:]}" in page_texts(second.pdf)[0]


def test_each_format_is_its_own_sign(market_with_stalls):
    a6 = print_market_signs(market_with_stalls, "a6", Selection(zone="B")).signs[0]
    a4 = print_market_signs(market_with_stalls, "a4", Selection(zone="B")).signs[0]

    assert a6.id != a4.id and a6.code != a4.code


def test_changed_account_supersedes_the_old_sign_which_is_not_printed_again(market_with_stalls):
    old_sign = print_market_signs(market_with_stalls, "a6", Selection(zone="B")).signs[0]
    seller = old_sign.stall.tenancies[0].vendor
    make_account(seller, account_number="1903999988887", bank_bin="970407",
                 holder_name="LE VAN DUC")
    assert supersede_signs(old_sign.bank_account_id) == 1

    batch = print_market_signs(market_with_stalls, "a6", Selection(zone="B"))

    assert old_sign.superseded_at is not None
    assert [s.id for s in batch.signs] != [old_sign.id]
    assert len(old_sign.prints) == 1
    found = page_payloads(batch.pdf)
    assert [c[0].payload.account for c in found] == ["1903999988887"]


def test_sign_withdrawn_for_a_current_account_is_reported_not_printed(market_with_stalls):
    sign = print_market_signs(market_with_stalls, "a6", Selection(zone="B")).signs[0]
    supersede_signs(sign.bank_account_id)

    batch = print_market_signs(market_with_stalls, "a6", Selection(zone="B"))

    assert batch.pdf == b"" and batch.signs == []
    assert [(e.stall.code, e.obstacle) for e in batch.unprintable] == [
        ("B-02", Obstacle.SIGN_WITHDRAWN)
    ]


def test_selection_by_zone_row_and_missing_only(market_with_stalls):
    print_market_signs(market_with_stalls, "a6", Selection(zone="A", row="1"))

    row_two = print_market_signs(market_with_stalls, "a6", Selection(zone="A", row="2"))
    missing = print_market_signs(market_with_stalls, "a4", Selection(missing_only=True))

    assert [s.stall.code for s in row_two.signs] == ["A-10"]
    assert [s.stall.code for s in missing.signs] == ["B-02"]


def test_single_stall_sign_and_its_obstacle(market_with_stalls):
    stalls = {s.code: s for s in market_with_stalls.stalls}

    pdf = render_stall_sign(stalls["A-03"], "a6", actor_label="vendor link")

    assert [c[0].payload.account for c in page_payloads(pdf)] == ["102876543210"]
    printed = db.session.scalar(select(SignPrint))
    assert printed.actor_label == "vendor link"
    with pytest.raises(SignUnavailable) as refused:
        render_stall_sign(stalls["A-05"], "a6")
    assert refused.value.obstacle == Obstacle.NO_ACCOUNT


def test_batch_rendered_in_chunks_by_two_processes_keeps_the_order(app, market_with_stalls):
    saved = dict(app.config)
    app.config.update(SIGNS_CHUNK_SIZE=1, SIGNS_RENDER_PROCESSES=2)
    try:
        batch = print_market_signs(market_with_stalls, "a6")
    finally:
        app.config.clear()
        app.config.update(saved)

    texts = page_texts(batch.pdf)
    assert len(texts) == 4
    codes = ["A-01", "A-03", "A-10", "B-02"]
    assert [next(c for c in codes if c in t.split("\n")[0]) for t in texts] == codes


def test_a6_code_is_at_least_35_mm_wide(market_with_stalls):
    pdf = print_market_signs(market_with_stalls, "a6", Selection(zone="B")).pdf
    dpi = 200
    page = pypdfium2.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil()

    (found,) = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)

    corners = found.position
    width_mm = (corners.top_right.x - corners.top_left.x) / dpi * 25.4
    assert width_mm >= 35


def test_pdf_rendering_fetches_nothing_but_inline_data():
    fetcher = url_fetcher()

    for url in ("file:///etc/hostname", "http://127.0.0.1/", "https://example.org/x.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_printing_leaves_the_garbage_collector_as_it_found_it(market_with_stalls):
    default = gc.get_threshold()

    print_market_signs(market_with_stalls, "a6")
    render_stall_sign(market_with_stalls.stalls[0], "a6")

    assert gc.get_threshold() == default
    assert gc.get_freeze_count() == 0


def test_nested_prints_restore_the_collector_only_when_the_outer_one_ends():
    default = gc.get_threshold()

    with collector_tuned_for_printing():
        tuned = gc.get_threshold()
        with collector_tuned_for_printing():
            pass
        assert gc.get_threshold() == tuned != default
        assert gc.get_freeze_count() > 0

    assert gc.get_threshold() == default
    assert gc.get_freeze_count() == 0
