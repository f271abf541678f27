"""The rules a new password must meet, wherever a password is set."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10

# Passwords that lists of leaked passwords put at the top, and local favourites; compared
# without case, spaces or separators.
_COMMON_WORDS = (
    "1234567890", "12345678910", "0123456789", "1111111111", "0000000000", "1234512345",
    "9876543210", "1122334455", "1qaz2wsx3edc", "qwertyuiop", "qwerty123456", "abc1234567",
    "abcd123456", "password12", "password123", "password1234", "passw0rd123", "iloveyou12",
    "matkhau123", "matkhau1234", "matkhaumoi", "matkhau2025", "matkhau2026", "admin12345",
    "administrator", "quantri123", "vietnam123", "vietnam1234", "anhyeuem123", "hanoi12345",
    "cho40cho40", "chodongan1", "12345678a@", "a123456789", "zxcvbnm123", "asdfghjkl1",
)


def _normalised(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


COMMON = frozenset(map(_normalised, _COMMON_WORDS))


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password may not be set (a message for the form), or None if it may."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_LENGTH)
    plain = _normalised(password)
    if username and plain == _normalised(username):
        return _l("Mật khẩu không được trùng với tên đăng nhập.")
    if plain in COMMON or len(set(plain)) <= 2:
        return _l("Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.")
    return None
