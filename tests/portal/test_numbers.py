"""The one number field of every form: it reads numbers as Vietnamese officials write them."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django import forms
from django.db import models
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.numbers import (
    MAX_LENGTH,
    NumberError,
    NumberField,
    column_limits,
    number_input,
    parse_id,
    parse_number,
    percent,
    percent_of,
    round_half_up,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def errors_of(field: forms.Field, typed) -> list[str]:
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    return refused.value.messages


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("8,5", Decimal("8.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1.234", Decimal("1234")),
        ("1,234.5", Decimal("1234.5")),
        (" 10 000 ", Decimal("10000")),
        ("0.24", Decimal("0.24")),
        ("", None),
    ],
)
def test_numbers_are_read_as_vietnamese_officials_write_them(typed, value):
    assert NumberField(required=False).clean(typed) == value


def test_a_whole_number_field_gives_an_int_and_reads_groups_of_thousands():
    assert NumberField(whole=True).clean("1.234") == 1234
    assert isinstance(NumberField(whole=True).clean("1.234"), int)


def test_a_whole_number_field_refuses_a_fraction():
    assert errors_of(NumberField(whole=True), "2,5") == ["Write a whole number."]


def test_garbage_is_refused_with_what_was_typed():
    assert errors_of(NumberField(), "mười") == ["“mười” is not a number. Write it like 1.234,5."]
    assert errors_of(NumberField(), "1,2.3,4") == ["“1,2.3,4” is not a number. Write it like 1.234,5."]


def test_a_form_keeps_its_own_words():
    field = NumberField(error_messages={"invalid": "Enter a number, e.g. 85,5."})
    assert errors_of(field, "abc") == ["Enter a number, e.g. 85,5."]


def test_bounds_are_checked_after_the_number_is_read():
    field = NumberField(min_value=0, max_value=100)
    assert field.clean("100") == 100
    assert field.clean("0") == 0
    assert errors_of(field, "-0,5") == ["Ensure this value is greater than or equal to 0."]
    assert errors_of(field, "100,5") == ["Ensure this value is less than or equal to 100."]


def test_bounds_can_say_it_in_the_forms_words():
    field = NumberField(min_value=0, error_messages={"min_value": "The value cannot be negative."})
    assert errors_of(field, "-1") == ["The value cannot be negative."]


def test_a_whole_number_field_reads_a_fraction_as_not_whole_before_its_bounds():
    assert errors_of(NumberField(whole=True, min_value=0), "-2,5") == ["Write a whole number."]


def test_digits_are_bounded_like_the_column_they_go_to():
    field = NumberField(max_digits=18, decimal_places=4)
    assert field.clean("99.999.999.999.999,9999") == Decimal("99999999999999.9999")
    message = ["At most 14 digits before and 4 after the decimal point."]
    assert errors_of(field, "1,23456") == message
    assert errors_of(field, "100.000.000.000.000") == message


def test_an_empty_required_field_says_it_is_required():
    assert errors_of(NumberField(), "  ") == ["This field is required."]


def test_the_text_is_checked_as_text_before_it_is_read():
    assert errors_of(NumberField(max_length=5), "123456") == ["Ensure this value has at most 5 characters (it has 6)."]


def test_the_box_is_plain_text_for_phones():
    assert NumberField().widget.attrs == {"inputmode": "decimal", "autocomplete": "off"}
    assert NumberField(whole=True).widget.attrs == {"inputmode": "numeric", "autocomplete": "off"}


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("vi", Decimal("1.50"), "1,5"),
        ("vi", Decimal("1500.00"), "1500"),
        ("vi", Decimal("1.234"), "1,234"),
        ("en", Decimal("1.5"), "1.5"),
        ("en", Decimal("1.234"), "1.2340"),  # "1.234" would read back as one thousand two hundred …
        ("en", 785, "785"),
    ],
)
def test_a_stored_number_is_shown_so_that_it_reads_back(language, value, shown):
    with translation.override(language):
        assert number_input(value) == shown
        assert NumberField().prepare_value(value) == shown


def test_a_grouped_display_is_kept_when_it_reads_back():
    with translation.override("vi"):
        assert number_input(Decimal("1234.5"), shown="1.234,5") == "1.234,5"
    with translation.override("en"):
        assert number_input(Decimal("1234"), shown="1,234") == "1234"


@given(
    st.decimals(min_value=-(10**14) + 1, max_value=10**14 - 1, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from(["vi", "en"]),
)
def test_every_stored_number_reads_back_unchanged(value, language):
    with translation.override(language):
        assert parse_number(number_input(value)) == value
        assert NumberField(required=False).clean(number_input(value)) == value


# --- shares: one format everywhere ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (17, 100, "17,0 %"),
        (1, 8, "12,5 %"),
        (1, 2, "50,0 %"),
        (3, 3, "100,0 %"),
        (0, 7, "0,0 %"),
        (1, 3, "33,3 %"),
        (2, 3, "66,7 %"),
        (1, 16, "6,3 %"),  # 6,25: half up, never half to even
        (1, 80, "1,3 %"),  # 1,25
        (12_345, 1, "1.234.500,0 %"),
        (5, 0, "—"),
        (5, None, "—"),
        (None, 5, "—"),
    ],
)
def test_a_share_is_written_with_one_decimal_and_a_space_before_the_sign(part, whole, shown):
    with translation.override("vi"):
        assert percent(part, whole) == shown


def test_a_share_follows_the_interface_language_like_every_other_number():
    with translation.override("en"):
        assert percent(1, 8) == "12.5 %"
        assert percent(12_345, 1) == "1,234,500.0 %"
    assert percent(1, 3, places=2) == "33.33 %"  # the test module's English


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (17.04, "17,0 %"),
        (Decimal("17.05"), "17,1 %"),
        (0.15, "0,2 %"),  # the float as written, not 0.1499999… in binary
        (Fraction(1, 3) * 100, "33,3 %"),
        (100, "100,0 %"),
        (Decimal("-2.25"), "-2,3 %"),
        (None, "—"),
    ],
)
def test_a_share_already_in_percent_is_written_the_same_way(value, shown):
    with translation.override("vi"):
        assert percent_of(value) == shown


def test_the_share_is_rounded_once_from_its_exact_value():
    # 12.449 of 100.000 is 12,449 %: 12,4 %. Rounded twice (12,45, then 12,5) it would read 12,5 %.
    with translation.override("vi"):
        assert percent(12_449, 100_000) == "12,4 %"
        assert percent(1_249, 10_000) == "12,5 %"
    assert round_half_up(Fraction(12_449, 1_000), 1) == Decimal("12.4")
    assert round_half_up(Decimal("0.625"), 2) == Decimal("0.63")
    assert str(round_half_up(-0.04, 1)) == "0.0"  # no "-0,0 %"


def test_shares_have_template_filters():
    template = Template("{% load portal %}{{ part|percent:whole }} · {{ share|percent_of }} · {{ none|percent_of }}")
    with translation.override("vi"):
        text = template.render(Context({"part": 1, "whole": 8, "share": 17.04, "none": None}))
    assert text == "12,5 % · 17,0 % · —"


@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=3),
)
def test_every_share_is_the_exact_share_rounded_half_up(part, whole, places):
    with translation.override("vi"):
        shown = percent(part, whole, places=places)
    number, sign = shown.rsplit(" ", 1)
    assert sign == "%"
    if places:
        assert len(number.rpartition(",")[2]) == places
    else:
        assert "," not in number
    exact = Fraction(100 * part, whole) * 10**places
    expected = Fraction(int(exact + Fraction(1, 2)), 10**places)  # half up, on the exact value
    assert Fraction(parse_number(number)) == expected


# --- bounds before work (issue 10): the text is checked before it is converted ---------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [(",5", Decimal("0.5")), ("5,", Decimal("5")), ("-,5", Decimal("-0.5")), ("007", Decimal("7")), ("-0", 0)],
)
def test_what_was_read_before_is_still_read(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    "typed", ["1e3", "1E+3", "+5", "1_000", "１２", "١٢", "٣", "²", "-", ",", "1,2,3", "0x10", "5-"]
)
def test_only_ascii_digits_separators_and_a_leading_minus_are_a_number(typed):
    with pytest.raises(NumberError) as refused:
        parse_number(typed)
    assert refused.value.code == "invalid"


def test_a_text_longer_than_any_number_is_refused_unread():
    assert parse_number("1" * MAX_LENGTH) is not None
    with pytest.raises(NumberError) as refused:
        parse_number("1" * (MAX_LENGTH + 1))
    assert refused.value.code == "too_long"
    assert errors_of(NumberField(), "9" * 10_000) == [f"A number has at most {MAX_LENGTH} characters."]


@pytest.mark.parametrize(
    ("typed", "fits"),
    [
        ("99.999.999.999.999,99", True),
        ("100.000.000.000.000", False),  # 15 digits before the separator
        ("0,123", False),
        ("1,230", True),  # trailing zeros are not digits the column loses
        ("00000000000000001", True),  # nor are leading ones
    ],
)
def test_digits_are_counted_on_the_text_as_a_decimal_column_holds_them(typed, fits):
    if fits:
        assert parse_number(typed, max_digits=16, decimal_places=2) is not None
    else:
        with pytest.raises(NumberError) as refused:
            parse_number(typed, max_digits=16, decimal_places=2)
        assert refused.value.code == "digits"


def test_a_field_takes_its_bounds_from_the_column_it_is_saved_to():
    money = NumberField(column=models.DecimalField(max_digits=18, decimal_places=2))
    assert money.clean("9.999.999.999.999.999,99") == Decimal("9999999999999999.99")
    assert errors_of(money, "10.000.000.000.000.000") == ["At most 16 digits before and 2 after the decimal point."]
    count = NumberField(column=models.PositiveIntegerField())
    assert count.clean("2.147.483.647") == 2_147_483_647
    assert errors_of(count, "2.147.483.648") == ["Ensure this value is less than or equal to 2,147,483,647."]
    assert errors_of(count, "99.999.999.999") == ["The number is too large: at most 10 digits."]
    assert errors_of(NumberField(column=models.PositiveSmallIntegerField(), max_value=100), "101") == [
        "Ensure this value is less than or equal to 100."
    ]
    assert column_limits(models.SmallIntegerField()) == {"whole": True, "max_digits": 5, "max_value": 32_767}


def test_an_id_in_a_query_is_ascii_digits_or_nothing():
    assert parse_id("12") == 12 and parse_id(" 7 ") == 7
    for text in (None, "", "²", "١٢", "-1", "1e3", "9" * 19, "9" * 5_000):
        assert parse_id(text) is None
