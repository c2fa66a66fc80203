"""Dates as Vietnamese officials type them: dd/mm/yyyy, in every form and filter."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = "%d/%m/%Y"
INPUT_FORMATS = [DATE_INPUT, "%Y-%m-%d"]


def _date_options(kwargs: dict) -> dict:
    """What a date field needs to read and show dd/mm/yyyy (ISO accepted too), with a clear message."""
    kwargs.setdefault("input_formats", INPUT_FORMATS)
    return {
        "widget": forms.DateInput(
            format=DATE_INPUT,
            attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"},
        ),
        "error_messages": {"invalid": _("Enter the date as dd/mm/yyyy, e.g. 01/07/2026.")},
        **kwargs,
    }


def date_field(label, **kwargs) -> forms.DateField:
    """A date field that reads and shows dd/mm/yyyy (ISO accepted too), with a clear message when it cannot."""
    return forms.DateField(label=label, **_date_options(kwargs))


def date_filter(label, **kwargs) -> django_filters.DateFilter:
    """The same date box in a django-filter FilterSet (field_name, lookup_expr … as DateFilter takes them)."""
    return django_filters.DateFilter(label=label, **_date_options(kwargs))
