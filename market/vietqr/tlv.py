"""EMVCo TLV primitives: CRC-16/CCITT-FALSE and field framing."""

from __future__ import annotations

from binascii import crc_hqx


def crc16(data: str | bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor).

    ``binascii.crc_hqx`` is the same table-driven CCITT CRC, computed in C, and takes the
    initial value as a parameter.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    return crc_hqx(data, 0xFFFF)


def crc_hex(data: str | bytes) -> str:
    """The CRC as the payload writes it: four uppercase hex digits, zero-padded."""
    return f"{crc16(data):04X}"


def tlv(tag: str, value: str) -> str:
    """One data object: two-digit tag, two-digit length, value."""
    return f"{tag}{len(value):02d}{value}"
