"""Uploads are recognised by their content, bounded in size, and refused with a clear message."""
from __future__ import annotations

import io
import zipfile

import pytest

from market.registry.spreadsheet.reader import Limits, SpreadsheetError, read_sheet
from spreadsheet.spreadsheet_files import HEADERS, csv_bytes, full_row, xlsx_bytes


def refusal(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        read_sheet(data, limits or Limits())
    return str(caught.value.message)


def test_xlsx_and_csv_give_the_same_rows():
    rows = [full_row("CHO1", "A01"), full_row("CHO1", "A02", account="0011012345679")]
    from_xlsx = read_sheet(xlsx_bytes(rows), Limits())
    from_csv = read_sheet(csv_bytes(rows), Limits())
    assert from_xlsx.file_format == "xlsx" and from_csv.file_format == "csv"
    assert from_xlsx.rows == from_csv.rows
    assert [number for number, _ in from_xlsx.rows] == [2, 3]
    assert from_xlsx.rows[0][1]["account_number"] == "0011012345678"


def test_csv_saved_by_excel_with_semicolons_is_read():
    sheet = read_sheet(csv_bytes([full_row("CHO1", "A01")], delimiter=";"), Limits())
    assert sheet.rows[0][1]["vendor_name"] == "Nguyễn Thị Lan"


def test_numbers_typed_as_numbers_in_excel_read_as_text():
    row = full_row("CHO1", "A01")
    data = xlsx_bytes([{**row, "Số tài khoản": 1012345678, "Năm sinh": 1968.0, "Số": 3}])
    cells = read_sheet(data, Limits()).rows[0][1]
    assert (cells["account_number"], cells["birth_year"], cells["number"]) == (
        "1012345678", "1968", "3")


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet():
    data = xlsx_bytes([full_row("CHO1", "A01"), {}, full_row("CHO1", "A02")])
    assert [number for number, _ in read_sheet(data, Limits()).rows] == [2, 4]


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n",
    "Mã chợ".encode("utf-16"),
])
def test_a_file_that_is_not_a_spreadsheet_is_refused(data):
    assert "không phải bảng tính" in refusal(data)


def test_an_empty_file_is_refused():
    assert refusal(b"") == "Tệp trống."
    assert "không có dòng dữ liệu" in refusal(xlsx_bytes([]))


def test_a_file_over_the_size_limit_is_refused_before_reading():
    data = csv_bytes([full_row("CHO1", "A01")])
    assert "Tệp quá lớn" in refusal(data, Limits(max_bytes=len(data) - 1))


def test_too_many_rows_are_refused_but_trailing_blank_rows_do_not_count():
    rows = [full_row("CHO1", f"A{i:02d}") for i in range(5)]
    assert "quá 4 dòng" in refusal(csv_bytes(rows), Limits(max_rows=4))
    assert len(read_sheet(csv_bytes(rows + [{}] * 3), Limits(max_rows=5)).rows) == 5
    assert "quá 5 dòng" in refusal(csv_bytes(rows + [{}] * 20), Limits(max_rows=5))


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "xin chào")
    assert "không phải bảng tính XLSX" in refusal(out.getvalue())


def zip_bomb(uncompressed: int) -> bytes:
    """A workbook whose sheet inflates to ``uncompressed`` bytes of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * uncompressed)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_the_declared_sizes():
    data = zip_bomb(5 * 1024 * 1024)
    assert len(data) < 50_000
    assert "giải nén quá lớn" in refusal(data, Limits(max_unzipped_bytes=1024 * 1024))


def test_a_broken_xlsx_is_refused():
    data = xlsx_bytes([full_row("CHO1", "A01")])
    assert "bị hỏng" in refusal(data[: len(data) // 2])


def test_wrong_headers_name_the_missing_columns():
    headers = [h for h in HEADERS if h not in ("Ngân hàng", "Số tài khoản")] + ["Ghi chú"]
    message = refusal(xlsx_bytes([full_row("CHO1", "A01")], headers=headers))
    assert "Thiếu cột: Ngân hàng, Số tài khoản" in message


def test_headers_match_without_regard_to_case_or_accents():
    headers = [h.upper() for h in HEADERS]
    headers[0] = "ma cho"
    data = csv_bytes([], headers=headers) + "CHO1,A01,,,,Thịt\n".encode()
    assert read_sheet(data, Limits()).rows[0][1]["category"] == "Thịt"
