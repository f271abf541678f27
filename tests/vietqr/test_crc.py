from hypothesis import given, settings
from hypothesis import strategies as st

from market.vietqr import crc16, crc_hex, encode
from market.vietqr.tlv import tlv


def bitwise_crc(data: bytes) -> int:
    """CRC-16/CCITT-FALSE the slow way, straight from its definition."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def test_crc_check_value():
    assert crc16("123456789") == 0x29B1
    assert crc_hex("123456789") == "29B1"


def test_crc_of_nothing_is_the_initial_value():
    assert crc16(b"") == 0xFFFF


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_crc_matches_the_definition(data):
    assert crc16(data) == bitwise_crc(data)


def test_crc_with_leading_zeros_is_padded_to_four_digits():
    payload = encode("970436", "0000000000126")
    assert crc16(payload[:-4]) == 0x42
    assert payload.endswith("63040042")


def test_crc_with_one_leading_zero():
    payload = encode("970436", "0000000000106")
    assert payload.endswith("63040C31")
    assert crc_hex(payload[:-4]) == "0C31"


def test_tlv_frames_value_with_two_digit_length():
    assert tlv("58", "VN") == "5802VN"
    assert tlv("62", "x" * 12) == "6212" + "x" * 12
