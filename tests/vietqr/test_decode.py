import json

import pytest

from market.vietqr import PayloadError, crc_hex, decode
from market.vietqr.tlv import tlv

from .conftest import NAPAS_DYNAMIC, NAPAS_STATIC_ACCOUNT, NAPAS_STATIC_CARD


def with_crc(body: str) -> str:
    """A payload body (without 63) finished with its CRC."""
    return body + "6304" + crc_hex(body + "6304")


def test_static_account_example():
    payload = decode(NAPAS_STATIC_ACCOUNT)
    assert payload.kind == "vietqr_account"
    assert payload.is_vietqr and payload.is_static
    assert (payload.bank_bin, payload.account, payload.service) == (
        "970403",
        "0011012345678",
        "account",
    )
    assert payload.amount is None and payload.purpose is None and payload.bill is None
    assert payload.bank.short_name == "Sacombank"
    assert (payload.currency, payload.country, payload.crc) == ("704", "VN", "9E6F")


def test_static_card_example():
    payload = decode(NAPAS_STATIC_CARD)
    assert payload.kind == "vietqr_card"
    assert payload.account == "9704031101234567"
    assert payload.service == "card" and payload.service_code == "QRIBFTTC"


def test_dynamic_example():
    payload = decode(NAPAS_DYNAMIC)
    assert not payload.is_static
    assert payload.point_of_initiation == "12"
    assert payload.amount == 180000
    assert payload.bill == "NPS6869"
    assert payload.purpose == "thanh toan don hang"


def test_every_field_with_nested_templates():
    payload = decode(NAPAS_DYNAMIC)
    assert [f.tag for f in payload.fields] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    napas = payload.field("38")
    assert [f.tag for f in napas.fields] == ["00", "01", "02"]
    assert napas.get("01").get("00").value == "970403"
    assert payload.field("38.01.01").value == "0011012345678"
    assert payload.value("62.08") == "thanh toan don hang"
    assert payload.field("62.99") is None and payload.value("40") is None


def test_lowercase_crc_is_accepted():
    lower = NAPAS_STATIC_ACCOUNT[:-4] + NAPAS_STATIC_ACCOUNT[-4:].lower()
    assert lower.endswith("9e6f")
    assert decode(lower).account == "0011012345678"


def test_unknown_tags_are_kept():
    body = "000201010211" + tlv("38", "0010A00000072701270006970403011300110123456780208QRIBFTTA")
    body += "5303704" + "5802VN" + tlv("62", "0703T01" + tlv("50", "0003abc")) + tlv("91", "0002xy")
    payload = decode(with_crc(body))
    assert payload.value("91") == "0002xy"
    assert payload.value("91.00") == "xy"
    assert payload.terminal == "T01"
    assert payload.field("62.50").get("00").value == "abc"


def test_unknown_bin_decodes_without_a_bank():
    body = "000201010211" + tlv(
        "38", "0010A000000727012700069999990113001101234567802" + "08QRIBFTTA"
    )
    payload = decode(with_crc(body + "53037045802VN"))
    assert payload.bank_bin == "999999" and payload.bank is None


def test_vnpay_payload():
    merchant = tlv("00", "A000000775") + tlv("01", "0106MERCHANT01")
    body = "000201010212" + tlv("26", merchant) + "52045812" + "5303704" + "540550000"
    body += "5802VN" + tlv("59", "CUA HANG A") + tlv("60", "HA NOI")
    body += tlv("62", tlv("03", "STORE1") + tlv("07", "TERM1"))
    payload = decode(with_crc(body))
    assert payload.kind == "vnpay"
    assert not payload.is_vietqr
    assert payload.merchant_id == "0106MERCHANT01"
    assert payload.bank_bin is None and payload.account is None and payload.bank is None
    assert payload.amount == 50000 and payload.merchant_name == "CUA HANG A"


def test_foreign_emvco_payload_is_other():
    body = "000201010212" + tlv(
        "26", tlv("00", "SG.PAYNOW") + tlv("01", "2") + tlv("02", "+6591234567")
    )
    body += (
        "52040000"
        + "5303702"
        + "540512.50"
        + "5802SG"
        + tlv("59", "HAWKER")
        + tlv("60", "Singapore")
    )
    payload = decode(with_crc(body))
    assert payload.kind == "other"
    assert payload.amount is None and payload.amount_text == "12.50"
    assert payload.field("26").get("00").value == "SG.PAYNOW"


def napas(service: str | None, number: str = "MERCHANT1") -> str:
    beneficiary = tlv("00", "970403") + tlv("01", number)
    return tlv("00", "A000000727") + tlv("01", beneficiary) + (tlv("02", service) if service else "")


@pytest.mark.parametrize(
    ("service", "kind", "words"),
    [
        ("QRPUSH", "napas_push", "point of sale"),
        ("QRCASH", "napas_cash", "cash withdrawal"),
        ("QRXYZW", "napas_other", "service QRXYZW"),
        (None, "napas_other", "no service code"),
    ],
)
def test_napas_services_other_than_transfers_are_named_not_transfers(service, kind, words):
    payload = decode(with_crc("000201010211" + tlv("38", napas(service)) + "53037045802VN"))
    assert payload.kind == kind and not payload.is_vietqr
    assert payload.bank_bin == "970403" and payload.service is None and payload.bank is None
    refusal = payload.transfer_refusal
    assert refusal.field == "38.02" and refusal.reason == "not_account_transfer"
    assert words in refusal.message_en and "not a transfer to an account" in refusal.message_en


def test_a_transfer_has_no_refusal_and_others_say_not_vietqr():
    assert decode(NAPAS_STATIC_ACCOUNT).transfer_refusal is None
    vnpay = with_crc("000201010211" + tlv("26", tlv("00", "A000000775") + tlv("01", "0105")))
    assert decode(vnpay).transfer_refusal.reason == "not_vietqr"
    assert decode(with_crc("0002010102115802VN")).transfer_refusal.field == "payload"


def transfer(*, before_62: str = "53037045802VN", after_62: str = "", additional: str = "") -> str:
    body = "000201010211" + tlv("38", napas("QRIBFTTA", "0011012345678")) + before_62
    return with_crc(body + (tlv("62", additional) if additional else "") + after_62)


def test_an_empty_sub_field_reads_as_absent():
    payload = decode(transfer(additional="0107NPS6869" + "0800"))
    assert payload.purpose is None and payload.bill == "NPS6869"
    assert payload.account == "0011012345678"


def test_an_empty_top_level_field_is_still_refused():
    assert refusal(with_crc("000201010211" + "5900" + "5802VN")).reason == "framing"


@pytest.mark.parametrize("value", ["046", "1", "12345", "0199", "ABCDEFGH"])
def test_an_unreserved_template_with_a_plain_value_is_kept_raw(value):
    for tag in ("80", "83", "99"):
        payload = decode(transfer(after_62=tlv(tag, value)))
        assert payload.value(tag) == value and payload.field(tag).fields == ()
        assert payload.bank_bin == "970403"


def test_an_unreserved_template_that_is_well_formed_is_still_read_as_one():
    payload = decode(transfer(after_62=tlv("85", tlv("00", "ABC") + tlv("01", "7"))))
    assert payload.value("85.00") == "ABC" and payload.value("85.01") == "7"


def test_tag_64_may_hold_unicode_and_the_crc_covers_its_utf8_bytes():
    language = tlv("00", "vi") + tlv("01", "Chợ Mun – Đông Anh")
    payload = decode(transfer(after_62=tlv("64", language)))
    assert payload.value("64.01") == "Chợ Mun – Đông Anh"
    assert payload.account == "0011012345678"


def test_unicode_outside_tag_64_is_refused_with_its_position():
    text = transfer(additional=tlv("08", "Tiền hàng"))
    error = refusal(text)
    assert error.reason == "character" and f"position {text.index('ề')}" in error.message_en


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ("53038405802VN", "53", "currency"),
        ("53037025802SG", "53", "currency"),
        ("53037045802US", "58", "country"),
        ("5303704540512.505802VN", "54", "amount"),
    ],
)
def test_a_transfer_in_another_currency_or_country_is_refused(fields, field, reason):
    error = refusal(transfer(before_62=fields))
    assert (error.field, error.reason) == (field, reason)


def test_a_foreign_merchant_code_in_its_own_currency_still_reads():
    body = "000201010211" + tlv("26", tlv("00", "SG.PAYNOW")) + "5303702" + "5802SG"
    assert decode(with_crc(body)).kind == "other"


def test_to_dict_is_json_with_every_field():
    data = json.loads(json.dumps(decode(NAPAS_DYNAMIC).to_dict()))
    assert data["kind"] == "vietqr_account"
    assert data["bank"]["code"] == "STB"
    napas = data["fields"][2]
    assert napas["name"] == "Merchant account information"
    assert napas["fields"][1]["fields"][0] == {
        "tag": "00",
        "path": "38.01.00",
        "name": "Acquirer ID (bank BIN)",
        "length": 6,
        "value": "970403",
    }


def refusal(text):
    with pytest.raises(PayloadError) as caught:
        decode(text)
    assert caught.value.message_vi and caught.value.message_en
    return caught.value


MALFORMED = [
    ("", "payload"),
    ("   ", "payload"),
    (NAPAS_STATIC_ACCOUNT[:-1], "63"),
    (NAPAS_STATIC_ACCOUNT[:-3], "63"),
    (NAPAS_STATIC_ACCOUNT[:50], "38"),
    (NAPAS_STATIC_ACCOUNT[:6], "63"),
    ("0002", "00"),
    (NAPAS_STATIC_ACCOUNT[:-4] + "9E6E", "63"),
    (NAPAS_STATIC_ACCOUNT[:-4] + "9G6F", "63"),
    (NAPAS_STATIC_ACCOUNT.replace("5802VN", "5802VM"), "63"),
    (NAPAS_STATIC_ACCOUNT.replace("5802VN", "58O2VN"), "58"),
    (NAPAS_STATIC_ACCOUNT.replace("5303704", "5A03704"), "payload"),
    (NAPAS_STATIC_ACCOUNT.replace("3857", "3899"), "38"),
    (NAPAS_STATIC_ACCOUNT.replace("3857", "3800"), "38"),
    (NAPAS_STATIC_ACCOUNT + "é", "payload"),
    (NAPAS_STATIC_ACCOUNT + "\n", "payload"),
    ("0002010102115802VN" + "6304ÁBCD", "payload"),
    ("https://vietqr.example/pay?acc=0011012345678", "payload"),
    (NAPAS_STATIC_ACCOUNT[12:], "00"),
]


@pytest.mark.parametrize(("text", "field"), MALFORMED)
def test_malformed_payload_is_refused_with_its_field(text, field):
    assert refusal(text).field == field


def test_missing_crc_field():
    assert refusal("0002010102115802VN").field == "63"


def test_crc_that_is_not_last():
    assert refusal(with_crc("000201" + "63041234" + "5802VN")).field == "63"


def test_format_indicator_must_come_first_and_be_01():
    assert refusal(with_crc("010211000201")).field == "00"
    assert refusal(with_crc("000202010211")).field == "00"


def test_nested_length_errors_name_the_nested_field():
    beneficiary = "0006970403" + "0114" + "0011012345678"
    napas = tlv("00", "A000000727") + tlv("01", beneficiary) + tlv("02", "QRIBFTTA")
    error = refusal(with_crc("000201010211" + tlv("38", napas)))
    assert error.field == "38.01.01"
    assert "declares 14 characters but only 13 remain" in error.message_en


def test_duplicate_tags_are_refused():
    assert refusal(with_crc("000201010211" + "5802VN5802VN")).field == "58"
    assert refusal(with_crc("000201" + tlv("62", "0101A0101B"))).field == "62.01"


def test_transfer_needs_bin_and_account():
    napas = tlv("00", "A000000727") + tlv("01", tlv("00", "970403")) + tlv("02", "QRIBFTTA")
    assert refusal(with_crc("000201010211" + tlv("38", napas))).field == "38.01"


@pytest.mark.parametrize(
    ("beneficiary", "service", "field"),
    [
        (tlv("00", "97040") + tlv("01", "1"), "QRIBFTTA", "38.01.00"),
        (tlv("00", "9704AB") + tlv("01", "1"), "QRIBFTTA", "38.01.00"),
        (tlv("00", "970403") + tlv("01", "1" * 20), "QRIBFTTA", "38.01.01"),
        (tlv("00", "970403") + tlv("01", "12 34"), "QRIBFTTA", "38.01.01"),
        (tlv("00", "970403") + tlv("01", "9704AB"), "QRIBFTTC", "38.01.01"),
    ],
)
def test_malformed_beneficiary(beneficiary, service, field):
    napas = tlv("00", "A000000727") + tlv("01", beneficiary) + tlv("02", service)
    assert refusal(with_crc("000201010211" + tlv("38", napas) + "53037045802VN")).field == field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ("010213", "01"),
        ("5303VND", "53"),
        ("54041e10", "54"),
        ("5404-100", "54"),
        ("5414" + "1" * 14, "54"),
        ("5405100.5", "54"),
        ("54031.2", "54"),
        ("54051.2.3", "54"),
    ],
)
def test_bad_values(fields, field):
    assert refusal(with_crc("000201" + fields)).field == field


def test_vnd_amount_with_zero_decimals_is_whole():
    assert decode(with_crc("000201010212540850000.00")).amount == 50000


@pytest.mark.parametrize("value", [None, 123, b"000201"])
def test_non_text_is_refused(value):
    assert refusal(value).field == "payload"


def test_decoded_payload_is_read_only_and_hashable():
    payload = decode(NAPAS_STATIC_ACCOUNT)
    with pytest.raises(TypeError):
        payload.values["38.01.01"] = "999"
    assert payload == decode(NAPAS_STATIC_ACCOUNT)
    assert len({payload, decode(NAPAS_STATIC_ACCOUNT), decode(NAPAS_DYNAMIC)}) == 2
