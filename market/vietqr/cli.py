"""``qr`` command group: encode, decode and read VietQR codes from the terminal.

Plain click, so the app can mount it (``app.cli.add_command(qr)`` → ``flask --app market qr …``)
and it also runs on its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import click

from .decoder import decode
from .encoder import encode
from .errors import VietQRError
from .read import read_payloads
from .render import render_png, render_svg


def _fail(error: VietQRError) -> NoReturn:
    click.echo(f"Lỗi ({error.field}): {error.message_vi}", err=True)
    raise SystemExit(1)


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(name="qr")
def qr() -> None:
    """VietQR: tạo, giải mã và đọc mã QR chuyển khoản (encode, decode, read)."""


@qr.command("encode")
@click.option("--bin", "bank_bin", required=True, help="Mã BIN ngân hàng (6 chữ số), ví dụ 970403.")
@click.option("--account", required=True, help="Số tài khoản (hoặc số thẻ với --card).")
@click.option("--amount", type=int, help="Số tiền (đồng); có số tiền thì mã là mã động.")
@click.option("--purpose", help="Nội dung chuyển khoản (≤ 25 ký tự sau khi bỏ dấu).")
@click.option("--bill", help="Số hóa đơn (62.01).")
@click.option("--reference", help="Mã tham chiếu (62.05).")
@click.option("--name", "merchant_name", help="Tên người nhận (59).")
@click.option("--city", "merchant_city", help="Thành phố (60).")
@click.option("--card", is_flag=True, help="Chuyển đến số thẻ (QRIBFTTC) thay vì số tài khoản.")
@click.option(
    "--svg",
    "svg_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi mã QR ra tệp SVG.",
)
@click.option(
    "--png",
    "png_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi mã QR ra tệp PNG.",
)
@click.option("--size-mm", default=40.0, show_default=True, help="Cỡ mã trong tệp SVG (mm).")
@click.option("--size-px", default=600, show_default=True, help="Cỡ tối đa của ảnh PNG (điểm ảnh).")
def encode_command(
    bank_bin: str,
    account: str,
    amount: int | None,
    purpose: str | None,
    bill: str | None,
    reference: str | None,
    merchant_name: str | None,
    merchant_city: str | None,
    card: bool,
    svg_file: Path | None,
    png_file: Path | None,
    size_mm: float,
    size_px: int,
) -> None:
    """In ra nội dung VietQR; ghi thêm ảnh SVG/PNG nếu được yêu cầu."""
    try:
        payload = encode(
            bank_bin,
            account,
            amount=amount,
            purpose=purpose,
            service="card" if card else "account",
            bill=bill,
            reference=reference,
            merchant_name=merchant_name,
            merchant_city=merchant_city,
        )
        if svg_file is not None:
            svg_file.write_text(
                render_svg(payload, size_mm=size_mm, xml_declaration=True), encoding="utf-8"
            )
        if png_file is not None:
            png_file.write_bytes(render_png(payload, size_px=size_px))
    except VietQRError as error:
        _fail(error)
    click.echo(payload)


@qr.command("decode")
@click.argument("payload")
def decode_command(payload: str) -> None:
    """Giải mã một nội dung QR và in mọi trường dưới dạng JSON."""
    try:
        decoded = decode(payload.strip())
    except VietQRError as error:
        _fail(error)
    _print_json(decoded.to_dict())


@qr.command("read")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def read_command(image: Path) -> None:
    """Đọc mọi mã QR trong một ảnh (PNG/JPEG) và in nội dung cùng kết quả giải mã (JSON)."""
    try:
        results = read_payloads(image.read_bytes())
    except VietQRError as error:
        _fail(error)
    if not results:
        click.echo("Lỗi (image): Không tìm thấy mã QR nào trong ảnh.", err=True)
        raise SystemExit(1)
    _print_json([result.to_dict() for result in results])
