import pytest

from market.vietqr import VietQRError, decode, encode

from .conftest import NAPAS_DYNAMIC, NAPAS_STATIC_ACCOUNT, NAPAS_STATIC_CARD


def test_static_account_matches_napas_example():
    assert encode("970403", "0011012345678") == NAPAS_STATIC_ACCOUNT


def test_static_card_matches_napas_example():
    assert encode("970403", "9704031101234567", service="card") == NAPAS_STATIC_CARD


def test_dynamic_matches_napas_example():
    payload = encode(
        "970403", "0011012345678", amount=180000, bill="NPS6869", purpose="thanh toan don hang"
    )
    assert payload == NAPAS_DYNAMIC


def test_amount_makes_the_code_dynamic():
    assert encode("970436", "1234", amount=1)[:12] == "000201010212"
    assert encode("970436", "1234")[:12] == "000201010211"


def test_purpose_loses_diacritics_but_keeps_its_case():
    payload = encode("970405", "1234567", purpose="Tiền hàng Chợ Đông Anh")
    assert "0822Tien hang Cho Dong Anh" in payload


def test_names_are_uppercase_ascii():
    payload = encode(
        "970405", "1234567", merchant_name="Nguyễn Thị Hồng Nhung", merchant_city="Hà Nội"
    )
    assert "5921NGUYEN THI HONG NHUNG" in payload
    assert "6006HA NOI" in payload


def test_additional_data_in_ascending_order():
    payload = encode("970405", "1", bill="B1", reference="R1", purpose="P1")
    assert "62180102B10502R10802P1" in payload


def test_whitespace_collapses_and_blank_texts_are_left_out():
    payload = encode("970405", "1", purpose="  tien   hang  ", merchant_name="   ")
    assert "0809tien hang" in payload
    assert decode(payload).merchant_name is None


def test_text_at_its_limit_is_accepted():
    payload = encode("970405", "1", purpose="đ" * 25)
    assert "0825" + "d" * 25 in payload


def test_account_may_hold_letters():
    assert "0111VQRQ1234ABC" in encode("970418", "VQRQ1234ABC")


def test_largest_amount():
    assert "54139999999999999" in encode("970418", "1", amount=9_999_999_999_999)


REFUSALS = [
    ({"bank_bin": "97040"}, "bank_bin"),
    ({"bank_bin": "9704031"}, "bank_bin"),
    ({"bank_bin": "97O403"}, "bank_bin"),
    ({"bank_bin": "９７０４０３"}, "bank_bin"),
    ({"bank_bin": 970403}, "bank_bin"),
    ({"bank_bin": "970499"}, "bank_bin"),
    ({"account": ""}, "account"),
    ({"account": "1" * 20}, "account"),
    ({"account": "0011 0123"}, "account"),
    ({"account": "0011-0123"}, "account"),
    ({"account": "số1234"}, "account"),
    ({"account": 11012345678}, "account"),
    ({"account": "97040311ABC", "service": "card"}, "account"),
    ({"account": "1" * 20, "service": "card"}, "account"),
    ({"service": "wallet"}, "service"),
    ({"service": "QRIBFTTA"}, "service"),
    ({"amount": 0}, "amount"),
    ({"amount": -5}, "amount"),
    ({"amount": 10**13}, "amount"),
    ({"amount": 1.5}, "amount"),
    ({"amount": "180000"}, "amount"),
    ({"amount": True}, "amount"),
    ({"purpose": "x" * 26}, "purpose"),
    ({"purpose": "Thanh toán tiền hàng tháng 10"}, "purpose"),
    ({"purpose": "chợ 🐟"}, "purpose"),
    ({"purpose": "tien\x07hang"}, "purpose"),
    ({"purpose": 12}, "purpose"),
    ({"merchant_name": "Nguyễn Thị Hồng Nhung Bán Cá"}, "merchant_name"),
    ({"merchant_name": "李小龍"}, "merchant_name"),
    ({"merchant_city": "Thành phố Hồ Chí Minh"}, "merchant_city"),
    ({"bill": "B" * 26}, "bill"),
    ({"bill": "hóa đơn"}, "bill"),
    ({"reference": "R" * 26}, "reference"),
]


@pytest.mark.parametrize(("change", "field"), REFUSALS)
def test_refusal_names_the_field(change, field):
    arguments = {"bank_bin": "970403", "account": "0011012345678", **change}
    with pytest.raises(VietQRError) as refusal:
        encode(arguments.pop("bank_bin"), arguments.pop("account"), **arguments)
    assert refusal.value.field == field
    assert refusal.value.message_vi and refusal.value.message_en
    assert refusal.value.message_vi != refusal.value.message_en


def test_too_long_after_transliteration_says_so_instead_of_truncating():
    with pytest.raises(VietQRError) as refusal:
        encode("970403", "1", purpose="Thanh toán tiền hàng tháng 10")
    assert "29 ký tự sau khi bỏ dấu, tối đa 25" in refusal.value.message_vi
    assert "after removing diacritics" in refusal.value.message_en


def test_unknown_bin_message_names_the_bin():
    with pytest.raises(VietQRError) as refusal:
        encode("970499", "1")
    assert "970499" in refusal.value.message_vi
