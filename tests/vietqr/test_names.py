import pytest

from market.vietqr import holder_name, same_holder, to_ascii


@pytest.mark.parametrize(
    ("text", "ascii_text"),
    [
        ("Chợ Đông Anh", "Cho Dong Anh"),
        ("đường Đê La Thành", "duong De La Thanh"),
        ("Ðỗ (eth, not Đ)", "Do (eth, not D)"),
        ("Phở bò tái – “ngon”", 'Pho bo tai - "ngon"'),
        ("Nguye\u0302\u0303n", "Nguyen"),
        ("ĂÂÊÔƠƯăâêôơư", "AAEOOUaaeoou"),
        ("tiền hàng 10/2025", "tien hang 10/2025"),
        ("plain ascii", "plain ascii"),
        ("cá 🐟", "ca 🐟"),
    ],
)
def test_to_ascii(text, ascii_text):
    assert to_ascii(text) == ascii_text


def test_every_vietnamese_letter_becomes_one_ascii_letter():
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    for letter in letters + letters.upper():
        converted = to_ascii(letter)
        assert len(converted) == 1 and converted.isascii() and converted.isalpha(), letter


def test_holder_name():
    assert holder_name("Nguyễn Thị Hồng Nhung") == "NGUYEN THI HONG NHUNG"
    assert holder_name("  trần   văn  đức ") == "TRAN VAN DUC"
    assert holder_name("") == ""


@pytest.mark.parametrize(
    ("typed", "decoded"),
    [
        ("Nguyễn Thị Hồng Nhung", "NGUYEN THI HONG NHUNG"),
        ("nguyen thi hong nhung", "NGUYỄN THỊ HỒNG NHUNG"),
        ("Nguyen  Thi HongNhung", "NGUYEN THI HONG NHUNG"),
        ("Đặng Văn Đức", "DANG VAN DUC"),
    ],
)
def test_same_holder_tolerates_case_spacing_and_diacritics(typed, decoded):
    assert same_holder(typed, decoded)


@pytest.mark.parametrize(
    ("typed", "decoded"),
    [
        ("Nguyễn Thị Hồng Nhung", "NGUYEN THI HONG NHUNG B"),
        ("Lê Văn Tám", "LE VAN TAN"),
        ("", ""),
        ("   ", "   "),
    ],
)
def test_different_holders(typed, decoded):
    assert not same_holder(typed, decoded)
