"""Fuzzing the parsers that take text from outside: the VietQR payload decoder, the
spreadsheet reader and the bank activity report. Bad input gets a reason, never a crash,
and nothing is written."""
import io

from factories import login, make_stall, make_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from market.extensions import db
from market.models import ImportJob, PaymentActivity
from market.registry.spreadsheet.export import template
from market.registry.spreadsheet.reader import SpreadsheetError, check_file, read_sheet
from market.vietqr import Payload, PayloadError, crc_hex, decode

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
BODY = ("00020101021138540010A00000072701240006970436011010123456780208QRIBFTTA"
        "53037045802VN6304")
PAYLOAD = BODY + crc_hex(BODY)


def near_payload() -> st.SearchStrategy[str]:
    """A real payload with a few characters changed, cut or added: deep into the decoder."""
    return st.builds(
        lambda cut, insert, at: PAYLOAD[:at] + insert + PAYLOAD[at + cut:],
        st.integers(0, 6), st.text(max_size=6), st.integers(0, len(PAYLOAD)))


@FUZZ
@given(st.one_of(st.text(max_size=300), near_payload()))
def test_the_decoder_answers_a_payload_or_a_payload_error(text):
    assert isinstance(decode(PAYLOAD), Payload)
    try:
        assert isinstance(decode(text), Payload)
    except PayloadError:
        pass


def mutated(original: bytes) -> st.SearchStrategy[bytes]:
    """``original`` with a few bytes overwritten: past the signature checks, into the parser."""
    return st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)),
                    min_size=1, max_size=8).map(
        lambda edits: bytes(_apply(bytearray(original), edits)))


def _apply(data: bytearray, edits) -> bytearray:
    for at, value in edits:
        data[at] = value
    return data


@FUZZ
@given(st.one_of(
    st.binary(max_size=2000),
    mutated(template("xlsx")),
    mutated(template("csv")),
    st.text(max_size=500).map(lambda text: ("ma_gian_hang,ten\n" + text).encode()),
    st.binary(max_size=500).map(lambda tail: b"PK\x03\x04" + tail),
))
def test_the_spreadsheet_reader_refuses_or_reads_any_bytes(app, data):
    try:
        check_file(data)
        read_sheet(data)
    except SpreadsheetError:
        pass


@FUZZ
@given(st.binary(max_size=400))
def test_the_upload_page_refuses_random_bytes_and_keeps_nothing(app, client, data):
    if not getattr(client, "_signed_in", False):
        login(client, make_user("admin"))
        client._signed_in = True
    response = client.post("/registry/import", data={"file": (io.BytesIO(data), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


@FUZZ
@given(st.one_of(
    st.binary(max_size=600),
    st.text(max_size=300).map(lambda text: ("account_number,date,count,amount\n" + text).encode()),
))
def test_the_activity_report_import_never_fails_and_writes_nothing_bad(app, client, data):
    if not getattr(client, "_signed_in", False):
        make_stall()
        login(client, make_user("admin"))
        client._signed_in = True
    before = db.session.scalar(select(func.count()).select_from(PaymentActivity))
    response = client.post("/monitor/activity/import", content_type="multipart/form-data",
                           data={"report": (io.BytesIO(data), "bao-cao.csv"), "confirm": "y"})
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert db.session.scalar(select(func.count()).select_from(PaymentActivity)) == before
