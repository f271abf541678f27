"""The decoded form of a payload: data objects as a tree, and what the app asks of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from .banks import Bank
from .errors import PayloadError
from .spec import MERCHANT_ACCOUNT_TAGS, NAPAS_GUID, SERVICE_NAMES

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


_NAPAS_PURPOSES = {
    "napas_push": (" (thanh toán tại điểm bán)", " (a merchant's point of sale)"),
    "napas_cash": (" (rút tiền tại ATM)", " (a cash withdrawal at an ATM)"),
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
    ``kind`` is ``vietqr_account``, ``vietqr_card``, ``napas_push`` (NAPAS QRPUSH, a
    merchant's point of sale), ``napas_cash`` (QRCASH, an ATM withdrawal), ``napas_other``
    (NAPAS, another or no service code), ``vnpay`` (tag 26 with VNPay's GUID) or ``other``; ``bank`` is the directory entry for a VietQR code's BIN, None when unknown.
    """

    text: str
    values: Mapping[str, str] = dataclasses.field(compare=False)  # read-only, derived from text
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
    def transfer_refusal(self) -> PayloadError | None:
        """Why this well-formed code is not a transfer to an account or card; None if it is."""
        if self.is_vietqr:
            return None
        if self.kind.startswith("napas_"):
            service = self.values.get("38.02")
            named_vi = f"dịch vụ {service}" if service else "không ghi mã dịch vụ (38.02)"
            named_en = f"service {service}" if service else "no service code (38.02)"
            purpose_vi, purpose_en = _NAPAS_PURPOSES.get(self.kind, ("", ""))
            return PayloadError(
                "38.02",
                f"Mã NAPAS {named_vi}{purpose_vi}: không phải mã chuyển khoản đến tài khoản.",
                f"A NAPAS code with {named_en}{purpose_en}: not a transfer to an account.",
                reason="not_account_transfer",
            )
        if self.kind == "vnpay":
            return PayloadError(
                "26",
                "Mã thanh toán cho cửa hàng qua VNPay, không phải mã chuyển khoản VietQR.",
                "A VNPay merchant code, not a VietQR transfer.",
                reason="not_vietqr",
            )
        return PayloadError(
            "payload",
            "Mã QR thanh toán này không phải mã chuyển khoản VietQR (không có mẫu NAPAS ở trường 38).",
            "This payment code is not a VietQR transfer (no NAPAS template in field 38).",
            reason="not_vietqr",
        )

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
        return SERVICE_NAMES.get(self.service_code or "")

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


def _field_name(path: str) -> str:
    top, _, rest = path.partition(".")
    if not rest:
        if top in MERCHANT_ACCOUNT_TAGS:
            return "Merchant account information"
        return TAG_NAMES.get(top, "Unreserved template" if top >= "80" else "Unknown")
    if top == "62":
        return _ADDITIONAL_NAMES.get(rest, "Payment system specific" if rest >= "50" else "Unknown")
    if top == "64":
        return _LANGUAGE_NAMES.get(rest, "Unknown")
    if top == "38" and rest in _NAPAS_NAMES:
        return _NAPAS_NAMES[rest]
    if top in MERCHANT_ACCOUNT_TAGS:
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
