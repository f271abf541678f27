"""VietQR codec: encode, decode, render and read NAPAS 247 transfer QR codes.

Pure Python and free of Flask, so it can be used on its own::

    from market.vietqr import encode, decode
    payload = encode("970403", "0011012345678", amount=180000, purpose="Tiền hàng")
    decode(payload).bank.short_name  # "Sacombank"

The ``qr`` command group lives in :mod:`market.vietqr.cli`.
"""

from .banks import Bank, all_banks, get_bank, search_banks
from .decoder import decode
from .encoder import encode
from .errors import ImageError, PayloadError, VietQRError
from .names import holder_name, same_holder, to_ascii
from .payload import Field, Payload
from .read import ReadResult, read_payloads, read_qr_texts
from .render import (
    clear_render_cache,
    render_branded_png,
    render_cache_info,
    render_png,
    render_svg,
)
from .tlv import crc16, crc_hex

__all__ = [
    "Bank",
    "Field",
    "ImageError",
    "Payload",
    "PayloadError",
    "ReadResult",
    "VietQRError",
    "all_banks",
    "clear_render_cache",
    "crc16",
    "crc_hex",
    "decode",
    "encode",
    "get_bank",
    "holder_name",
    "read_payloads",
    "read_qr_texts",
    "render_branded_png",
    "render_cache_info",
    "render_png",
    "render_svg",
    "same_holder",
    "search_banks",
    "to_ascii",
]
