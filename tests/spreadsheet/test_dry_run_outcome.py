"""The dry run warns before a typo reaches a sign: lettered account numbers need a confirmation,
banks are named, the outcome reads at a glance, and its texts follow the reader's language."""
from __future__ import annotations

import re

from sqlalchemy import select

from market.extensions import db
from market.models import BankAccount, ImportJob
from spreadsheet.spreadsheet_files import full_row, xlsx_bytes
from spreadsheet.test_pages import count, upload, wait_for

LETTERED = "0123 45AB 789"


def badge(page: str) -> str:
    found = re.search(r'<span class="badge import-(\w+)">([^<]*)</span>', page)
    assert found, "the job page has no outcome badge"
    return f"{found[1]}: {found[2].strip()}"


def dry_run(client, rows) -> tuple[str, str]:
    location = upload(client, xlsx_bytes(rows)).location
    return location, wait_for(client, location)


def test_a_lettered_account_number_warns_and_needs_a_confirmation(client, board):
    location, page = dry_run(client, [
        full_row("CHO1", "A01", account=LETTERED, **{"Ngân hàng": "Agribank"}),
        full_row("CHO1", "A02", name="Trần Văn Bình", account="0011012345678"),
    ])
    assert "số tài khoản có chữ cái: kiểm tra lại" in page
    assert "Tài khoản 012345AB789 (Agribank (970405))" in page
    assert badge(page) == "warnings: ⚠ Có cảnh báo: cần xác nhận (1 dòng)"
    assert 'name="accept_warnings"' in page

    refused = client.post(f"{location}/confirm")
    assert refused.headers["Location"].endswith(location)
    assert "Hãy kiểm tra các dòng có cảnh báo" in client.get(location).get_data(as_text=True)
    assert count(BankAccount) == 0

    confirmed = client.post(f"{location}/confirm", data={"accept_warnings": "1"})
    page = wait_for(client, confirmed.headers["Location"])
    assert badge(page) == "applied: ✔ Đã ghi vào sổ"
    numbers = set(db.session.scalars(select(BankAccount.account_number)))
    assert numbers == {"012345AB789", "0011012345678"}


def test_the_dry_run_names_banks_with_their_bin(client, board):
    _, page = dry_run(client, [full_row("CHO1", "A01", **{"Ngân hàng": "970415"})])
    assert "VietinBank (970415)" in page
    assert "→ 970415<" not in page


def test_the_outcome_badge_tells_errors_warnings_and_clean_apart(client, board):
    _, clean = dry_run(client, [full_row("CHO1", "A01")])
    assert badge(clean) == "clean: ✔ Không có lỗi: sẵn sàng ghi"
    _, errors = dry_run(client, [full_row("CHO1", "A01", **{"Ngân hàng": "Ngân hàng Ma"})])
    assert badge(errors) == "errors: ✖ Có lỗi: chưa thể ghi (1 lỗi)"
    listing = client.get("/registry/import").get_data(as_text=True)
    assert "Có lỗi: chưa thể ghi (1 lỗi)" in listing and "Không có lỗi: sẵn sàng ghi" in listing


def test_problems_are_stored_as_codes_and_shown_in_the_readers_language(client, board):
    location, page = dry_run(client, [
        full_row("CHO1", "A01", **{"Ngân hàng": "Ngân hàng Ma"}),
        full_row("CHO1", "A02", **{"Số điện thoại": "12"}),
    ])
    job = db.session.scalar(select(ImportJob))
    messages = [message for _, _, message in job.result["problems"]]
    assert messages[0] == {
        "msgid": "Không nhận ra ngân hàng «%(value)s»: ghi mã BIN, mã hoặc tên viết tắt.",
        "params": {"value": "Ngân hàng Ma"}}
    assert "Không nhận ra ngân hàng «Ngân hàng Ma»" in page
    client.get("/language/en")
    page = client.get(location).get_data(as_text=True)
    assert "Bank “Ngân hàng Ma” not recognised" in page
    assert "Không nhận ra ngân hàng" not in page
    assert "<th>Error</th>" in page and "Failed" not in page


def test_the_codecs_own_messages_are_kept_in_both_languages(client, board):
    location, _ = dry_run(client, [full_row("CHO1", "A01", account="1" * 20)])
    job = db.session.scalar(select(ImportJob))
    (_, column, message), = job.result["problems"]
    assert column == "Số tài khoản" and set(message) == {"vi", "en"}
    client.get("/language/en")
    assert message["en"] in client.get(location).get_data(as_text=True)
