"""Sign pages and downloads, as a board member or an outsider sees them."""
from __future__ import annotations

import io

import pytest
from factories import login, make_market, make_stall, make_trading_stall, make_user
from PIL import Image
from sqlalchemy import select

from market.extensions import db
from market.models import Role, SignPrint, StallStatus
from market.vietqr.read import read_payloads
from signs.pdfs import page_payloads, page_texts


@pytest.fixture
def market(app):
    market = make_market("Chợ Mơ")
    make_trading_stall(market, code="A-01", vendor_name="Hoàng Thị Quỳnh",
                       account_number="0011012345678", number=1)
    make_trading_stall(market, code="B-01", vendor_name="Đặng Văn Lộc",
                       account_number="9704151234", zone="B", number=1, bank_bin="970415")
    make_stall(market, code="C-01", zone="C", status=StallStatus.VACANT)
    return market


def stall_of(market, code):
    return next(s for s in market.stalls if s.code == code)


def test_board_prints_a_stall_sign_inline_or_as_download(client, market):
    board = make_user(Role.BOARD, markets=[market])
    stall = stall_of(market, "A-01")
    login(client, board)

    inline = client.get(f"/stalls/{stall.id}/sign.pdf?format=a6")
    download = client.get(f"/stalls/{stall.id}/sign.pdf?format=a5&download=1")

    assert inline.status_code == 200 and inline.mimetype == "application/pdf"
    assert inline.headers["Content-Disposition"].startswith("inline")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Hoàng Thị Quỳnh" in page_texts(inline.data)[0]
    assert [c[0].payload.account for c in page_payloads(inline.data)] == ["0011012345678"]
    printed = db.session.scalars(select(SignPrint)).all()
    assert [p.printed_by_id for p in printed] == [board.id, board.id]


def test_board_of_another_market_gets_404_for_the_stall_sign(client, market):
    other = make_market("Chợ Khác")
    login(client, make_user(Role.BOARD, markets=[other]))
    stall = stall_of(market, "A-01")

    for path in ("sign.pdf?format=a6", "qr.svg", "qr.png"):
        assert client.get(f"/stalls/{stall.id}/{path}").status_code == 404
    assert client.get(f"/markets/{market.id}/signs").status_code == 404


def test_commune_user_cannot_print_signs(client, market):
    login(client, make_user(Role.COMMUNE))
    assert client.get(f"/stalls/{stall_of(market, 'A-01').id}/sign.pdf").status_code == 404


def test_vacant_stall_sign_answers_with_the_reason(client, market):
    login(client, make_user(Role.BOARD, markets=[market]))

    response = client.get(f"/stalls/{stall_of(market, 'C-01').id}/sign.pdf?format=a6")

    assert response.status_code == 409
    assert "Gian hàng bỏ trống" in response.get_data(as_text=True)


def test_bare_qr_downloads_scan_to_the_account(client, market):
    login(client, make_user(Role.BOARD, markets=[market]))
    stall = stall_of(market, "B-01")

    svg = client.get(f"/stalls/{stall.id}/qr.svg")
    png = client.get(f"/stalls/{stall.id}/qr.png")

    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert png.mimetype == "image/png"
    found = read_payloads(Image.open(io.BytesIO(png.data)))
    assert [(r.payload.bank_bin, r.payload.account) for r in found] == [("970415", "9704151234")]


def test_market_page_counts_signs_and_lists_stalls_without_one(client, market):
    login(client, make_user(Role.BOARD, markets=[market]))

    page = client.get(f"/markets/{market.id}/signs").get_data(as_text=True)
    zone_b = client.get(f"/markets/{market.id}/signs?format=a4&zone=B").get_data(as_text=True)

    assert "In 2 biển (PDF)" in page
    assert "C-01" in page and "Gian hàng bỏ trống" in page
    assert "In 1 biển (PDF)" in zone_b


def test_market_page_prints_the_selection(client, market):
    login(client, make_user(Role.BOARD, markets=[market]))

    response = client.post(f"/markets/{market.id}/signs",
                           data={"format": "stickers", "zone": "", "row": ""})

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    found = page_payloads(response.data)
    assert sorted(c.payload.account for c in found[0]) == ["0011012345678", "9704151234"]


def test_market_page_refuses_an_unknown_format(client, market):
    login(client, make_user(Role.BOARD, markets=[market]))

    response = client.get(f"/markets/{market.id}/signs?format=a3")

    assert response.status_code == 400
    assert "field-error" in response.get_data(as_text=True)
