"""Reading any EMVCo merchant-presented payload into fields, VietQR recognised."""

from __future__ import annotations

from binascii import crc_hqx
from dataclasses import dataclass
from itertools import islice

from .banks import Bank, get_bank
from .encoder import MAX_ACCOUNT, MAX_AMOUNT_DIGITS, NAPAS_GUID
from .errors import PayloadError

VNPAY_GUID = "A000000775"
KINDS = ("vietqr_account", "vietqr_card", "vnpay", "other")
_TRANSFER_KINDS = {"QRIBFTTA": "vietqr_account", "QRIBFTTC": "vietqr_card"}
_SERVICE_NAMES = {"QRIBFTTA": "account", "QRIBFTTC": "card"}

# Tags whose values are themselves lists of data objects (EMVCo merchant-presented mode):
# merchant account templates 26–51, additional data 62, alternate language 64 and the
# unreserved templates 80–99. Inside 62, IDs 50–99 are templates too, and inside NAPAS's
# 38 the beneficiary organisation 01 is.
_MERCHANT_ACCOUNT_TAGS = frozenset(f"{n:02d}" for n in range(26, 52))
_TEMPLATE_TAGS = _MERCHANT_ACCOUNT_TAGS | {"62", "64"} | {f"{n:02d}" for n in range(80, 100)}
_HEX = frozenset("0123456789ABCDEFabcdef")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

TAG_NAMES = {
    "00": "Payload format indicator",
    "01": "Point of initiation method",
    "52": "Merchant category code",
    "53": "Transaction currency",
    "54": "Transaction amount",
    "55": "Tip or convenience indicator",
    "56": "Convenience fee fixed",
    "57": "Convenience fee percentage",
    "58": "Country code",
    "59": "Merchant name",
    "60": "Merchant city",
    "61": "Postal code",
    "62": "Additional data",
    "63": "CRC",
    "64": "Merchant information, alternate language",
}
_ADDITIONAL_NAMES = {
    "01": "Bill number",
    "02": "Mobile number",
    "03": "Store label",
    "04": "Loyalty number",
    "05": "Reference label",
    "06": "Customer label",
    "07": "Terminal label",
    "08": "Purpose of transaction",
    "09": "Additional consumer data request",
}
_MERCHANT_ACCOUNT_NAMES = {
    "00": "Globally unique identifier",
    "01": "Payment network data",
    "02": "Service code",
}
_NAPAS_NAMES = {
    "01": "Beneficiary organisation",
    "01.00": "Acquirer ID (bank BIN)",
    "01.01": "Account or card number",
}
_LANGUAGE_NAMES = {
    "00": "Language preference",
    "01": "Merchant name, alternate language",
    "02": "Merchant city, alternate language",
}


@dataclass(frozen=True, slots=True)
class Field:
    """One data object; ``fields`` holds the nested objects when the value is a template."""

    tag: str
    value: str
    fields: tuple[Field, ...] = ()

    def get(self, tag: str) -> Field | None:
        """The nested data object with this tag, or None."""
        return next((child for child in self.fields if child.tag == tag), None)


@dataclass(frozen=True, slots=True)
class Payload:
    """A decoded payload and what the app needs to know about it.

    ``values`` maps every data object's dotted tag path (``"38.01.00"``) to its value: the
    top-level objects in payload order, then the nested ones template by template;
    :attr:`fields` gives the same as a tree in payload order.
    ``kind`` is ``vietqr_account``, ``vietqr_card``, ``vnpay`` (tag 26 with VNPay's GUID) or
    ``other``; ``bank`` is the directory entry for a VietQR code's BIN, None when unknown.
    """

    text: str
    values: dict[str, str]
    kind: str
    bank: Bank | None

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every top-level data object, templates with their nested objects."""
        children: dict[str, list[str]] = {"": []}
        for path in self.values:
            children[path] = []
            children[path.rpartition(".")[0]].append(path)

        def build(path: str) -> Field:
            return Field(
                path.rpartition(".")[2], self.values[path], tuple(build(c) for c in children[path])
            )

        return tuple(build(path) for path in children[""])

    def field(self, path: str) -> Field | None:
        """The data object at a dotted tag path such as ``"38.01"``, or None."""
        if path not in self.values:
            return None
        top, _, rest = path.partition(".")
        found = next(f for f in self.fields if f.tag == top)
        for tag in rest.split(".") if rest else ():
            found = found.get(tag)
        return found

    def value(self, path: str) -> str | None:
        """The value at a dotted tag path, or None when absent."""
        return self.values.get(path)

    @property
    def is_vietqr(self) -> bool:
        """Whether this is a NAPAS 247 transfer code (to an account or a card)."""
        return self.kind in ("vietqr_account", "vietqr_card")

    @property
    def point_of_initiation(self) -> str | None:
        """``"11"`` (static) or ``"12"`` (dynamic), None when absent."""
        return self.values.get("01")

    @property
    def is_static(self) -> bool:
        """A reusable code (a stall sign) rather than one for a single payment."""
        poi = self.values.get("01")
        return poi == "11" or (poi is None and "54" not in self.values)

    @property
    def _napas(self) -> bool:
        return self.values.get("38.00") == NAPAS_GUID

    @property
    def bank_bin(self) -> str | None:
        """The BIN of the beneficiary's bank (38.01.00) in a NAPAS code."""
        return self.values.get("38.01.00") if self._napas else None

    @property
    def account(self) -> str | None:
        """The beneficiary account or card number (38.01.01) in a NAPAS code."""
        return self.values.get("38.01.01") if self._napas else None

    @property
    def service_code(self) -> str | None:
        """The NAPAS service code (38.02), e.g. ``QRIBFTTA``."""
        return self.values.get("38.02") if self._napas else None

    @property
    def service(self) -> str | None:
        """``"account"`` or ``"card"`` for a VietQR transfer, else None."""
        return _SERVICE_NAMES.get(self.service_code or "")

    @property
    def merchant_id(self) -> str | None:
        """The VNPay merchant identifier (26.01) in a VNPay code."""
        return self.values.get("26.01") if self.kind == "vnpay" else None

    @property
    def currency(self) -> str | None:
        """ISO 4217 numeric currency (53), ``"704"`` for dong."""
        return self.values.get("53")

    @property
    def amount_text(self) -> str | None:
        """The amount (54) exactly as written."""
        return self.values.get("54")

    @property
    def amount(self) -> int | None:
        """The amount as a whole number, None when absent or (foreign currency) fractional."""
        text = self.values.get("54")
        if text is None:
            return None
        whole, _, fraction = text.partition(".")
        return int(whole or "0") if not fraction.strip("0") else None

    @property
    def country(self) -> str | None:
        """Country code (58)."""
        return self.values.get("58")

    @property
    def merchant_name(self) -> str | None:
        """Merchant name (59)."""
        return self.values.get("59")

    @property
    def merchant_city(self) -> str | None:
        """Merchant city (60)."""
        return self.values.get("60")

    @property
    def bill(self) -> str | None:
        """Bill number (62.01)."""
        return self.values.get("62.01")

    @property
    def reference(self) -> str | None:
        """Reference label (62.05)."""
        return self.values.get("62.05")

    @property
    def terminal(self) -> str | None:
        """Terminal label (62.07)."""
        return self.values.get("62.07")

    @property
    def purpose(self) -> str | None:
        """Purpose of transaction (62.08)."""
        return self.values.get("62.08")

    @property
    def crc(self) -> str:
        """The CRC as written in the payload (63)."""
        return self.values["63"]

    def to_dict(self) -> dict[str, object]:
        """Every field and every convenience value as plain data, for JSON."""
        return {
            "payload": self.text,
            "kind": self.kind,
            "is_vietqr": self.is_vietqr,
            "is_static": self.is_static,
            "bank_bin": self.bank_bin,
            "bank": None if self.bank is None else self.bank.to_dict(),
            "account": self.account,
            "service": self.service,
            "merchant_id": self.merchant_id,
            "amount": self.amount,
            "currency": self.currency,
            "purpose": self.purpose,
            "bill": self.bill,
            "reference": self.reference,
            "merchant_name": self.merchant_name,
            "merchant_city": self.merchant_city,
            "crc": self.crc,
            "fields": [_field_dict(f, f.tag) for f in self.fields],
        }


def decode(text: str) -> Payload:
    """Parse and check an EMVCo merchant-presented payload.

    Checks framing (two-digit tags and lengths, no overrun, no duplicate tag), 00 = "01"
    first, 63 last with a CRC-16/CCITT-FALSE that matches (either hex case), nested
    templates (26–51, 62, 64, 80–99), and for a NAPAS transfer the BIN and account shape.
    Unknown tags are kept. Raises :class:`PayloadError` naming the tag path at fault.
    """
    if not isinstance(text, str) or not text:
        raise PayloadError("payload", "Mã QR trống.", "The QR payload is empty.")
    if not (text.isascii() and text.isprintable()):
        position, char = next((i, c) for i, c in enumerate(text) if not " " <= c <= "~")
        raise PayloadError(
            "payload",
            f"Mã QR chứa ký tự không hợp lệ {char!r} ở vị trí {position}.",
            f"The payload holds a character outside printable ASCII, {char!r}, at position {position}.",
        )
    values: dict[str, str] = {}
    _scan(text, "", values)
    _check_frame(text, values)
    for tag in sorted(_TEMPLATE_TAGS.intersection(values)):
        added = _scan(values[tag], tag + ".", values)
        if tag == "62":
            for path in [p for p in islice(reversed(values), added) if p >= "62.50"]:
                _scan(values[path], path + ".", values)
        elif tag == "38" and values.get("38.00") == NAPAS_GUID and "38.01" in values:
            _scan(values["38.01"], "38.01.", values)
    kind, bank_bin = _check_content(values)
    return Payload(text, values, kind, get_bank(bank_bin) if bank_bin else None)


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
        if not head.isdigit() or value_start > end:
            _refuse_header(text, i, prefix)
        value_end = value_start + int(head) % 100
        if value_end > end or value_end == value_start:
            _refuse_length(prefix + head[:2], head[2:], end - value_start)
        values[prefix + head[:2]] = text[value_start:value_end]
        count += 1
        i = value_end
    if len(values) != count:
        _refuse_duplicate(text, prefix)
    return count - before


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
        )
    tag, length = text[i : i + 2], text[i + 2 : i + 4]
    if not tag.isdigit():
        raise PayloadError(
            where,
            f"Mã trường {tag!r} ở vị trí {i} {in_vi} không phải hai chữ số.",
            f"Tag {tag!r} at position {i} {in_en} is not two digits.",
        )
    _refuse_length(prefix + tag, length, len(text) - i - 4)


def _refuse_length(path: str, length: str, remaining: int) -> None:
    if not length.isdigit() or length == "00":
        raise PayloadError(
            path,
            f"Độ dài {length!r} của trường {path} không hợp lệ (phải từ 01 đến 99).",
            f"Length {length!r} of field {path} is invalid (must be 01 to 99).",
        )
    raise PayloadError(
        path,
        f"Trường {path} khai báo {int(length)} ký tự nhưng chỉ còn {remaining}: bị cắt cụt hoặc sai độ dài.",
        f"Field {path} declares {int(length)} characters but only {remaining} remain: truncated or wrong length.",
    )


def _refuse_duplicate(text: str, prefix: str) -> None:
    """Name the repeated tag of a text already known to be well framed."""
    seen = set()
    i = 0
    while i < len(text):
        path = prefix + text[i : i + 2]
        if path in seen:
            raise PayloadError(
                path, f"Trường {path} xuất hiện hai lần.", f"Field {path} appears twice."
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
        )
    if next(reversed(values)) != "63" or len(values["63"]) != 4:
        raise PayloadError(
            "63",
            "Mã QR phải kết thúc bằng trường 63 (mã kiểm tra CRC, 4 ký tự).",
            "The payload must end with field 63, a 4-character CRC.",
        )
    written = text[-4:]
    if not _HEX.issuperset(written):
        raise PayloadError(
            "63",
            f"Mã kiểm tra CRC {written!r} không phải số hex.",
            f"CRC {written!r} is not hexadecimal.",
        )
    computed = crc_hqx(text[:-4].encode("ascii"), 0xFFFF)
    if int(written, 16) != computed:
        raise PayloadError(
            "63",
            f"Mã kiểm tra CRC sai (ghi {written}, tính được {computed:04X}): mã QR bị hỏng hoặc bị sửa.",
            f"CRC mismatch (written {written}, computed {computed:04X}): the payload is damaged or altered.",
        )


def _check_content(values: dict[str, str]) -> tuple[str, str | None]:
    """Check the values the app relies on; return the payload's kind and transfer BIN."""
    poi = values.get("01")
    if poi is not None and poi != "11" and poi != "12":
        raise PayloadError(
            "01",
            f"Phương thức khởi tạo {poi!r} không hợp lệ (phải là 11 hoặc 12).",
            f"Point of initiation {poi!r} is invalid (must be 11 or 12).",
        )
    currency = values.get("53")
    if currency is not None and not (len(currency) == 3 and currency.isdigit()):
        raise PayloadError(
            "53", "Mã tiền tệ phải gồm 3 chữ số.", "The currency must be a 3-digit ISO 4217 code."
        )
    amount = values.get("54")
    if amount is not None:
        _check_amount(amount, dong=currency is None or currency == "704")
    if values.get("38.00") == NAPAS_GUID:
        kind = _TRANSFER_KINDS.get(values.get("38.02", ""))
        if kind is not None:
            return kind, _check_beneficiary(values, card=kind == "vietqr_card")
    vnpay = values.get("26.00") == VNPAY_GUID
    return ("vnpay" if vnpay else "other"), None


def _check_amount(text: str, *, dong: bool) -> None:
    whole, dot, fraction = text.partition(".")
    if not (len(text) <= MAX_AMOUNT_DIGITS and whole.isdigit() and (not dot or fraction.isdigit())):
        raise PayloadError(
            "54",
            f"Số tiền {text!r} không hợp lệ (tối đa 13 ký tự, chỉ chữ số và dấu chấm).",
            f"Amount {text!r} is invalid (at most 13 characters: digits and one decimal point).",
        )
    if dong and fraction.strip("0"):
        raise PayloadError(
            "54",
            f"Số tiền {text!r} có phần lẻ, nhưng tiền đồng không có phần thập phân.",
            f"Amount {text!r} has a fraction, but the dong has no minor unit.",
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
        )
    if not (len(bank_bin) == 6 and bank_bin.isdigit()):
        raise PayloadError(
            "38.01.00",
            f"Mã BIN ngân hàng {bank_bin!r} phải gồm đúng 6 chữ số.",
            f"The bank BIN {bank_bin!r} must be exactly 6 digits.",
        )
    if len(number) > MAX_ACCOUNT or not (number.isdigit() if card else _ALNUM.issuperset(number)):
        what_vi, what_en = ("thẻ", "card") if card else ("tài khoản", "account")
        chars_vi, chars_en = (
            ("chữ số", "digits") if card else ("chữ số hoặc chữ cái", "digits or letters")
        )
        raise PayloadError(
            "38.01.01",
            f"Số {what_vi} {number!r} không hợp lệ (tối đa 19 {chars_vi}).",
            f"The {what_en} number {number!r} is invalid (at most 19 {chars_en}).",
        )
    return bank_bin


def _field_name(path: str) -> str:
    top, _, rest = path.partition(".")
    if not rest:
        if top in _MERCHANT_ACCOUNT_TAGS:
            return "Merchant account information"
        return TAG_NAMES.get(top, "Unreserved template" if top >= "80" else "Unknown")
    if top == "62":
        return _ADDITIONAL_NAMES.get(rest, "Payment system specific" if rest >= "50" else "Unknown")
    if top == "64":
        return _LANGUAGE_NAMES.get(rest, "Unknown")
    if top == "38" and rest in _NAPAS_NAMES:
        return _NAPAS_NAMES[rest]
    if top in _MERCHANT_ACCOUNT_TAGS:
        return _MERCHANT_ACCOUNT_NAMES.get(rest, "Unknown")
    return "Unknown"


def _field_dict(item: Field, path: str) -> dict[str, object]:
    data: dict[str, object] = {
        "tag": item.tag,
        "path": path,
        "name": _field_name(path),
        "length": len(item.value),
        "value": item.value,
    }
    if item.fields:
        data["fields"] = [_field_dict(child, f"{path}.{child.tag}") for child in item.fields]
    return data
