"""Whatever is encoded decodes to the same values (property-based)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from market.vietqr import PayloadError, all_banks, crc_hex, decode, encode, to_ascii
from market.vietqr.decoder import _scan

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
PURPOSE_ALPHABET = VIETNAMESE + VIETNAMESE.upper() + DIGITS + " .,-/"

bins = st.sampled_from([bank.bin for bank in all_banks()])
accounts = st.text(DIGITS + LETTERS, min_size=1, max_size=19)
cards = st.text(DIGITS, min_size=1, max_size=19)
amounts = st.none() | st.integers(min_value=1, max_value=10**13 - 1)
purposes = st.none() | st.text(PURPOSE_ALPHABET, max_size=25)
codes = st.none() | st.text(DIGITS + LETTERS + "-", min_size=1, max_size=25)


def expected_text(text):
    if text is None:
        return None
    return " ".join(to_ascii(text).split()) or None


def expected_name(text):
    converted = expected_text(text)
    return converted.upper() if converted else None


@settings(max_examples=200, deadline=None)
@given(bank_bin=bins, account=accounts, amount=amounts, purpose=purposes, bill=codes)
def test_account_round_trip(bank_bin, account, amount, purpose, bill):
    payload = decode(encode(bank_bin, account, amount=amount, purpose=purpose, bill=bill))
    assert payload.kind == "vietqr_account"
    assert (payload.bank_bin, payload.account, payload.amount) == (bank_bin, account, amount)
    assert payload.purpose == expected_text(purpose)
    assert payload.bill == bill
    assert payload.is_static == (amount is None)
    assert payload.bank.bin == bank_bin


@settings(max_examples=100, deadline=None)
@given(bank_bin=bins, card=cards, amount=amounts, reference=codes)
def test_card_round_trip(bank_bin, card, amount, reference):
    payload = decode(encode(bank_bin, card, amount=amount, service="card", reference=reference))
    assert payload.kind == "vietqr_card"
    assert (payload.account, payload.amount, payload.reference) == (card, amount, reference)


@settings(max_examples=100, deadline=None)
@given(name=st.text(PURPOSE_ALPHABET, max_size=25), city=st.text(PURPOSE_ALPHABET, max_size=15))
def test_names_round_trip_uppercased(name, city):
    payload = decode(encode("970436", "1", merchant_name=name, merchant_city=city))
    assert payload.merchant_name == expected_name(name)
    assert payload.merchant_city == expected_name(city)


VALID = encode("970403", "0011012345678", amount=180000, purpose="tien hang", bill="NPS6869")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_decodes_or_is_refused_cleanly(text):
    try:
        decode(text)
    except PayloadError:
        pass


@settings(max_examples=200, deadline=None)
@given(
    cut=st.integers(0, len(VALID) - 1),
    position=st.integers(0, len(VALID) - 1),
    char=st.characters(),
)
def test_damaged_payloads_are_refused_cleanly(cut, position, char):
    for damaged in (VALID[:cut], VALID[:position] + char + VALID[position + 1 :]):
        if damaged == VALID:
            continue
        try:
            decode(damaged)
        except PayloadError as error:
            assert error.field and error.message_vi and error.message_en
        else:
            raise AssertionError(f"accepted a damaged payload: {damaged!r}")


def general_scan(text):
    """The values of a payload's tag 38, scanned level by level without the fast path."""
    values = {}
    _scan(text, "", values)
    _scan(values["38"], "38.", values)
    _scan(values["38.01"], "38.01.", values)
    return {path: value for path, value in values.items() if path.startswith("38")}


@settings(max_examples=200, deadline=None)
@given(bank_bin=bins, account=accounts, card=st.booleans(), amount=amounts)
def test_napas_fast_path_gives_the_general_scans_values(bank_bin, account, card, amount):
    if card:
        account = "".join(ch for ch in account if ch.isdigit()) or "1"
    payload = encode(bank_bin, account, amount=amount, service="card" if card else "account")
    decoded = {
        path: value for path, value in decode(payload).values.items() if path.startswith("38")
    }
    assert list(decoded.items()) == list(general_scan(payload).items())


def test_non_canonical_napas_template_takes_the_general_path():
    # Same objects, service written before the beneficiary: still a valid VietQR transfer.
    napas = "0010A000000727" + "0208QRIBFTTA" + "0127000697040301130011012345678"
    body = "000201010211" + f"38{len(napas):02d}{napas}" + "53037045802VN6304"
    payload = decode(body + crc_hex(body))
    assert (payload.kind, payload.bank_bin, payload.account) == (
        "vietqr_account",
        "970403",
        "0011012345678",
    )
