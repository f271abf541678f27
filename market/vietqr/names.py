"""Vietnamese text to payload ASCII, and account-holder names as banks print them."""

from __future__ import annotations

import re
import unicodedata

# NFD splits every Vietnamese vowel into a base letter and combining marks, but Đ/đ are
# letters of their own and must be mapped by hand. The Icelandic eth (Ð/ð) is a common
# look-alike typed in place of Đ. Typographic punctuation from word processors gets its
# plain ASCII twin.
_BEFORE_NFD = str.maketrans(
    {
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_COMBINING_MARKS = re.compile("[\u0300-\u036f]+")


def to_ascii(text: str) -> str:
    """Remove Vietnamese diacritics: ``"Chợ Đông Anh"`` → ``"Cho Dong Anh"``.

    Case is kept. Characters with no ASCII form (emoji, CJK, …) are left as they are so
    that a caller validating the result can name them instead of losing them silently.
    """
    if text.isascii():
        return text
    stripped = _COMBINING_MARKS.sub("", unicodedata.normalize("NFD", text.translate(_BEFORE_NFD)))
    return unicodedata.normalize("NFC", stripped)


def holder_name(full_name: str) -> str:
    """A full name in the form banks print for account holders.

    ``"Nguyễn Thị  Hồng Nhung"`` → ``"NGUYEN THI HONG NHUNG"``: no diacritics, uppercase,
    single spaces, no leading or trailing space.
    """
    return " ".join(to_ascii(full_name).upper().split())


def same_holder(typed: str, decoded: str) -> bool:
    """Whether two spellings name the same account holder.

    Tolerant of case, diacritics and spacing (``"Nguyen Thi HongNhung"`` matches
    ``"NGUYỄN THỊ HỒNG NHUNG"``); an empty name matches nothing.
    """
    left = holder_name(typed).replace(" ", "")
    return bool(left) and left == holder_name(decoded).replace(" ", "")
