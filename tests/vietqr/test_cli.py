import json

import pytest
from click.testing import CliRunner

from market.vietqr.cli import qr
from market.vietqr.read import read_qr_texts

from .conftest import NAPAS_DYNAMIC, NAPAS_STATIC_ACCOUNT, NAPAS_STATIC_CARD


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(qr, list(args))


def test_encode_prints_the_payload(run):
    result = run("encode", "--bin", "970403", "--account", "0011012345678")
    assert result.exit_code == 0
    assert result.stdout.strip() == NAPAS_STATIC_ACCOUNT


def test_encode_card_with_amount_bill_and_purpose(run):
    assert run(
        "encode", "--bin", "970403", "--account", "9704031101234567", "--card"
    ).stdout.strip() == (NAPAS_STATIC_CARD)
    result = run(
        "encode",
        "--bin",
        "970403",
        "--account",
        "0011012345678",
        "--amount",
        "180000",
        "--bill",
        "NPS6869",
        "--purpose",
        "thanh toán đơn hàng",
    )
    assert result.stdout.strip() == NAPAS_DYNAMIC


def test_encode_writes_svg_and_png(run, tmp_path):
    svg, png = tmp_path / "sign.svg", tmp_path / "sign.png"
    result = run(
        "encode",
        "--bin",
        "970403",
        "--account",
        "0011012345678",
        "--svg",
        str(svg),
        "--png",
        str(png),
        "--size-mm",
        "30",
    )
    assert result.exit_code == 0
    assert svg.read_text(encoding="utf-8").startswith("<?xml")
    assert 'width="30mm"' in svg.read_text(encoding="utf-8")
    assert read_qr_texts(png.read_bytes()) == [NAPAS_STATIC_ACCOUNT]


def test_encode_refusal_goes_to_stderr_in_vietnamese(run):
    result = run("encode", "--bin", "970403", "--account", "0011012345678", "--purpose", "x" * 30)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Lỗi (purpose): Nội dung chuyển khoản quá dài")


def test_decode_prints_every_field_as_json(run):
    result = run("decode", NAPAS_DYNAMIC)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["bank_bin"], data["amount"], data["bill"]) == ("970403", 180000, "NPS6869")
    assert data["bank"]["name"] == "Ngân hàng TMCP Sài Gòn Thương Tín"
    assert [field["tag"] for field in data["fields"]] == [
        "00",
        "01",
        "38",
        "53",
        "54",
        "58",
        "62",
        "63",
    ]


def test_decode_refusal(run):
    result = run("decode", NAPAS_STATIC_ACCOUNT[:-4] + "0000")
    assert result.exit_code == 1
    assert "Lỗi (63): Mã kiểm tra CRC sai" in result.stderr


def test_read_prints_every_code_found(run, tmp_path):
    png = tmp_path / "sign.png"
    run("encode", "--bin", "970403", "--account", "0011012345678", "--png", str(png))
    result = run("read", str(png))
    assert result.exit_code == 0
    [found] = json.loads(result.stdout)
    assert found["text"] == NAPAS_STATIC_ACCOUNT
    assert found["payload"]["kind"] == "vietqr_account" and found["error"] is None


def test_read_bad_image_and_image_without_code(run, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a jpeg")
    result = run("read", str(broken))
    assert result.exit_code == 1 and result.stderr.startswith("Lỗi (image): Không mở được ảnh")

    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    result = run("read", str(blank))
    assert result.exit_code == 1 and "Không tìm thấy mã QR" in result.stderr
