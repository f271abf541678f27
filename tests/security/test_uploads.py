"""Abusive uploads are refused by their content, with a reason, and nothing is kept."""
import io
import zipfile

import pytest
from factories import login, make_stall, make_user, make_vendor
from PIL import Image
from sqlalchemy import func, select

from market.dashboard import reports
from market.extensions import db
from market.models import BankAccount, ImportJob, PaymentActivity
from market.signs.pdf import url_fetcher

SVG_WITH_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)'
                   b'</script></svg>')


def photo_page(client):
    stall = make_stall(vendor=make_vendor())
    login(client, make_user("admin"))
    return f"/stalls/{stall.id}/account/photo"


def upload_photo(client, url, content: bytes, name: str):
    return client.post(url, data={"photo": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def decompression_bomb_png() -> bytes:
    """A 20 000 × 20 000 picture (400 million pixels) that compresses to a few hundred kB."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_a_photo_of_the_wrong_type_is_refused(client):
    url = photo_page(client)
    response = upload_photo(client, url, b"%PDF-1.4 not a photo", "sticker.pdf")
    assert response.status_code == 400
    assert "Chỉ nhận ảnh JPG, PNG hoặc WEBP" in response.get_data(as_text=True)


def test_an_svg_with_script_is_refused_whatever_its_name(client):
    url = photo_page(client)
    for name in ("sticker.svg", "sticker.png"):
        response = upload_photo(client, url, SVG_WITH_SCRIPT, name)
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert "<script>alert" not in body and response.mimetype == "text/html"
    assert db.session.scalar(select(func.count()).select_from(BankAccount)) == 0


def test_a_decompression_bomb_png_is_refused(client):
    url = photo_page(client)
    response = upload_photo(client, url, decompression_bomb_png(), "sticker.png")
    assert response.status_code == 400
    assert "Không mở được ảnh" in response.get_data(as_text=True)


def test_an_upload_over_the_size_limit_is_refused_before_reading(client, app):
    url = photo_page(client)
    too_big = b"\x89PNG" + bytes(app.config["MAX_CONTENT_LENGTH"])
    response = upload_photo(client, url, too_big, "sticker.png")
    assert response.status_code in (400, 413)
    assert "Ảnh quá lớn (tối đa 25 MB)" in response.get_data(as_text=True)


def upload_sheet(client, content: bytes, name: str):
    return client.post("/registry/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def zip_bomb_xlsx() -> bytes:
    """A zip of a few hundred kB whose one entry inflates to 300 MB of zeros."""
    out = io.BytesIO()
    with (zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
          archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry):
        chunk = bytes(1024 * 1024)
        for _ in range(300):
            entry.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_spreadsheet_is_refused_and_nothing_is_kept(client):
    login(client, make_user("admin"))
    response = upload_sheet(client, zip_bomb_xlsx(), "danh-sach.xlsx")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_a_spreadsheet_is_recognised_by_content_not_name(client):
    login(client, make_user("admin"))
    for content, name in ((SVG_WITH_SCRIPT, "danh-sach.xlsx"), (b"\x89PNG\r\n\x1a\n\0\0", "a.csv"),
                          (b"PK\x03\x04 broken zip", "danh-sach.xlsx")):
        response = upload_sheet(client, content, name)
        assert response.status_code == 400, name
        assert "<script>alert" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_an_activity_report_that_is_not_csv_text_is_refused(client):
    login(client, make_user("admin"))
    huge_field = b"account_number,date,count,amount\n" + b"1" * 200_000 + b",01/11/2026,1,1\n"
    for content in (b"\xff\xfe\x00bad", huge_field):
        response = client.post("/monitor/activity/import", content_type="multipart/form-data",
                                data={"report": (io.BytesIO(content), "bao-cao.csv"),
                                      "confirm": "y"})
        assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PaymentActivity)) == 0


def test_pdf_rendering_fetches_nothing_outside_the_document():
    fetcher = url_fetcher()
    for url in ("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/",
                "https://example.com/logo.png"):
        with pytest.raises(ValueError):
            fetcher(url)
    assert reports.url_fetcher is url_fetcher  # the dashboard's report uses the same fetcher
