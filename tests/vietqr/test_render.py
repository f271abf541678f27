import io
import re

import pytest
import segno
from PIL import Image

from market.vietqr import VietQRError
from market.vietqr.read import read_qr_texts
from market.vietqr.render import (
    clear_render_cache,
    render_branded_png,
    render_cache_info,
    render_png,
    render_svg,
)

from .conftest import NAPAS_DYNAMIC, NAPAS_STATIC_ACCOUNT


@pytest.fixture(autouse=True)
def empty_cache():
    clear_render_cache()
    yield
    clear_render_cache()


def dark_box(png: bytes) -> tuple[int, int, int, int, int]:
    """Width of the image and the bounding box of its dark pixels."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return (image.width, *image.point(lambda v: 255 if v < 128 else 0).getbbox())


def test_inline_svg_has_size_in_mm_and_no_xml_declaration():
    svg = render_svg(NAPAS_STATIC_ACCOUNT, size_mm=35)
    assert svg.startswith('<svg width="35mm" height="35mm" ')
    assert "<?xml" not in svg


def test_svg_file_variant_has_declaration_and_namespace():
    svg = render_svg(NAPAS_STATIC_ACCOUNT, xml_declaration=True)
    assert svg.startswith("<?xml")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg and 'width="40mm"' in svg


def test_svg_quiet_zone_is_four_modules():
    svg = render_svg(NAPAS_STATIC_ACCOUNT)
    modules = segno.make_qr(NAPAS_STATIC_ACCOUNT, error="M").symbol_size(scale=1, border=0)[0]
    assert f'viewBox="0 0 {modules + 8} {modules + 8}"' in svg
    # The first dark run starts at module (4, 4): the top-left finder pattern.
    assert re.search(r'class="qrline"[^>]*d="M4 4\.5h7', svg)
    assert 'fill="#fff" d="M0 0h{0}v{0}h-{0}z"'.format(modules + 8) in svg


def test_png_quiet_zone_is_four_modules_and_size_is_whole_pixels():
    png = render_png(NAPAS_STATIC_ACCOUNT, size_px=400)
    modules = segno.make_qr(NAPAS_STATIC_ACCOUNT, error="M").symbol_size(scale=1, border=0)[0]
    scale = 400 // (modules + 8)
    width, left, top, right, bottom = dark_box(png)
    assert width == scale * (modules + 8) <= 400
    assert (left, top) == (4 * scale, 4 * scale)
    assert (width - right, width - bottom) == (4 * scale, 4 * scale)


def test_png_reads_back():
    assert read_qr_texts(render_png(NAPAS_DYNAMIC)) == [NAPAS_DYNAMIC]


def test_error_correction_defaults_to_at_least_m():
    low = render_svg(NAPAS_STATIC_ACCOUNT, error="L", cache=False)
    default = render_svg(NAPAS_STATIC_ACCOUNT, cache=False)
    high = render_svg(NAPAS_STATIC_ACCOUNT, error="h", cache=False)
    expected = segno.make_qr(NAPAS_STATIC_ACCOUNT, error="m").svg_inline(
        border=4, omitsize=True, light="#fff"
    )
    assert default.split(">", 1)[1] == expected.split(">", 1)[1]
    assert len({low, default, high}) >= 2


def test_branded_png_scans_with_its_centre_mark():
    png = render_branded_png(NAPAS_DYNAMIC, size_px=500)
    assert render_cache_info()["branded_png"].currsize == 1
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width <= 500
    # The mark's red dot sits in the middle of the code.
    red, green, blue = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
    assert red > 150 and green < 100 and blue < 100
    assert read_qr_texts(png) == [NAPAS_DYNAMIC]


def test_branded_png_falls_back_when_the_mark_spoils_the_code(monkeypatch):
    from market.vietqr import render

    reads = iter([["garbled"], ["garbled"]])
    monkeypatch.setattr(render, "read_qr_texts", lambda image: next(reads))
    png = render_branded_png(NAPAS_STATIC_ACCOUNT, cache=False)
    assert png == render_png(NAPAS_STATIC_ACCOUNT, error="H", cache=False)


def test_branded_png_drops_only_the_mark_when_rounding_still_scans(monkeypatch):
    from market.vietqr import render

    reads = iter([["garbled"], [NAPAS_STATIC_ACCOUNT]])
    monkeypatch.setattr(render, "read_qr_texts", lambda image: next(reads))
    png = render_branded_png(NAPAS_STATIC_ACCOUNT, cache=False)
    colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 16)
    assert not [rgb for _, rgb in colours if rgb[0] > 150 and rgb[1] < 100], (
        "centre mark still drawn"
    )
    assert read_qr_texts(png) == [NAPAS_STATIC_ACCOUNT]


def test_batch_renders_each_code_once():
    payloads = [NAPAS_STATIC_ACCOUNT, NAPAS_DYNAMIC] * 5
    svgs = [render_svg(p) for p in payloads]
    info = render_cache_info()["svg"]
    assert (info.misses, info.hits, info.currsize) == (2, 8, 2)
    assert svgs[0] is svgs[2]


def test_cache_is_keyed_by_options_and_can_be_cleared():
    render_svg(NAPAS_STATIC_ACCOUNT, size_mm=30)
    render_svg(NAPAS_STATIC_ACCOUNT, size_mm=50)
    render_png(NAPAS_STATIC_ACCOUNT)
    info = render_cache_info()
    assert info["svg"].currsize == 2 and info["png"].currsize == 1
    clear_render_cache()
    assert all(entry.currsize == 0 for entry in render_cache_info().values())


def test_uncached_render_leaves_the_cache_alone():
    render_svg(NAPAS_STATIC_ACCOUNT, cache=False)
    assert render_cache_info()["svg"].currsize == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: render_svg(""), "payload"),
        (lambda: render_svg(NAPAS_STATIC_ACCOUNT, error="X"), "error"),
        (lambda: render_svg(NAPAS_STATIC_ACCOUNT, size_mm=0), "size_mm"),
        (lambda: render_svg(NAPAS_STATIC_ACCOUNT, size_mm="40"), "size_mm"),
        (lambda: render_png(NAPAS_STATIC_ACCOUNT, size_px=-1), "size_px"),
        (lambda: render_png("x" * 5000), "payload"),
    ],
)
def test_bad_render_arguments(call, field):
    with pytest.raises(VietQRError) as refusal:
        call()
    assert refusal.value.field == field
