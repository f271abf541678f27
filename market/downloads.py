"""Files the app hands out: their names in the ``Content-Disposition`` header, and the cells
of every spreadsheet it writes, where what people typed stays text and never becomes a
formula a spreadsheet program would run."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from openpyxl.cell import WriteOnlyCell

# Cells starting like this are formulas to a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@")
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\;]')


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The header naming a download: an ASCII name with quotes, backslashes and control
    characters replaced (a stall code may hold any of them), and the full name in UTF-8
    (RFC 6266 ``filename*``) when it is not plain ASCII."""
    kind = "inline" if inline else "attachment"
    plain = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = UNSAFE_IN_NAME.sub("_", plain.encode("ascii", "ignore").decode())
    header = f'{kind}; filename="{plain}"'
    if plain != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def inert(text: str) -> str:
    """A CSV cell a spreadsheet program would run as a formula gets a leading apostrophe
    (the import drops it again)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """``values`` ready for ``sheet.append``: every text a text cell (kept as typed, leading
    zeros and a leading "=" included), numbers as numbers."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # set after the value: openpyxl reads "=…" as a formula
            cell.number_format = "@"
            value = cell
        row.append(value)
    return row
