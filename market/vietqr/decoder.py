"""Reading any EMVCo merchant-presented payload into fields, VietQR recognised."""

from __future__ import annotations

from binascii import crc_hqx
import dataclasses
from dataclasses import dataclass

from .banks import Bank, get_bank
from .encoder import MAX_ACCOUNT, MAX_AMOUNT_DIGITS, NAPAS_GUID
from .errors import PayloadError

VNPAY_GUID = "A000000775"
KINDS = ("vietqr_account", "vietqr_card", "vnpay", "other")
_TRANSFER_KINDS = {"QRIBFTTA": "vietqr_account", "QRIBFTTC": "vietqr_card"}
_SERVICE_NAMES = {"QRIBFTTA": "account", "QRIBFTTC": "card"}

# Tags whose values are themselves lists of data objects (EMVCo merchant-presented mode).
_MERCHANT_ACCOUNT_TAGS = frozenset(f"{n:02d}" for n in range(26, 52))
_FLAT_TEMPLATE_TAGS = frozenset(["64", *(f"{n:02d}" for n in range(80, 100))])
_ADDITIONAL_TEMPLATE_TAGS = frozenset(f"{n:02d}" for n in range(50, 100))
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
_MERCHANT_ACCOUNT_NAMES = {"00": "Globally unique identifier", "01": "Payment network data", "02": "Service code"}
_NAPAS_NAMES = {"01": "Beneficiary organisation", "01.00": "Acquirer ID (bank BIN)", "01.01": "Account or card number"}
_LANGUAGE_NAMES = {"00": "Language preference", "01": "Merchant name, alternate language", "02": "Merchant city, alternate language"}


@dataclass(frozen=True, slots=True)
class Field:
    """One data object; ``fields`` holds the nested objects when the value is a template."""

    tag: str
    value: str
    fields: tuple[Field, ...] = ()

    def get(self, tag: str) -> Field | None:
        """The nested data object with this tag, or None."""
        for child in self.fields:
            if child.tag == tag:
                return child
        return None


@dataclass(frozen=True, slots=True)
class Payload:
    """A decoded payload: every data object in order, plus what the app needs to know.

    ``kind`` is ``vietqr_account``, ``vietqr_card``, ``vnpay`` (tag 26 with VNPay's GUID) or
    ``other``; ``bank`` is the directory entry for the BIN, None when unknown.
    """

    text: str
    fields: tuple[Field, ...]
    kind: str
    bank: Bank | None
    _index: dict[str, Field] = dataclasses.field(repr=False, compare=False)

    def field(self, path: str) -> Field | None:
        """The data object at a dotted tag path such as ``"38.01.00"``, or None."""
        tags = path.split(".")
        found = self._index.get(tags[0])
        for tag in tags[1:]:
            if found is None:
                return None
            found = found.get(tag)
        return found

    def value(self, path: str) -> str | None:
        """The value at a dotted tag path, or None when absent."""
        found = self.field(path)
        return None if found is None else found.value

    @property
    def is_vietqr(self) -> bool:
        """Whether this is a NAPAS 247 transfer code (to an account or a card)."""
        return self.kind in ("vietqr_account", "vietqr_card")

    @property
    def point_of_initiation(self) -> str | None:
        """``"11"`` (static) or ``"12"`` (dynamic), None when absent."""
        return self.value("01")

    @property
    def is_static(self) -> bool:
        """A reusable code (a stall sign) rather than one for a single payment."""
        poi = self.value("01")
        return poi == "11" or (poi is None and "54" not in self._index)

    @property
    def _napas(self) -> Field | None:
        account = self._index.get("38")
        return account if account is not None and account.value.startswith("0010" + NAPAS_GUID) else None

    @property
    def bank_bin(self) -> str | None:
        """The BIN of the beneficiary's bank (38.01.00) in a NAPAS code."""
        return self.value("38.01.00") if self._napas else None

    @property
    def account(self) -> str | None:
        """The beneficiary account or card number (38.01.01) in a NAPAS code."""
        return self.value("38.01.01") if self._napas else None

    @property
    def service_code(self) -> str | None:
        """The NAPAS service code (38.02), e.g. ``QRIBFTTA``."""
        return self.value("38.02") if self._napas else None

    @property
    def service(self) -> str | None:
        """``"account"`` or ``"card"`` for a VietQR transfer, else None."""
        return _SERVICE_NAMES.get(self.service_code or "")

    @property
    def merchant_id(self) -> str | None:
        """The VNPay merchant identifier (26.01) in a VNPay code."""
        return self.value("26.01") if self.kind == "vnpay" else None

    @property
    def currency(self) -> str | None:
        """ISO 4217 numeric currency (53), ``"704"`` for dong."""
        return self.value("53")

    @property
    def amount_text(self) -> str | None:
        """The amount (54) exactly as written."""
        return self.value("54")

    @property
    def amount(self) -> int | None:
        """The amount as a whole number, None when absent or (foreign currency) fractional."""
        text = self.value("54")
        if text is None:
            return None
        whole, _, fraction = text.partition(".")
        return int(whole or "0") if not fraction.strip("0") else None

    @property
    def country(self) -> str | None:
        """Country code (58)."""
        return self.value("58")

    @property
    def merchant_name(self) -> str | None:
        """Merchant name (59)."""
        return self.value("59")

    @property
    def merchant_city(self) -> str | None:
        """Merchant city (60)."""
        return self.value("60")

    @property
    def bill(self) -> str | None:
        """Bill number (62.01)."""
        return self.value("62.01")

    @property
    def reference(self) -> str | None:
        """Reference label (62.05)."""
        return self.value("62.05")

    @property
    def terminal(self) -> str | None:
        """Terminal label (62.07)."""
        return self.value("62.07")

    @property
    def purpose(self) -> str | None:
        """Purpose of transaction (62.08)."""
        return self.value("62.08")

    @property
    def crc(self) -> str:
        """The CRC as written in the payload (63)."""
        return self._index["63"].value

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
    top = _split(text, 0, len(text), "")
    _check_frame(text, top)
    fields = []
    index = {}
    for tag, start, end in top:
        if tag in _MERCHANT_ACCOUNT_TAGS:
            built = Field(tag, text[start:end], _merchant_account(text, start, end, tag))
        elif tag == "62":
            built = Field(tag, text[start:end], _additional_data(text, start, end))
        elif tag in _FLAT_TEMPLATE_TAGS:
            built = Field(tag, text[start:end], _flat(text, start, end, tag + "."))
        else:
            built = Field(tag, text[start:end])
        fields.append(built)
        index[tag] = built
    kind, bank_bin = _check_content(index)
    return Payload(text, tuple(fields), kind, get_bank(bank_bin) if bank_bin else None, index)


def _split(text: str, start: int, end: int, prefix: str) -> list[tuple[str, int, int]]:
    """(tag, value start, value end) for each data object in ``text[start:end]``."""
    items = []
    seen = set()
    where = prefix.rstrip(".") or "payload"
    i = start
    while i < end:
        if i + 4 > end:
            raise PayloadError(
                where,
                f"Mã QR bị cắt cụt ở vị trí {i}: thiếu mã trường hoặc độ dài.",
                f"Truncated at position {i}: a tag and a two-digit length were expected.",
            )
        tag = text[i : i + 2]
        length = text[i + 2 : i + 4]
        if not tag.isdigit():
            raise PayloadError(
                where,
                f"Mã trường {tag!r} ở vị trí {i} không phải hai chữ số.",
                f"Tag {tag!r} at position {i} is not two digits.",
            )
        path = prefix + tag
        if not length.isdigit() or length == "00":
            raise PayloadError(
                path,
                f"Độ dài {length!r} của trường {path} không hợp lệ (phải từ 01 đến 99).",
                f"Length {length!r} of field {path} is invalid (must be 01 to 99).",
            )
        value_end = i + 4 + int(length)
        if value_end > end:
            raise PayloadError(
                path,
                f"Trường {path} khai báo {int(length)} ký tự nhưng chỉ còn {end - i - 4}: mã QR bị cắt hoặc sai độ dài.",
                f"Field {path} declares {int(length)} characters but only {end - i - 4} remain: truncated or wrong length.",
            )
        if tag in seen:
            raise PayloadError(path, f"Trường {path} xuất hiện hai lần.", f"Field {path} appears twice.")
        seen.add(tag)
        items.append((tag, i + 4, value_end))
        i = value_end
    return items


def _flat(text: str, start: int, end: int, prefix: str) -> tuple[Field, ...]:
    return tuple(Field(tag, text[s:e]) for tag, s, e in _split(text, start, end, prefix))


def _merchant_account(text: str, start: int, end: int, tag: str) -> tuple[Field, ...]:
    items = _split(text, start, end, tag + ".")
    napas = tag == "38" and any(t == "00" and text[s:e] == NAPAS_GUID for t, s, e in items)
    return tuple(
        Field(t, text[s:e], _flat(text, s, e, f"{tag}.01.")) if napas and t == "01" else Field(t, text[s:e])
        for t, s, e in items
    )


def _additional_data(text: str, start: int, end: int) -> tuple[Field, ...]:
    return tuple(
        Field(t, text[s:e], _flat(text, s, e, f"62.{t}.")) if t in _ADDITIONAL_TEMPLATE_TAGS else Field(t, text[s:e])
        for t, s, e in _split(text, start, end, "62.")
    )


def _check_frame(text: str, top: list[tuple[str, int, int]]) -> None:
    first_tag, first_start, first_end = top[0]
    if first_tag != "00" or text[first_start:first_end] != "01":
        raise PayloadError(
            "00",
            "Mã QR phải bắt đầu bằng trường 00 có giá trị 01 (định dạng EMVCo).",
            "The payload must start with field 00 = 01 (EMVCo payload format indicator).",
        )
    last_tag, last_start, last_end = top[-1]
    if last_tag != "63" or last_end - last_start != 4:
        raise PayloadError(
            "63",
            "Mã QR phải kết thúc bằng trường 63 (mã kiểm tra CRC, 4 ký tự).",
            "The payload must end with field 63, a 4-character CRC.",
        )
    written = text[last_start:]
    if not _HEX.issuperset(written):
        raise PayloadError(
            "63", f"Mã kiểm tra CRC {written!r} không phải số hex.", f"CRC {written!r} is not hexadecimal."
        )
    computed = crc_hqx(text[:last_start].encode("ascii"), 0xFFFF)
    if int(written, 16) != computed:
        raise PayloadError(
            "63",
            f"Mã kiểm tra CRC sai (ghi {written}, tính được {computed:04X}): mã QR bị hỏng hoặc bị sửa.",
            f"CRC mismatch (written {written}, computed {computed:04X}): the payload is damaged or altered.",
        )


def _check_content(index: dict[str, Field]) -> tuple[str, str | None]:
    """Check the values the app relies on; return the payload's kind and transfer BIN."""
    poi = index.get("01")
    if poi is not None and poi.value not in ("11", "12"):
        raise PayloadError(
            "01",
            f"Phương thức khởi tạo {poi.value!r} không hợp lệ (phải là 11 hoặc 12).",
            f"Point of initiation {poi.value!r} is invalid (must be 11 or 12).",
        )
    currency = index.get("53")
    if currency is not None and not (len(currency.value) == 3 and currency.value.isdigit()):
        raise PayloadError(
            "53", "Mã tiền tệ phải gồm 3 chữ số.", "The currency must be a 3-digit ISO 4217 code."
        )
    amount = index.get("54")
    if amount is not None:
        _check_amount(amount.value, dong=currency is None or currency.value == "704")
    transfer = _napas_transfer(index.get("38"))
    if transfer is not None:
        return transfer
    vnpay = index.get("26")
    return ("vnpay" if vnpay is not None and vnpay.value.startswith("0010" + VNPAY_GUID) else "other"), None


def _check_amount(text: str, *, dong: bool) -> None:
    whole, dot, fraction = text.partition(".")
    ok = len(text) <= MAX_AMOUNT_DIGITS and whole.isdigit() and (not dot or fraction.isdigit())
    if ok and dong and fraction.strip("0"):
        raise PayloadError(
            "54",
            f"Số tiền {text!r} có phần lẻ, nhưng tiền đồng không có phần thập phân.",
            f"Amount {text!r} has a fraction, but the dong has no minor unit.",
        )
    if not ok:
        raise PayloadError(
            "54",
            f"Số tiền {text!r} không hợp lệ (tối đa 13 ký tự, chỉ chữ số và dấu chấm).",
            f"Amount {text!r} is invalid (at most 13 characters: digits and one decimal point).",
        )


def _napas_transfer(account: Field | None) -> tuple[str, str] | None:
    """(kind, BIN) for a well-formed NAPAS transfer template, None for anything else."""
    guid = account.get("00") if account is not None else None
    if guid is None or guid.value != NAPAS_GUID:
        return None
    service = account.get("02")
    kind = _TRANSFER_KINDS.get(service.value) if service is not None else None
    if kind is None:
        return None
    beneficiary = account.get("01")
    bank_bin = beneficiary.get("00") if beneficiary is not None else None
    number = beneficiary.get("01") if beneficiary is not None else None
    if beneficiary is None or bank_bin is None or number is None:
        raise PayloadError(
            "38.01",
            "Mã VietQR thiếu mã BIN ngân hàng (38.01.00) hoặc số tài khoản/thẻ (38.01.01).",
            "The VietQR code lacks the bank BIN (38.01.00) or the account/card number (38.01.01).",
        )
    if not (len(bank_bin.value) == 6 and bank_bin.value.isdigit()):
        raise PayloadError(
            "38.01.00",
            f"Mã BIN ngân hàng {bank_bin.value!r} phải gồm đúng 6 chữ số.",
            f"The bank BIN {bank_bin.value!r} must be exactly 6 digits.",
        )
    card = kind == "vietqr_card"
    if len(number.value) > MAX_ACCOUNT or not (number.value.isdigit() if card else _ALNUM.issuperset(number.value)):
        raise PayloadError(
            "38.01.01",
            f"Số {'thẻ' if card else 'tài khoản'} {number.value!r} không hợp lệ (tối đa 19 "
            f"{'chữ số' if card else 'chữ số hoặc chữ cái'}).",
            f"The {'card' if card else 'account'} number {number.value!r} is invalid (at most 19 "
            f"{'digits' if card else 'digits or letters'}).",
        )
    return kind, bank_bin.value


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
