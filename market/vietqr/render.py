"""Drawing payloads as QR codes: vector SVG for print, PNG for download.

Choosing the best of the eight masks costs milliseconds per code, so every rendering is
kept in an LRU cache keyed by payload and options: a batch of signs never draws the same
code twice. :func:`render_cache_info` and :func:`clear_render_cache` expose the caches.
"""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
import segno
from PIL import Image, ImageDraw
from qrcode.image.styledpil import StyledPilImage
from qrcode.image.styles.moduledrawers.pil import RoundedModuleDrawer

from .errors import VietQRError
from .read import read_qr_texts

QUIET_ZONE = 4
ERROR_LEVELS = ("L", "M", "Q", "H")
CACHE_SIZE = 1024
# Share of the symbol's width that the centre mark of a branded code covers; at error
# correction H this hides about a twentieth of the modules, well within what H recovers.
CENTRE_MARK_RATIO = 0.2


def render_svg(
    payload: str,
    *,
    size_mm: float = 40.0,
    error: str = "M",
    dark: str = "#000",
    light: str = "#fff",
    xml_declaration: bool = False,
    cache: bool = True,
) -> str:
    """The QR code as an SVG string ``size_mm`` millimetres wide, quiet zone of 4 modules.

    Without ``xml_declaration`` the string is an inline ``<svg>`` element to put straight
    into an HTML page or print layout; with it, a standalone file (declaration and
    namespace). ``error`` is the minimum error-correction level: segno raises it when that
    costs no extra modules.
    """
    _check_common(payload, error)
    _check_size("size_mm", size_mm)
    draw = _svg_cached if cache else _svg
    return draw(payload, float(size_mm), error.upper(), dark, light, xml_declaration)


def render_png(
    payload: str,
    *,
    size_px: int = 600,
    error: str = "M",
    dark: str = "#000",
    light: str = "#fff",
    cache: bool = True,
) -> bytes:
    """The QR code as PNG bytes at most ``size_px`` pixels wide, quiet zone of 4 modules.

    Modules are whole pixels (the width is rounded down to a multiple of the module
    count) so the code stays crisp; a code never gets less than one pixel per module.
    """
    _check_common(payload, error)
    _check_size("size_px", size_px)
    draw = _png_cached if cache else _png
    return draw(payload, int(size_px), error.upper(), dark, light)


def render_branded_png(payload: str, *, size_px: int = 600, cache: bool = True) -> bytes:
    """A friendlier PNG: rounded modules and a small centre mark, error correction H.

    Each image is read back before it is returned; if the centre mark spoils it, the mark
    is dropped, and if the rounded modules do too, the plain square PNG is returned.
    """
    _check_common(payload, "H")
    _check_size("size_px", size_px)
    draw = _branded_png_cached if cache else _branded_png
    return draw(payload, int(size_px))


def render_cache_info() -> dict[str, tuple[int, int, int, int]]:
    """Per output kind, the cache's named tuple ``(hits, misses, maxsize, currsize)``."""
    return {
        "svg": _svg_cached.cache_info(),
        "png": _png_cached.cache_info(),
        "branded_png": _branded_png_cached.cache_info(),
    }


def clear_render_cache() -> None:
    """Empty every rendering cache."""
    _svg_cached.cache_clear()
    _png_cached.cache_clear()
    _branded_png_cached.cache_clear()


def _check_common(payload: object, error: object) -> None:
    if not isinstance(payload, str) or not payload:
        raise VietQRError("payload", "Nội dung mã QR trống.", "The QR content is empty.")
    if not isinstance(error, str) or error.upper() not in ERROR_LEVELS:
        raise VietQRError(
            "error",
            "Mức sửa lỗi phải là L, M, Q hoặc H.",
            "The error-correction level must be L, M, Q or H.",
        )


def _check_size(name: str, size: object) -> None:
    if isinstance(size, bool) or not isinstance(size, int | float) or not 0 < size <= 10_000:
        raise VietQRError(
            name,
            "Kích thước mã QR phải là số dương hợp lý.",
            "The QR size must be a sensible positive number.",
        )


def _symbol(payload: str, error: str) -> segno.QRCode:
    try:
        return segno.make_qr(payload, error=error)
    except segno.DataOverflowError:
        raise VietQRError(
            "payload", "Nội dung quá dài để tạo mã QR.", "The content is too long for a QR code."
        ) from None


def _svg(
    payload: str, size_mm: float, error: str, dark: str, light: str, xml_declaration: bool
) -> str:
    symbol = _symbol(payload, error)
    if xml_declaration:
        out = io.BytesIO()
        symbol.save(
            out, kind="svg", border=QUIET_ZONE, omitsize=True, dark=dark, light=light, nl=False
        )
        svg = out.getvalue().decode("utf-8")
    else:
        svg = symbol.svg_inline(border=QUIET_ZONE, omitsize=True, dark=dark, light=light)
    return svg.replace("<svg ", f'<svg width="{size_mm:g}mm" height="{size_mm:g}mm" ', 1)


def _png(payload: str, size_px: int, error: str, dark: str, light: str) -> bytes:
    symbol = _symbol(payload, error)
    width, _ = symbol.symbol_size(scale=1, border=QUIET_ZONE)
    out = io.BytesIO()
    symbol.save(
        out, kind="png", scale=max(1, size_px // width), border=QUIET_ZONE, dark=dark, light=light
    )
    return out.getvalue()


def _branded_png(payload: str, size_px: int) -> bytes:
    for with_mark in (True, False):
        image = _rounded_image(payload, size_px, with_mark)
        if read_qr_texts(image) == [payload]:
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    return _png(payload, size_px, "H", "#000", "#fff")


def _rounded_image(payload: str, size_px: int, with_mark: bool) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=QUIET_ZONE)
    code.add_data(payload)
    code.make(fit=True)
    code.box_size = max(1, size_px // (code.modules_count + 2 * QUIET_ZONE))
    options = (
        {"embedded_image": _centre_mark(), "embedded_image_ratio": CENTRE_MARK_RATIO}
        if with_mark
        else {}
    )
    return code.make_image(
        image_factory=StyledPilImage, module_drawer=RoundedModuleDrawer(), **options
    ).get_image()


@lru_cache(maxsize=1)
def _centre_mark() -> Image.Image:
    """A white rounded tile with a ring and a dot, drawn here so no image file is needed."""
    size = 240
    mark = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(mark)
    draw.ellipse((40, 40, 200, 200), outline="#0b5394", width=26)
    draw.ellipse((95, 95, 145, 145), fill="#c0392b")
    return mark


_svg_cached = lru_cache(maxsize=CACHE_SIZE)(_svg)
_png_cached = lru_cache(maxsize=CACHE_SIZE)(_png)
_branded_png_cached = lru_cache(maxsize=CACHE_SIZE)(_branded_png)
