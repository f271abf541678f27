"""Reading codes back from pictures: rendered, rotated, shrunk, photographed, compressed."""

import io
import random

import pytest
from PIL import Image, ImageDraw, ImageFilter

from market.vietqr import ImageError, decode, encode
from market.vietqr.read import read_payloads, read_qr_texts
from market.vietqr.render import render_png

from .conftest import NAPAS_DYNAMIC

SIGN = encode(
    "970436", "1023456789", merchant_name="Nguyễn Thị Hồng Nhung", purpose="Sạp 12 chợ Đông Anh"
)


def png_image(payload=SIGN, size_px=400) -> Image.Image:
    return Image.open(io.BytesIO(render_png(payload, size_px=size_px, cache=False))).convert("RGB")


def as_bytes(image: Image.Image, fmt="PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo_background(width=1400, height=1000, seed=7) -> Image.Image:
    """A busy market-stall-like scene: a colour gradient, clutter, text and sensor noise."""
    rng = random.Random(seed)
    scene = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(scene)
    for _ in range(120):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = tuple(rng.randrange(256) for _ in range(3))
        box = (x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 200))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    for _ in range(30):
        draw.text((rng.randrange(width), rng.randrange(height)), "GIA 25.000d", fill=(0, 0, 0))
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    return Image.blend(scene, noise, 0.25)


def test_rendered_png_round_trip():
    results = read_payloads(as_bytes(png_image()))
    assert len(results) == 1
    payload = results[0].payload
    assert results[0].error is None and payload.text == SIGN
    assert (payload.bank.code, payload.account, payload.merchant_name) == (
        "VCB",
        "1023456789",
        "NGUYEN THI HONG NHUNG",
    )
    assert payload.purpose == "Sap 12 cho Dong Anh"


@pytest.mark.parametrize("angle", [90, 180, 17, -33])
def test_rotated(angle):
    rotated = png_image().rotate(
        angle, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC
    )
    assert read_qr_texts(as_bytes(rotated)) == [SIGN]


def test_downscaled():
    small = png_image(NAPAS_DYNAMIC, size_px=600)
    small = small.resize((small.width // 4, small.height // 4), Image.Resampling.LANCZOS)
    assert small.width < 180
    assert read_qr_texts(as_bytes(small)) == [NAPAS_DYNAMIC]


def test_sticker_on_a_noisy_photo():
    scene = photo_background()
    sticker = png_image(size_px=360).rotate(8, expand=True, fillcolor="white")
    scene.paste(sticker, (610, 290))
    blurred = scene.filter(ImageFilter.GaussianBlur(0.8))
    results = read_payloads(as_bytes(blurred))
    assert [result.payload.account for result in results] == ["1023456789"]


def test_jpeg():
    scene = photo_background(seed=3)
    scene.paste(png_image(size_px=300), (200, 150))
    assert read_qr_texts(as_bytes(scene, "JPEG", quality=60)) == [SIGN]


def test_phone_photo_with_exif_orientation():
    sideways = png_image().rotate(-90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    assert read_qr_texts(as_bytes(sideways, "JPEG", quality=85, exif=exif)) == [SIGN]


def test_pil_image_accepted():
    assert read_qr_texts(png_image()) == [SIGN]


def test_several_codes_in_one_picture_and_a_foreign_one():
    board = Image.new("RGB", (1000, 500), "white")
    board.paste(png_image(size_px=400), (20, 40))
    board.paste(png_image("https://example.com/menu", size_px=300), (560, 90))
    results = {result.text: result for result in read_payloads(as_bytes(board))}
    assert set(results) == {SIGN, "https://example.com/menu"}
    assert results[SIGN].payload.kind == "vietqr_account"
    foreign = results["https://example.com/menu"]
    assert foreign.payload is None and foreign.error.field == "payload"
    assert foreign.to_dict()["error"]["message_vi"]


def test_picture_without_code():
    assert read_qr_texts(as_bytes(photo_background(400, 300))) == []


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", as_bytes(Image.new("RGB", (50, 50)))[:60], "photo.png", 42],
)
def test_bad_image_bytes(data):
    with pytest.raises(ImageError) as refusal:
        read_qr_texts(data)
    assert refusal.value.field == "image" and refusal.value.message_vi


def test_decoded_text_is_what_was_encoded():
    assert decode(read_qr_texts(as_bytes(png_image()))[0]).text == SIGN
