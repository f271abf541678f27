"""The registry spreadsheet's columns: Vietnamese headers, and how each cell is read.

The headers are the file format (the template, the export and the import share them), so
they are fixed Vietnamese text and not translated. Every cell parser returns the clean
value or raises ``CellError`` with a Vietnamese message; ``parse_row`` collects them all.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from flask_babel import get_locale

from market.models.registry import (
    CATEGORY_LABELS,
    STATUS_LABELS,
    GoodsCategory,
    StallStatus,
)
from market.texts import N_, Bilingual
from market.vietqr import VietQRError, all_banks, encode, holder_name, to_ascii


class CellError(ValueError):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int  # in the XLSX template and export, in characters
    parse: Callable[[str], Any]


def fold(text: str) -> str:
    """A key for comparing labels and headers: no case, accents or spacing differences."""
    return " ".join(to_ascii(unicodedata.normalize("NFC", text)).casefold().split())


def plain(text: str) -> str:
    return " ".join(text.split())


def limited(limit: int, *, required: bool = False, upper: bool = False) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = plain(text)
        if upper:
            value = value.upper()
        if required and not value:
            raise CellError(N_("Thiếu thông tin bắt buộc."))
        if len(value) > limit:
            raise CellError(N_("Dài quá %(limit)s ký tự.", limit=limit))
        return value

    return parse


def whole_number(low: int, high: int) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        value = plain(text)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            raise CellError(N_("«%(value)s» không phải là số nguyên.", value=value))
        number = int(value)
        if not low <= number <= high:
            raise CellError(
                N_("Phải nằm trong khoảng %(low)s–%(high)s.", low=low, high=high)
            )
        return number

    return parse


LABELS = {GoodsCategory: CATEGORY_LABELS, StallStatus: STATUS_LABELS}


@lru_cache(maxsize=16)
def _labelled(enum_cls, locale: str) -> dict[str, Any]:
    """Every accepted spelling of an enum member: its code and its label in ``locale``."""
    labels = LABELS[enum_cls]
    accepted = {fold(member.value): member for member in enum_cls}
    accepted.update({fold(str(label)): member for member, label in labels.items()})
    return accepted


def choice(enum_cls, *, default=None) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = plain(text)
        if not value:
            if default is None:
                raise CellError(N_("Thiếu thông tin bắt buộc."))
            return default
        # Labels are lazy strings: accept them in the language of the moment.
        member = _labelled(enum_cls, str(get_locale())).get(fold(value))
        if member is None:
            raise CellError(N_("«%(value)s» không có trong danh sách.", value=value))
        return member

    return parse


PHONE = re.compile(r"^(\+84|0)\d{8,10}$")
HOLDER_CHARACTERS = re.compile(r"^[A-Z0-9 .&'-]+$")


def phone(text: str) -> str | None:
    value = re.sub(r"[\s.\-()]", "", text)
    if not value:
        return None
    if not PHONE.match(value):
        raise CellError(N_("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84)."))
    return value


@cache
def _bank_keys() -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for bank in all_banks():
        for name in (bank.bin, bank.code, bank.short_name):
            keys.setdefault(fold(name).replace(" ", ""), set()).add(bank.bin)
    return keys


def bank(text: str) -> str | None:
    """The BIN of a bank given by BIN, code or short name (``"970436"``, ``"VCB"``, ``"Vietcombank"``)."""
    value = plain(text)
    if not value:
        return None
    bins = _bank_keys().get(fold(value).replace(" ", ""), set())
    if len(bins) != 1:
        raise CellError(
            N_("Không nhận ra ngân hàng «%(value)s»: ghi mã BIN, mã hoặc tên viết tắt.", value=value)
        )
    return next(iter(bins))


def account_number(text: str) -> str | None:
    """Spaces, dots and dashes between digit groups dropped; the codec checks the rest
    together with the bank (``check_account``)."""
    return re.sub(r"[\s.\-]", "", text) or None


def account_holder(text: str) -> str | None:
    value = holder_name(text)
    if not value:
        return None
    if not HOLDER_CHARACTERS.match(value):
        raise CellError(N_("Tên chủ tài khoản chỉ gồm chữ cái, chữ số và dấu cách."))
    if len(value) > 50:
        raise CellError(N_("Dài quá %(limit)s ký tự.", limit=50))
    return value


def birth_year(text: str) -> int | None:
    return whole_number(1900, date.today().year)(text)


COLUMNS: tuple[Column, ...] = (
    Column("market_code", "Mã chợ", 12, limited(20, required=True, upper=True)),
    Column("stall_code", "Mã gian hàng", 14, limited(20, required=True, upper=True)),
    Column("zone", "Khu", 10, limited(40)),
    Column("row", "Dãy", 8, limited(20)),
    Column("number", "Số", 6, whole_number(0, 1_000_000)),
    Column("category", "Ngành hàng", 24, choice(GoodsCategory)),
    Column("status", "Trạng thái", 16,
           choice(StallStatus, default=StallStatus.OPERATING)),
    Column("vendor_name", "Tên hộ kinh doanh", 26, limited(120)),
    Column("shop_name", "Tên cửa hàng", 22, limited(120)),
    Column("phone", "Số điện thoại", 14, phone),
    Column("birth_year", "Năm sinh", 9, birth_year),
    Column("bank", "Ngân hàng", 14, bank),
    Column("account_number", "Số tài khoản", 20, account_number),
    Column("holder_name", "Tên chủ tài khoản", 26, account_holder),
)
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = {fold(column.header): column.key for column in COLUMNS}
VENDOR_KEYS = ("vendor_name", "shop_name", "phone", "birth_year")
ACCOUNT_KEYS = ("bank", "account_number", "holder_name")


def header(key: str) -> str:
    return BY_KEY[key].header


def parse_row(cells: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, object]]]:
    """Clean values of one row, and the (column key, message) of every cell refused."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, object]] = []
    for column in COLUMNS:
        try:
            values[column.key] = column.parse(cells.get(column.key, ""))
        except CellError as error:
            errors.append((column.key, error.message))
            values[column.key] = None
    errors.extend(_missing_together(values, errors))
    errors.extend(check_account(values, errors))
    return values, errors


def check_account(values: dict[str, Any], errors: list) -> list[tuple[str, object]]:
    """The codec is the one authority on what a payable account number looks like."""
    if not (values["bank"] and values["account_number"]) or any(k == "bank" for k, _ in errors):
        return []
    try:
        encode(values["bank"], values["account_number"])
    except VietQRError as error:
        return [("account_number", Bilingual(error.message_vi, error.message_en))]
    return []


def _missing_together(values: dict[str, Any], errors: list) -> list[tuple[str, object]]:
    """A vendor needs a name; an account needs its bank, number and holder together."""
    refused = {key for key, _ in errors}
    missing = []
    has_vendor = any(values[key] not in (None, "") for key in VENDOR_KEYS[1:])
    has_account = any(values[key] for key in ACCOUNT_KEYS) or refused & set(ACCOUNT_KEYS)
    if (has_vendor or has_account) and not values["vendor_name"] and "vendor_name" not in refused:
        missing.append(("vendor_name", N_("Thiếu tên hộ kinh doanh.")))
    if has_account:
        for key in ACCOUNT_KEYS:
            if not values[key] and key not in refused:
                missing.append((key, N_("Thiếu thông tin tài khoản: cần đủ ngân hàng, số tài khoản và tên chủ tài khoản.")))
    return missing
