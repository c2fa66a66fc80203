import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.numbers import parse_number
from portal.vietnamese import fold, nfc


def test_nfc_joins_decomposed_letters_and_spaces():
    decomposed = unicodedata.normalize("NFD", "  Phường   Đông Cương ")
    assert nfc(decomposed) == "Phường Đông Cương"
    assert len(nfc(decomposed)) == len("Phường Đông Cương")


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("dong cuong", "Đông Cương"),
        ("DONG  CUONG", "Đông Cương"),
        ("hạc thanh", "Phường Hạc Thành"),
        ("hoang loc", "Xã Hoằng Lộc"),
        ("muong lat", "Xã Mường Lát"),
    ],
)
def test_fold_ignores_accents_case_and_spacing(typed, name):
    assert fold(typed) in fold(name)


@given(st.text())
def test_fold_is_the_same_for_nfc_and_nfd_text(text):
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


@given(st.text())
def test_fold_leaves_no_combining_mark(text):
    assert not any(unicodedata.category(ch) == "Mn" for ch in fold(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("8,5", Decimal("8.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1.234", Decimal("1234")),
        ("1.234.567", Decimal("1234567")),
        ("1,234.5", Decimal("1234.5")),
        ("785", Decimal("785")),
        (" 10 000 000 ", Decimal("10000000")),
        ("-2,25", Decimal("-2.25")),
        ("0.24", Decimal("0.24")),
        ("", None),
    ],
)
def test_numbers_are_read_as_vietnamese_write_them(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "1,2.3,4", "nan", "inf", "1..2"])
def test_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_a_number_written_the_vietnamese_way_reads_back(whole, cents):
    grouped = f"{whole:,}".replace(",", ".")
    assert parse_number(f"{grouped},{cents:02d}") == Decimal(f"{whole}.{cents:02d}")
