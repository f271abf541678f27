"""Finding QR codes in photos (zxing-cpp) and decoding what they say."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps

from .decoder import Payload, decode
from .errors import ImageError, PayloadError

# The default binariser copes with uneven light; the global one catches the high-contrast
# prints it sometimes misses. Each pass already tries rotations, inversion and downscaling.
_BINARIZERS = (zxingcpp.Binarizer.LocalAverage, zxingcpp.Binarizer.GlobalHistogram)


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One QR code found in an image: its text and either its decoding or the refusal."""

    text: str
    payload: Payload | None
    error: PayloadError | None

    def to_dict(self) -> dict[str, object]:
        """The result as plain data, for JSON."""
        return {
            "text": self.text,
            "payload": None if self.payload is None else self.payload.to_dict(),
            "error": None if self.error is None else self.error.to_dict(),
        }


def read_qr_texts(image: bytes | Image.Image) -> list[str]:
    """The text of every QR code in a picture (PNG/JPEG bytes or a PIL image).

    Looks hard: any rotation, light-on-dark, downscaled copies of big photos, and a second
    binarisation pass when the first finds nothing. Phone photos are turned upright by
    their EXIF orientation first. Duplicates are dropped, order of discovery is kept.
    Raises :class:`ImageError` for bytes that are not a readable picture.
    """
    picture = _load(image)
    for binarizer in _BINARIZERS:
        found = zxingcpp.read_barcodes(
            picture,
            formats=zxingcpp.BarcodeFormat.QRCode,
            try_rotate=True,
            try_downscale=True,
            try_invert=True,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=binarizer,
        )
        texts = list(dict.fromkeys(code.text for code in found))
        if texts:
            return texts
    return []


def read_payloads(image: bytes | Image.Image) -> list[ReadResult]:
    """Every QR code in a picture, each decoded as a payload or paired with its refusal."""
    results = []
    for text in read_qr_texts(image):
        try:
            results.append(ReadResult(text, decode(text), None))
        except PayloadError as refusal:
            results.append(ReadResult(text, None, refusal))
    return results


def _load(image: object) -> Image.Image:
    if isinstance(image, Image.Image):
        return image.convert("L")
    if not isinstance(image, bytes | bytearray | memoryview):
        raise ImageError(
            "image", "Ảnh phải là dữ liệu PNG/JPEG.", "The image must be PNG or JPEG bytes."
        )
    if not image:
        raise ImageError("image", "Tệp ảnh trống.", "The image file is empty.")
    try:
        # verify() refuses a truncated PNG even when another library has told Pillow to
        # accept truncated files (WeasyPrint does, process-wide).
        Image.open(io.BytesIO(image)).verify()
        picture = Image.open(io.BytesIO(image))
        picture.load()
        return ImageOps.exif_transpose(picture).convert("L")
    # Pillow reports damaged or foreign files through any of these, depending on the format.
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        struct.error,
        Image.DecompressionBombError,
    ) as exc:
        raise ImageError(
            "image",
            "Không mở được ảnh: tệp hỏng hoặc không phải ảnh PNG/JPEG.",
            f"Cannot open the image: damaged or not a PNG/JPEG picture ({exc.__class__.__name__}).",
        ) from None
