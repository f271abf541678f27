"""Reading the PDFs back the way a person (or a phone) would: text, pictures, fonts."""
from __future__ import annotations

import io

import pypdfium2
from pypdf import PdfReader

from market.vietqr.read import read_payloads


def page_texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def page_payloads(pdf: bytes, dpi: int = 200) -> list[list]:
    """The QR codes a scanner finds on each page, rasterised at ``dpi``."""
    document = pypdfium2.PdfDocument(pdf)
    return [read_payloads(page.render(scale=dpi / 72).to_pil()) for page in document]


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of every font embedded in the document, without subset prefixes."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            names.add(name.split("+", 1)[-1])
    return names
