"""The monthly report holds up: November's figures only, the same when generated again in
December, its terms defined, its pages readable, its workbook usable."""
from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime, timedelta

import pypdfium2
import pytest
from factories import login, make_commune, make_market, make_trading_stall, make_user
from monitor.makers import inspection, payments, sign_for, tenant_stall
from openpyxl import load_workbook
from sqlalchemy import update

from market.extensions import db
from market.models import AdoptionSnapshot, Role
from market.models.evidence import ScanResult
from market.monitor import clock
from market.monitor.snapshots import write_snapshots

pytestmark = pytest.mark.usefixtures("app")

NOVEMBER_DAYS = (date(2026, 10, 31), date(2026, 11, 15), date(2026, 11, 30))
DECEMBER_2 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def snapshot_day(day: date, written_at: datetime) -> None:
    """The night run's snapshots of ``day``, written at ``written_at``."""
    write_snapshots(day, None)
    db.session.execute(update(AdoptionSnapshot).where(AdoptionSnapshot.day == day)
                       .values(computed_at=written_at))
    db.session.flush()


def close_day(day: date) -> None:
    snapshot_day(day, clock.day_end(day) + timedelta(minutes=10))


@pytest.fixture
def on_december_2(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: DECEMBER_2)


def build_november(area):
    """Two markets whose stalls stand on different steps, with November's nights closed."""
    mun, van = area["mun"], area["van"]
    active, account = tenant_stall(mun)
    sign_for(active, account, "S-1")
    payments(active, date(2026, 11, 25), 3)
    shown, account = tenant_stall(mun)
    sign_for(shown, account, "S-2")
    inspection(shown, date(2026, 11, 20), account=account, scan=ScanResult.MATCH)
    tenant_stall(mun)
    tenant_stall(van, account=False)
    for _ in range(3):
        tenant_stall(van, account=False)
    for day in NOVEMBER_DAYS:
        close_day(day)


@pytest.fixture
def area():
    commune = make_commune("Xã Kim Chung")
    mun = make_market("Chợ Mun", commune=commune)
    van = make_market("Chợ Dốc Vân", commune=commune, market_class=3)
    user = make_user(Role.COMMUNE, unit=commune)
    return {"commune": commune, "mun": mun, "van": van, "user": user}


def report(client, commune, month="2026-11", kind="pdf"):
    response = client.get(f"/dashboard/report.{kind}?unit={commune.id}&month={month}")
    assert response.status_code == 200
    return response.data


def workbook_values(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_november_report_is_unchanged_by_stalls_imported_on_2_december(client, area, on_december_2):
    build_november(area)
    login(client, area["user"])
    pdf_before = pdf_text(report(client, area["commune"]))
    book_before = workbook_values(report(client, area["commune"], kind="xlsx"))

    for n in range(200):
        make_trading_stall(area["mun" if n % 2 else "van"], account_number=f"1000{n:06d}")
    db.session.flush()
    close_day(date(2026, 12, 1))
    snapshot_day(date(2026, 12, 2), DECEMBER_2)  # today's provisional figures
    db.session.commit()

    assert pdf_text(report(client, area["commune"])) == pdf_before
    assert workbook_values(report(client, area["commune"], kind="xlsx")) == book_before
    # November's figures: the last closed day of November, every count from that one day.
    assert "ngày 30/11/2026" in pdf_before
    summary = dict(row[:2] for row in book_before["Tổng hợp"] if row and row[0])
    assert summary["Số liệu ngày"] == datetime(2026, 11, 30)
    assert summary["Gian hàng đang kinh doanh"] == 7
    assert summary["Có tài khoản"] == 3
    steps = {row[0]: row[1] for row in book_before["Các bậc"][4:]}
    assert steps["Chưa có tài khoản"] == 4 and sum(steps.values()) == 7
    # The December report counts the new stalls, from 1 December (2 December is not closed).
    december = workbook_values(report(client, area["commune"], month="2026-12", kind="xlsx"))
    summary = dict(row[:2] for row in december["Tổng hợp"] if row and row[0])
    assert summary["Số liệu ngày"] == datetime(2026, 12, 1)
    assert summary["Gian hàng đang kinh doanh"] == 207


def test_a_month_without_a_closed_day_says_so(client, area, on_december_2):
    build_november(area)
    snapshot_day(date(2026, 12, 2), DECEMBER_2)
    login(client, area["user"])
    text = pdf_text(report(client, area["commune"], month="2026-12"))
    assert "Tháng 12/2026 chưa có ngày nào được chốt số liệu." in text
    assert "Chợ Mun" not in text


def test_report_defaults_to_the_month_of_the_last_closed_day(client, area, on_december_2):
    build_november(area)
    login(client, area["user"])
    response = client.get(f"/dashboard/report.pdf?unit={area['commune'].id}")
    assert 'bao-cao-cho40-' in response.headers["Content-Disposition"]
    assert "2026-11.pdf" in response.headers["Content-Disposition"]
    assert "Báo cáo Chợ 4.0 tháng 11/2026: Xã Kim Chung" in pdf_text(response.data)


def test_pdf_pages_carry_the_month_the_commune_every_market_and_the_definitions(
        client, area, on_december_2, tmp_path):
    build_november(area)
    for n in range(60):
        make_market(f"Chợ số {n + 1:02d} Kim Chung", commune=area["commune"])
    for day in NOVEMBER_DAYS:
        close_day(day)
    login(client, area["user"])
    content = report(client, area["commune"])
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "trang")], check=True)
    pages = pypdfium2.PdfDocument(content)
    assert len(list(tmp_path.glob("trang-*.png"))) == len(pages) > 1

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "tháng 11/2026" in text and "Xã Kim Chung" in text
    for name in ("Chợ Mun", "Chợ Dốc Vân", *(f"Chợ số {n + 1:02d} Kim Chung" for n in range(60))):
        assert name in text
    assert "Cách tính số liệu" in text
    for term in ("Đã treo mã QR", "Đang dùng QR", "giao dịch QR trong 30 ngày"):
        assert term in text
    # Shares the Vietnamese way: 3 of 7 stalls have an account.
    assert "42,9 %" in text and "42.9" not in text

    # Every page with rows of the market table repeats its header; the last page is not a
    # few leftover rows but ends with the definitions.
    page_texts = [" ".join(page.get_textpage().get_text_range().split()) for page in pages]
    for number, page_text in enumerate(page_texts):
        if "Chợ số" in page_text:
            assert "Tên Số gian hàng" in page_text and "Chợ 4.0" in page_text, number
    assert "Cách tính số liệu" in page_texts[-1]


def test_xlsx_has_real_dates_fitted_columns_a_frozen_header_and_text_kept_as_text(
        client, area, on_december_2):
    area["mun"].name = "=HYPERLINK(\"http://x\",\"Chợ Mun\")"
    build_november(area)
    login(client, area["user"])
    book = load_workbook(io.BytesIO(report(client, area["commune"], kind="xlsx")))
    assert book.properties.title == "Báo cáo Chợ 4.0 tháng 11/2026: Xã Kim Chung"
    for sheet in book:
        assert sheet["A1"].value == "Báo cáo Chợ 4.0 tháng 11/2026: Xã Kim Chung", sheet.title
        assert sheet.freeze_panes == "A5"
        assert sheet["B2"].is_date and sheet["B2"].number_format == "dd/mm/yyyy"
        for column in ("A", "B"):
            assert sheet.column_dimensions[column].width >= 8
    table = book["Bảng chợ"]
    header = [cell.value for cell in table[4]]
    names = {row[header.index("Tên")].value: row for row in table.iter_rows(min_row=5)}
    formula_like = names["=HYPERLINK(\"http://x\",\"Chợ Mun\")"][header.index("Tên")]
    assert formula_like.data_type == "s"
    width = table.column_dimensions["B"].width
    assert len("=HYPERLINK(\"http://x\",\"Chợ Mun\")") <= width <= 60
    trend = book["Xu hướng"]
    days = [row[0].value for row in trend.iter_rows(min_row=5)]
    assert [d.date() for d in days] == [date(2026, 10, 31), date(2026, 11, 30)]  # each month's last
    assert all(row[0].number_format == "dd/mm/yyyy" for row in trend.iter_rows(min_row=5))
    assert book["Cách tính"]["A5"].value == "Gian hàng đang kinh doanh"


def test_the_dashboard_and_the_report_define_their_terms_with_the_same_words(client, area, on_december_2):
    from market.dashboard.definitions import definitions

    build_november(area)
    login(client, area["user"])
    page = client.get(f"/dashboard/units/{area['commune'].id}").get_data(as_text=True)
    book = load_workbook(io.BytesIO(report(client, area["commune"], kind="xlsx")))
    written = [(row[0], row[1]) for row in book["Cách tính"].iter_rows(min_row=5, values_only=True)]
    assert written == [(d.term, d.meaning) for d in definitions()]
    for term, meaning in written:
        assert meaning.replace("“", "&#8220;").replace("”", "&#8221;") in page or meaning in page
    assert "Cách tính số liệu" in page


def test_report_in_english_uses_english_numbers_and_terms(client, area, on_december_2):
    build_november(area)
    login(client, area["user"])
    client.get("/language/en")
    text = pdf_text(report(client, area["commune"]))
    assert "42.9 %" in text and "How the figures are counted" in text
    assert "Name Stalls" in " ".join(text.split())  # the count column, not "Stall"
