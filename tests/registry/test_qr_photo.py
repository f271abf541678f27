"""Registering an account from a photo of the vendor's bank QR: read, check, save."""
import io

from factories import login, make_market, make_stall, make_user, make_vendor
from PIL import Image
from sqlalchemy import func, select

from market.extensions import db
from market.models import AccountSource, BankAccount
from market.vietqr import encode
from market.vietqr.render import render_png


def board_and_stall(client):
    market = make_market()
    stall = make_stall(market, code="A-01", vendor=make_vendor("Nguyễn Thị Lan"))
    login(client, make_user("board", markets=[market]))
    return stall


def upload(client, stall, data: bytes, name: str = "qr.png"):
    return client.post(f"/stalls/{stall.id}/account/photo",
                       data={"photo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(BankAccount))


def test_photo_of_a_vietqr_fills_the_form_and_saving_registers_it(client):
    stall = board_and_stall(client)
    payload = encode("970415", "113366668888", merchant_name="Nguyen Thi Lan")
    response = upload(client, stall, render_png(payload, size_px=400))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="113366668888"' in page
    assert 'selected value="970415"' in page or 'value="970415" selected' in page
    assert 'value="qr_photo"' in page
    assert accounts() == 0  # nothing saved before the person checks and saves
    saved = client.post(f"/stalls/{stall.id}/account", data={
        "bank_bin": "970415", "account_number": "113366668888",
        "account_number_again": "113366668888", "holder_name": "NGUYEN THI LAN",
        "kind": "account", "source": "qr_photo"})
    assert saved.status_code == 302
    account = db.session.scalar(select(BankAccount))
    assert (account.bank_bin, account.account_number) == ("970415", "113366668888")
    assert account.source == AccountSource.QR_PHOTO


def test_photo_without_a_qr_is_refused_beside_the_field(client):
    stall = board_and_stall(client)
    blank = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(blank, "PNG")
    response = upload(client, stall, blank.getvalue())
    assert response.status_code == 400
    assert "Không tìm thấy mã QR trong ảnh" in response.get_data(as_text=True)
    assert accounts() == 0


def test_a_qr_that_is_not_vietqr_is_refused(client):
    stall = board_and_stall(client)
    response = upload(client, stall, render_png("https://example.com/menu", size_px=300))
    assert response.status_code == 400
    assert "không phải mã VietQR" in response.get_data(as_text=True)


def test_wrong_file_type_is_refused(client):
    stall = board_and_stall(client)
    response = upload(client, stall, b"%PDF-1.4 not a photo", name="hop-dong.pdf")
    assert response.status_code == 400
    assert "Chỉ nhận ảnh JPG, PNG hoặc WEBP" in response.get_data(as_text=True)


def test_a_damaged_picture_is_refused(client):
    stall = board_and_stall(client)
    response = upload(client, stall, b"\x89PNG not really", name="anh.png")
    assert response.status_code == 400
    assert "Không mở được ảnh" in response.get_data(as_text=True)


def test_a_50_mb_upload_is_refused_beside_the_field(client):
    stall = board_and_stall(client)
    response = upload(client, stall, b"\0" * (50 * 1024 * 1024), name="to.png")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ảnh quá lớn" in page and "Tài khoản nhận tiền" in page
    assert accounts() == 0


def test_photo_upload_is_refused_for_the_digital_team(client):
    market = make_market()
    stall = make_stall(market, vendor=make_vendor())
    login(client, make_user("team", markets=[market]))
    response = upload(client, stall, render_png(encode("970415", "1133"), size_px=300))
    assert response.status_code == 403


# Published codes (tests/vietqr/data/real_payloads.json) that bank apps scan every day.
MOMO = ("00020101021138620010A00000072701320006970454011899MM24011M348750800208QRIBFTTA"
        "53037045802VN62190515MOMOW2W3487508080030466304EBC8")
MB_EMPTY_PURPOSE = ("00020101021138570010A000000727012700069704220113VQRQADKQM47680208QRIBFTTA"
                    "53037045802VN62150107NPS686908006304FAFE")
QRPUSH = ("00020101021238580010A00000072701300006970403011621129950446040250206QRPUSH"
          "52045812530370454061800005802VN5910PHUONG CAC6005HANOI62110307NPS686963047C1B")


def test_photos_of_wallet_and_bank_stickers_as_printed_fill_the_form(client):
    stall = board_and_stall(client)
    for payload, account in ((MOMO, "99MM24011M34875080"), (MB_EMPTY_PURPOSE, "VQRQADKQM4768")):
        response = upload(client, stall, render_png(payload, size_px=500))
        assert response.status_code == 200
        assert f'value="{account}"' in response.get_data(as_text=True)


def test_a_napas_merchant_payment_code_is_named_not_a_transfer_to_an_account(client):
    stall = board_and_stall(client)
    response = upload(client, stall, render_png(QRPUSH, size_px=500))
    assert response.status_code == 400
    assert "không phải mã chuyển khoản" in response.get_data(as_text=True)
    assert accounts() == 0
