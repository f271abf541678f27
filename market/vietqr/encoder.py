"""Building VietQR payloads (NAPAS transfer to an account or a card)."""

from __future__ import annotations

from binascii import crc_hqx

from .banks import get_bank
from .errors import VietQRError
from .names import to_ascii
from .spec import (
    ACCOUNT_CHARACTERS,
    MAX_ACCOUNT,
    MAX_AMOUNT_DIGITS,
    MAX_BILL,
    MAX_MERCHANT_CITY,
    MAX_MERCHANT_NAME,
    MAX_PURPOSE,
    MAX_REFERENCE,
    NAPAS_GUID,
    SERVICES,
)

# Vietnamese and English names of the text fields, for the refusal messages.
_LABELS = {
    "purpose": ("Nội dung chuyển khoản", "Purpose"),
    "merchant_name": ("Tên người nhận", "Merchant name"),
    "merchant_city": ("Thành phố", "Merchant city"),
    "bill": ("Số hóa đơn", "Bill number"),
    "reference": ("Mã tham chiếu", "Reference"),
}


def encode(
    bank_bin: str,
    account: str,
    *,
    amount: int | None = None,
    purpose: str | None = None,
    service: str = "account",
    bill: str | None = None,
    reference: str | None = None,
    merchant_name: str | None = None,
    merchant_city: str | None = None,
) -> str:
    """The VietQR payload for a NAPAS 247 transfer, CRC included.

    ``service`` is ``"account"`` (QRIBFTTA) or ``"card"`` (QRIBFTTC). An ``amount`` (whole
    dong) makes the code dynamic (point of initiation 12), otherwise it is static (11), as a
    stall sign is. ``purpose`` (62.08), ``merchant_name`` (59) and ``merchant_city`` (60) are
    transliterated to ASCII; names and city are uppercased, the purpose keeps its case.
    ``bill`` (62.01) and ``reference`` (62.05) must already be ASCII. Whitespace runs collapse
    to one space and blank texts count as absent.

    Raises :class:`VietQRError` naming the offending argument; nothing is truncated.
    """
    service_code = SERVICES.get(service) if isinstance(service, str) else None
    if service_code is None:
        raise VietQRError(
            "service",
            "Dịch vụ phải là 'account' (chuyển đến tài khoản) hoặc 'card' (chuyển đến thẻ).",
            "Service must be 'account' or 'card'.",
        )
    _check_bin(bank_bin)
    _check_account(account, card=service == "card")
    beneficiary = f"0006{bank_bin}01{len(account):02d}{account}"
    merchant_account = f"0010{NAPAS_GUID}01{len(beneficiary):02d}{beneficiary}0208{service_code}"
    head = "000201010212" if amount is not None else "000201010211"
    body = f"{head}38{len(merchant_account):02d}{merchant_account}5303704"
    if amount is not None:
        digits = _amount_digits(amount)
        body += f"54{len(digits):02d}{digits}"
    body += "5802VN"
    if merchant_name is not None and (
        name := _text("merchant_name", merchant_name, MAX_MERCHANT_NAME, True, True)
    ):
        body += f"59{len(name):02d}{name}"
    if merchant_city is not None and (
        city := _text("merchant_city", merchant_city, MAX_MERCHANT_CITY, True, True)
    ):
        body += f"60{len(city):02d}{city}"
    additional = ""
    if bill is not None and (text := _text("bill", bill, MAX_BILL, False, False)):
        additional = f"01{len(text):02d}{text}"
    if reference is not None and (
        text := _text("reference", reference, MAX_REFERENCE, False, False)
    ):
        additional += f"05{len(text):02d}{text}"
    if purpose is not None and (text := _text("purpose", purpose, MAX_PURPOSE, True, False)):
        additional += f"08{len(text):02d}{text}"
    if additional:
        body += f"62{len(additional):02d}{additional}"
    body += "6304"
    return f"{body}{crc_hqx(body.encode('ascii'), 0xFFFF):04X}"


def _check_bin(bank_bin: object) -> None:
    if not (
        isinstance(bank_bin, str)
        and len(bank_bin) == 6
        and bank_bin.isascii()
        and bank_bin.isdigit()
    ):
        raise VietQRError(
            "bank_bin",
            f"Mã BIN ngân hàng phải gồm đúng 6 chữ số (nhận được {bank_bin!r}).",
            f"The bank BIN must be exactly 6 digits (got {bank_bin!r}).",
        )
    if get_bank(bank_bin) is None:
        raise VietQRError(
            "bank_bin",
            f"Không có ngân hàng nào mang mã BIN {bank_bin} trong danh mục.",
            f"No bank with BIN {bank_bin} in the bank directory.",
        )


def _check_account(account: object, *, card: bool) -> None:
    if card:
        ok = isinstance(account, str) and account.isascii() and account.isdigit()
        vi, en = "Số thẻ phải gồm 1–19 chữ số.", "A card number must be 1–19 digits."
    else:
        ok = isinstance(account, str) and ACCOUNT_CHARACTERS.issuperset(account)
        vi = "Số tài khoản phải gồm 1–19 ký tự, chỉ chữ số và chữ cái không dấu, không có khoảng trắng."
        en = "An account number must be 1–19 characters: digits and ASCII letters only, no spaces."
    if not ok or not 1 <= len(account) <= MAX_ACCOUNT:
        raise VietQRError("account", vi, en)


def _amount_digits(amount: object) -> str:
    if type(amount) is int and amount > 0:
        digits = str(amount)
        if len(digits) <= MAX_AMOUNT_DIGITS:
            return digits
    raise VietQRError(
        "amount",
        "Số tiền phải là số nguyên dương (đồng), tối đa 13 chữ số.",
        "The amount must be a positive whole number of dong, at most 13 digits.",
    )


def _text(field: str, value: object, limit: int, transliterate: bool, upper: bool) -> str:
    """The payload form of a text argument, or a refusal naming the field."""
    if not isinstance(value, str):
        label_vi, label_en = _LABELS[field]
        raise VietQRError(field, f"{label_vi} phải là chuỗi ký tự.", f"{label_en} must be text.")
    converted = to_ascii(value) if transliterate else value
    text = " ".join(converted.split())
    if upper:
        text = text.upper()
    if not (text.isascii() and text.isprintable()):
        label_vi, label_en = _LABELS[field]
        bad = next(ch for ch in text if not " " <= ch <= "~")
        raise VietQRError(
            field,
            f"{label_vi} có ký tự không dùng được trong mã QR: {bad!r}.",
            f"{label_en} has a character that a QR payload cannot carry: {bad!r}.",
        )
    if len(text) > limit:
        label_vi, label_en = _LABELS[field]
        after_vi, after_en = (
            (" sau khi bỏ dấu", " after removing diacritics") if converted != value else ("", "")
        )
        raise VietQRError(
            field,
            f"{label_vi} quá dài: {len(text)} ký tự{after_vi}, tối đa {limit}. Hãy rút gọn.",
            f"{label_en} is too long: {len(text)} characters{after_en}, at most {limit}. Please shorten it.",
        )
    return text
