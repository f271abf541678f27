import csv
import json
from importlib.resources import files
from pathlib import Path

import pytest

from market.vietqr import all_banks, get_bank, search_banks
from market.vietqr.banks import BANK_STATUSES

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
COLUMNS = ["bin", "code", "short_name", "name", "vietqr", "status", "note", "source"]


def csv_rows():
    text = files("market.vietqr").joinpath("data", "banks.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_file_has_the_stable_columns():
    text = files("market.vietqr").joinpath("data", "banks.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",") == COLUMNS


def test_every_row_is_well_formed():
    rows = csv_rows()
    assert len(rows) >= 55
    for row in rows:
        assert len(row["bin"]) == 6 and row["bin"].isdigit(), row
        assert row["code"] and row["short_name"] and row["name"], row
        assert row["vietqr"] in {"0", "1"}, row
        assert row["status"] in BANK_STATUSES, row
        assert None not in row, row
        if row["status"] != "active":
            assert row["note"], row
        assert row["source"], row
    assert len({row["bin"] for row in rows}) == len(rows)
    assert len({row["code"] for row in rows}) == len(rows)


def test_names_are_vietnamese_with_diacritics():
    assert get_bank("970436").name == "Ngân hàng TMCP Ngoại thương Việt Nam"
    assert get_bank("970405").name == "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"


def test_lookup_by_bin():
    bank = get_bank("970415")
    assert (bank.code, bank.short_name, bank.vietqr, bank.status) == (
        "ICB",
        "VietinBank",
        True,
        "active",
    )
    assert get_bank("000000") is None
    assert len(all_banks()) == len(csv_rows())


@pytest.mark.parametrize(
    ("bank_bin", "code", "former"),
    [
        ("970414", "MBV", "Oceanbank"),
        ("970444", "VCBNEO", "CBBank"),
        ("970406", "VIKKI", "DongA"),
        ("970449", "LPB", "LienVietPostBank"),
        ("970408", "GPB", "Dầu khí Toàn cầu"),
    ],
)
def test_renamed_banks_keep_their_bin_and_mention_the_old_name(bank_bin, code, former):
    bank = get_bank(bank_bin)
    assert bank.code == code and bank.status == "renamed"
    assert former in bank.note
    assert bank in search_banks(former)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("vietin", "ICB"),
        ("Công Thương Việt Nam", "ICB"),
        ("cong thuong viet nam", "ICB"),
        ("970415", "ICB"),
        ("icb", "ICB"),
        ("vietcom bank", "VCB"),
        ("ngoai thuong", "VCB"),
        ("Sacombank", "STB"),
        ("momo", "MOMO"),
    ],
)
def test_search_ignores_case_diacritics_and_spaces(query, code):
    assert code in [bank.code for bank in search_banks(query)]


def test_exact_matches_come_first():
    assert search_banks("SHB")[0].code == "SHB"
    assert search_banks("970403")[0].code == "STB"


def test_search_without_match_and_blank_search():
    assert search_banks("zzzz-no-such-bank") == []
    assert search_banks("  ") == list(all_banks())


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="third-party reference lists not present")
def test_every_bin_of_the_reference_lists_is_in_the_directory():
    """The README in data/ explains each difference; a new BIN there must be looked at."""
    ours = {bank.bin for bank in all_banks()}
    for path in REFERENCE.glob("*.json"):
        bins = {
            entry["bin"] for entry in json.loads(path.read_text(encoding="utf-8")) if entry["bin"]
        }
        assert bins <= ours, (path.name, sorted(bins - ours))


def test_the_2025_changes_are_in_with_their_sources():
    gpbank = get_bank("970408")
    assert gpbank.short_name == "GPBank" and "Kỷ nguyên Thịnh vượng" in gpbank.name
    assert gpbank.source.startswith("https://")
    pay = get_bank("971133")
    assert (pay.code, pay.short_name, pay.vietqr) == ("PVDB", "PVcomBank Pay", True)
    assert "api.vietqr.io" in pay.source
    assert get_bank("971133") in search_banks("pvcombank pay")


def test_receive_only_banks_are_the_ones_whose_app_cannot_scan():
    assert get_bank("970458").receive_only and not get_bank("970415").receive_only
    assert get_bank("970458").to_dict()["receive_only"] is True
