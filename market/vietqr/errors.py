"""Errors raised by the VietQR codec, each naming the field at fault in two languages."""

from __future__ import annotations


class VietQRError(ValueError):
    """Input the codec refuses: ``field`` names the culprit, messages say why.

    ``field`` is a keyword argument name on the way in (``"account"``, ``"amount"``)
    and a tag path on the way out (``"38.01.00"``, ``"63"``, or ``"payload"``).
    ``reason`` is a short stable code for programs (``"crc"``, ``"currency"``,
    ``"not_account_transfer"``…); ``"invalid"`` when nothing more precise applies.
    """

    def __init__(
        self, field: str, message_vi: str, message_en: str, *, reason: str = "invalid"
    ) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.message_vi = message_vi
        self.message_en = message_en
        self.reason = reason

    def to_dict(self) -> dict[str, str]:
        """The error as plain data, for JSON answers."""
        return {
            "field": self.field,
            "reason": self.reason,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


class PayloadError(VietQRError):
    """A payload text that is not well-formed EMVCo merchant-presented data."""


class ImageError(VietQRError):
    """Image bytes that cannot be opened as a picture."""
