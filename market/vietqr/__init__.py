"""VietQR codec: encode, decode, render and read NAPAS 247 transfer QR codes.

Pure Python and free of Flask, so it can be used on its own::

    from market.vietqr import encode, decode
    payload = encode("970403", "0011012345678", amount=180000, purpose="Tiền hàng")
    decode(payload).bank.short_name  # "Sacombank"
"""

from .banks import Bank, all_banks, get_bank, search_banks
from .decoder import Field, Payload, decode
from .encoder import encode
from .errors import ImageError, PayloadError, VietQRError
from .names import holder_name, same_holder, to_ascii
from .tlv import crc16, crc_hex

__all__ = [
    "Bank",
    "Field",
    "ImageError",
    "Payload",
    "PayloadError",
    "VietQRError",
    "all_banks",
    "crc16",
    "crc_hex",
    "decode",
    "encode",
    "get_bank",
    "holder_name",
    "same_holder",
    "search_banks",
    "to_ascii",
]
