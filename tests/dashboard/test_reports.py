"""The monthly report: the market table in the PDF, the same figures in the XLSX."""
from __future__ import annotations

import io

import pypdfium2
import pytest
from factories import login
from openpyxl import load_workbook
from sqlalchemy import select

from dashboard.fixtures import MONTH_AGO, build_area
from market.extensions import db
from market.models import AdoptionSnapshot

pytestmark = pytest.mark.usefixtures("app")


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def market_share(market, rung: str) -> float:
    row = db.session.scalar(
        select(AdoptionSnapshot).where(AdoptionSnapshot.market_id == market.id)
        .order_by(AdoptionSnapshot.day.desc()).limit(1)
    )
    return round(100 * getattr(row, f"reached_{rung}") / row.operating, 1)


def test_pdf_report_contains_the_market_table(client):
    area = build_area()
    login(client, area.commune_user)
    response = client.get(f"/dashboard/report.pdf?unit={area.commune.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Báo cáo Chợ 4.0 tháng 11/2026: Xã Đông Anh" in text
    assert "Bảng chợ" in text and "Số gian hàng theo bậc" in text and "Cách tính số liệu" in text
    for market in area.markets:
        assert market.name in text
        assert f"{market_share(market, 'active'):.1f} %".replace(".", ",") in text
    assert "Chợ Sáng Thư Lâm" not in text


def test_xlsx_report_has_the_same_figures(client):
    area = build_area()
    login(client, area.commune_user)
    response = client.get(f"/dashboard/report.xlsx?unit={area.commune.id}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    table = book["Bảng chợ"]
    header = [cell.value for cell in table[4]]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in table.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {m.name for m in area.markets}
    for market in area.markets:
        row = rows[market.name]
        assert row["Đang dùng QR (%)"] == market_share(market, "active")
        assert row["Đã treo mã QR (%)"] == market_share(market, "displayed")
        assert row["Có tài khoản (%)"] == market_share(market, "registered")
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Gian hàng đang kinh doanh"] == 5
    steps = {r[0]: r[1] for r in book["Các bậc"].iter_rows(min_row=5, values_only=True)}
    assert steps["Chưa có tài khoản"] == 1 and sum(steps.values()) == 5


def test_report_of_an_earlier_month_uses_that_month_s_last_snapshot(client):
    area = build_area()
    login(client, area.commune_user)
    month = f"{MONTH_AGO:%Y-%m}"
    response = client.get(f"/dashboard/report.xlsx?unit={area.commune.id}&month={month}")
    book = load_workbook(io.BytesIO(response.data))
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Số liệu ngày"].date() == MONTH_AGO
    assert book["Tổng hợp"]["A1"].value == f"Báo cáo Chợ 4.0 tháng {MONTH_AGO:%m/%Y}: Xã Đông Anh"
    page = client.get(f"/dashboard/units/{area.commune.id}").get_data(as_text=True)
    assert 'name="month" value="2026-11"' in page
