"""Dates as Vietnamese officials type them: dd/mm/yyyy."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = "%d/%m/%Y"
INPUT_FORMATS = [DATE_INPUT, "%Y-%m-%d"]


def date_field(label, **kwargs) -> forms.DateField:
    """A date field that reads and shows dd/mm/yyyy (ISO accepted too), with a clear message when it cannot."""
    kwargs.setdefault("input_formats", INPUT_FORMATS)
    return forms.DateField(
        label=label,
        widget=forms.DateInput(
            format=DATE_INPUT,
            attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 01/07/2026.")},
        **kwargs,
    )
