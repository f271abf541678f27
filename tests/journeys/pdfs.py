"""What a customer's phone sees on a printed page: the QR code of each page, scanned."""
from __future__ import annotations

import pypdfium2

from market.vietqr.read import read_payloads


def payees(pdf: bytes, dpi: int = 150) -> list[tuple[str, str]]:
    """(bank BIN, account) of the one QR code zxing-cpp reads on each page at ``dpi``."""
    assert pdf.startswith(b"%PDF"), pdf[:300]
    found = []
    for page in pypdfium2.PdfDocument(pdf):
        (code,) = read_payloads(page.render(scale=dpi / 72).to_pil())
        found.append((code.payload.bank_bin, code.payload.account))
    return found
