"""The one number field of every form: it reads numbers as Vietnamese officials write them."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.numbers import NumberField, number_input, parse_number


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
