"""Reading any EMVCo merchant-presented payload into fields, VietQR recognised."""

from __future__ import annotations

import re
from binascii import crc_hqx
from itertools import islice
from types import MappingProxyType

from .banks import get_bank
from .errors import PayloadError
from .payload import Payload
from .spec import (
    ACCOUNT_CHARACTERS,
    MAX_ACCOUNT,
    MAX_AMOUNT_DIGITS,
    MERCHANT_ACCOUNT_TAGS,
    NAPAS_GUID,
    VNPAY_GUID,
)

_TRANSFER_KINDS = {"QRIBFTTA": "vietqr_account", "QRIBFTTC": "vietqr_card"}
# NAPAS services that pay a merchant's point of sale or withdraw cash at an ATM: real
# codes, named as such, but not a transfer to the account a stall sign stands for.
_NAPAS_KINDS = {"QRPUSH": "napas_push", "QRCASH": "napas_cash"}

# Tags whose values are themselves lists of data objects (EMVCo merchant-presented mode):
# merchant account templates 26–51, additional data 62, alternate language 64 and the
# unreserved templates 80–99. Inside 62, IDs 50–99 are templates too, and inside NAPAS's
# 38 the beneficiary organisation 01 is.
_UNRESERVED_TAGS = frozenset(f"{n:02d}" for n in range(80, 100))
_TEMPLATE_TAGS = MERCHANT_ACCOUNT_TAGS | {"62", "64"} | _UNRESERVED_TAGS
_HEX = frozenset("0123456789ABCDEFabcdef")


def decode(text: str) -> Payload:
    """Parse and check an EMVCo merchant-presented payload.

    Checks framing (two-digit tags and lengths, no overrun, no duplicate tag), 00 = "01"
    first, 63 last with a CRC-16/CCITT-FALSE that matches (either hex case), nested
    templates (26–51, 62, 64, 80–99), and for a NAPAS transfer the BIN and account shape,
    currency 704 and country VN. Liberal where real codes differ from the letter of the
    standard: an empty sub-field reads as absent, an unreserved template (80–99) that is
    not a list of data objects is kept as a plain value, and tag 64 may hold Unicode.
    Unknown tags are kept. Raises :class:`PayloadError` naming the tag path at fault.
    """
    if not isinstance(text, str) or not text:
        raise PayloadError("payload", "Mã QR trống.", "The QR payload is empty.", reason="empty")
    if not (text.isascii() and text.isprintable()):
        _check_characters(text)
    values: dict[str, str] = {}
    _scan(text, "", values)
    _check_frame(text, values)
    for tag in sorted(_TEMPLATE_TAGS.intersection(values)):
        if tag == "38" and _scan_napas_transfer(values["38"], values):
            continue
        if tag in _UNRESERVED_TAGS:
            _scan_unreserved(tag, values)
            continue
        added = _scan(values[tag], tag + ".", values)
        if tag == "62":
            for path in [p for p in islice(reversed(values), added) if p >= "62.50"]:
                _scan(values[path], path + ".", values)
        elif tag == "38" and values.get("38.00") == NAPAS_GUID and "38.01" in values:
            _scan(values["38.01"], "38.01.", values)
    kind, bank_bin = _check_content(values)
    return Payload(text, MappingProxyType(values), kind, get_bank(bank_bin) if bank_bin else None)


def _scan(text: str, prefix: str, values: dict[str, str]) -> int:
    """Add ``prefix + tag`` → value to ``values`` for each data object in ``text``.

    Returns how many were added. This loop is the decoder's hot path, hence the terse form.
    """
    end = len(text)
    before = count = len(values)
    i = 0
    while i < end:
        value_start = i + 4
        head = text[i:value_start]
        if not (head.isascii() and head.isdigit()) or value_start > end:
            _refuse_header(text, i, prefix)
        value_end = value_start + int(head) % 100
        if value_end == value_start and prefix:  # an empty sub-field reads as absent
            i = value_end
            continue
        if value_end > end or value_end == value_start:
            _refuse_length(prefix + head[:2], head[2:], end - value_start)
        values[prefix + head[:2]] = text[value_start:value_end]
        count += 1
        i = value_end
    if len(values) != count:
        _refuse_duplicate(text, prefix)
    return count - before


# Tag 38 of a VietQR transfer as every encoder writes it: GUID, beneficiary (BIN, account
# or card number), service. One match costs a third of scanning its two levels; any other
# shape takes the general scan, which yields the same values.
_NAPAS_TRANSFER = re.compile(
    r"0010A00000072701(\d\d)0006(\d{6})01(\d\d)([0-9A-Za-z]{1,19})0208(QRIBFTT[AC])"
)


def _scan_unreserved(tag: str, values: dict[str, str]) -> None:
    """Add the objects of an unreserved template, or keep it whole when it holds none.

    Wallets put plain values there (MoMo writes the last digits of a phone number in 80).
    """
    nested: dict[str, str] = {}
    try:
        _scan(values[tag], tag + ".", nested)
    except PayloadError:
        return
    values.update(nested)


def _check_characters(text: str) -> None:
    """Refuse a character outside printable ASCII, except inside tag 64's value.

    The alternate-language template 64 has EMVCo format "S" and may hold any Unicode
    text; every other value is ASCII. Objects are walked only as far as they are framed:
    the first offending character is named wherever it stands.
    """
    allowed = range(0)
    i = 0
    while i + 4 <= len(text) and text[i : i + 4].isascii() and text[i : i + 4].isdigit():
        start, end = i + 4, i + 4 + int(text[i + 2 : i + 4])
        if text[i : i + 2] == "64":
            allowed = range(start, min(end, len(text)))
        i = end
    for position, char in enumerate(text):
        if position in allowed and char.isprintable():
            continue
        if not " " <= char <= "~":
            raise PayloadError(
                "payload",
                f"Mã QR chứa ký tự không hợp lệ {char!r} ở vị trí {position}.",
                f"The payload holds a character outside printable ASCII, {char!r}, at position {position}.",
                reason="character",
            )


def _scan_napas_transfer(value: str, values: dict[str, str]) -> bool:
    """Add the objects of a canonical NAPAS transfer template; False if it is not one."""
    match = _NAPAS_TRANSFER.fullmatch(value)
    if match is None:
        return False
    beneficiary_length, bank_bin, account_length, account, service = match.groups()
    if int(account_length) != len(account) or int(beneficiary_length) != 14 + len(account):
        return False
    values["38.00"] = NAPAS_GUID
    values["38.01"] = value[18 : 32 + len(account)]
    values["38.02"] = service
    values["38.01.00"] = bank_bin
    values["38.01.01"] = account
    return True


def _where(prefix: str) -> tuple[str, str, str]:
    """The field path for an error, and how to say where in each language."""
    if not prefix:
        return "payload", "của mã QR", "of the payload"
    path = prefix[:-1]
    return path, f"của trường {path}", f"of field {path}"


def _refuse_header(text: str, i: int, prefix: str) -> None:
    where, in_vi, in_en = _where(prefix)
    if i + 4 > len(text):
        raise PayloadError(
            where,
            f"Bị cắt cụt ở vị trí {i} {in_vi}: thiếu mã trường hoặc độ dài.",
            f"Truncated at position {i} {in_en}: a tag and a two-digit length were expected.",
            reason="framing",
        )
    tag, length = text[i : i + 2], text[i + 2 : i + 4]
    if not (tag.isascii() and tag.isdigit()):
        raise PayloadError(
            where,
            f"Mã trường {tag!r} ở vị trí {i} {in_vi} không phải hai chữ số.",
            f"Tag {tag!r} at position {i} {in_en} is not two digits.",
            reason="framing",
        )
    _refuse_length(prefix + tag, length, len(text) - i - 4)


def _refuse_length(path: str, length: str, remaining: int) -> None:
    if not (length.isascii() and length.isdigit()) or length == "00":
        raise PayloadError(
            path,
            f"Độ dài {length!r} của trường {path} không hợp lệ (phải từ 01 đến 99).",
            f"Length {length!r} of field {path} is invalid (must be 01 to 99).",
            reason="framing",
        )
    raise PayloadError(
        path,
        f"Trường {path} khai báo {int(length)} ký tự nhưng chỉ còn {remaining}: bị cắt cụt hoặc sai độ dài.",
        f"Field {path} declares {int(length)} characters but only {remaining} remain: truncated or wrong length.",
        reason="framing",
    )


def _refuse_duplicate(text: str, prefix: str) -> None:
    """Name the repeated tag of a text already known to be well framed."""
    seen = set()
    i = 0
    while i < len(text):
        path = prefix + text[i : i + 2]
        if path in seen:
            raise PayloadError(
                path,
                f"Trường {path} xuất hiện hai lần.",
                f"Field {path} appears twice.",
                reason="duplicate",
            )
        seen.add(path)
        i += 4 + int(text[i + 2 : i + 4])


def _check_frame(text: str, values: dict[str, str]) -> None:
    # Once the scan has succeeded, a text starting "000201" has 00 = "01" as its first object.
    if not text.startswith("000201"):
        raise PayloadError(
            "00",
            "Mã QR phải bắt đầu bằng trường 00 có giá trị 01 (định dạng EMVCo).",
            "The payload must start with field 00 = 01 (EMVCo payload format indicator).",
            reason="format_indicator",
        )
    if next(reversed(values)) != "63" or len(values["63"]) != 4:
        raise PayloadError(
            "63",
            "Mã QR phải kết thúc bằng trường 63 (mã kiểm tra CRC, 4 ký tự).",
            "The payload must end with field 63, a 4-character CRC.",
            reason="crc",
        )
    written = text[-4:]
    if not _HEX.issuperset(written):
        raise PayloadError(
            "63",
            f"Mã kiểm tra CRC {written!r} không phải số hex.",
            f"CRC {written!r} is not hexadecimal.",
            reason="crc",
        )
    computed = crc_hqx(text[:-4].encode("utf-8"), 0xFFFF)
    if int(written, 16) != computed:
        raise PayloadError(
            "63",
            f"Mã kiểm tra CRC sai (ghi {written}, tính được {computed:04X}): mã QR bị hỏng hoặc bị sửa.",
            f"CRC mismatch (written {written}, computed {computed:04X}): the payload is damaged or altered.",
            reason="crc",
        )


def _check_content(values: dict[str, str]) -> tuple[str, str | None]:
    """Check the values the app relies on; return the payload's kind and transfer BIN."""
    poi = values.get("01")
    if poi is not None and poi != "11" and poi != "12":
        raise PayloadError(
            "01",
            f"Phương thức khởi tạo {poi!r} không hợp lệ (phải là 11 hoặc 12).",
            f"Point of initiation {poi!r} is invalid (must be 11 or 12).",
            reason="initiation",
        )
    currency = values.get("53")
    if currency is not None and not (len(currency) == 3 and currency.isdigit()):
        raise PayloadError(
            "53",
            "Mã tiền tệ phải gồm 3 chữ số.",
            "The currency must be a 3-digit ISO 4217 code.",
            reason="currency",
        )
    amount = values.get("54")
    if amount is not None:
        _check_amount(amount, dong=currency is None or currency == "704")
    if values.get("38.00") == NAPAS_GUID:
        service = values.get("38.02", "")
        kind = _TRANSFER_KINDS.get(service)
        if kind is None:
            return _NAPAS_KINDS.get(service, "napas_other"), None
        bank_bin = _check_beneficiary(values, card=kind == "vietqr_card")
        _check_dong_in_vietnam(values)
        return kind, bank_bin
    vnpay = values.get("26.00") == VNPAY_GUID
    return ("vnpay" if vnpay else "other"), None


_TRANSFER_PLACE = (
    ("53", "704", "currency", "Mã tiền tệ", "Currency", "đồng Việt Nam (704)", "the dong (704)"),
    ("58", "VN", "country", "Mã quốc gia", "Country", "VN", "VN"),
)


def _check_dong_in_vietnam(values: dict[str, str]) -> None:
    """A NAPAS 247 transfer moves dong between Vietnamese accounts: 53 = 704, 58 = VN."""
    for tag, wanted, reason, what_vi, what_en, wanted_vi, wanted_en in _TRANSFER_PLACE:
        written = values.get(tag)
        if written is not None and written != wanted:
            raise PayloadError(
                tag,
                f"{what_vi} {written!r} không phải {wanted_vi}: không nhận là mã chuyển khoản VietQR.",
                f"{what_en} {written!r} is not {wanted_en}: not accepted as a VietQR transfer.",
                reason=reason,
            )


def _check_amount(text: str, *, dong: bool) -> None:
    whole, dot, fraction = text.partition(".")
    if not (len(text) <= MAX_AMOUNT_DIGITS and whole.isdigit() and (not dot or fraction.isdigit())):
        raise PayloadError(
            "54",
            f"Số tiền {text!r} không hợp lệ (tối đa 13 ký tự, chỉ chữ số và dấu chấm).",
            f"Amount {text!r} is invalid (at most 13 characters: digits and one decimal point).",
            reason="amount",
        )
    if dong and fraction.strip("0"):
        raise PayloadError(
            "54",
            f"Số tiền {text!r} có phần lẻ, nhưng tiền đồng không có phần thập phân.",
            f"Amount {text!r} has a fraction, but the dong has no minor unit.",
            reason="amount",
        )


def _check_beneficiary(values: dict[str, str], *, card: bool) -> str:
    """The BIN of a NAPAS transfer, once BIN and account/card number are well formed."""
    bank_bin = values.get("38.01.00")
    number = values.get("38.01.01")
    if bank_bin is None or number is None:
        raise PayloadError(
            "38.01",
            "Mã VietQR thiếu mã BIN ngân hàng (38.01.00) hoặc số tài khoản/thẻ (38.01.01).",
            "The VietQR code lacks the bank BIN (38.01.00) or the account/card number (38.01.01).",
            reason="beneficiary",
        )
    if not (len(bank_bin) == 6 and bank_bin.isdigit()):
        raise PayloadError(
            "38.01.00",
            f"Mã BIN ngân hàng {bank_bin!r} phải gồm đúng 6 chữ số.",
            f"The bank BIN {bank_bin!r} must be exactly 6 digits.",
            reason="beneficiary",
        )
    if len(number) > MAX_ACCOUNT or not (
        number.isdigit() if card else ACCOUNT_CHARACTERS.issuperset(number)
    ):
        what_vi, what_en = ("thẻ", "card") if card else ("tài khoản", "account")
        chars_vi, chars_en = (
            ("chữ số", "digits") if card else ("chữ số hoặc chữ cái", "digits or letters")
        )
        raise PayloadError(
            "38.01.01",
            f"Số {what_vi} {number!r} không hợp lệ (tối đa 19 {chars_vi}).",
            f"The {what_en} number {number!r} is invalid (at most 19 {chars_en}).",
            reason="beneficiary",
        )
    return bank_bin
