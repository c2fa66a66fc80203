"""Forms of contributions: record or correct one, filter a ward's list or the city's totals, upload a file.

Choices come from the ward: a neighbourhood or campaign id forged into a POST is not a choice. The rules
(dates, amounts, campaigns the ward takes part in) live in services.contribution_errors, shared with the
Excel import; the form shows their messages beside the fields and keeps what was typed.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.movement.contributions.models import Contribution, Kind, Source
from campaigns.movement.contributions.services import contribution_errors, ward_campaigns
from campaigns.movement.models import Campaign
from portal.dates import date_field
from portal.numbers import NumberField, number_input, number_shown
from wards.models import Neighbourhood, Ward

WARD_ITSELF = "ward"
MONTHS = [(m, _("Month %(m)s") % {"m": m}) for m in range(1, 13)]


def _small(form: forms.Form) -> None:
    """Bootstrap's small boxes for a filter row (its fields are rendered one by one)."""
    for field in form.fields.values():
        is_select = isinstance(field.widget, forms.Select)
        field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"


def _neighbourhoods(ward: Ward, keep: Neighbourhood | None = None):
    """The ward's neighbourhoods today, and the one a contribution already names (even if merged since)."""
    current = Neighbourhood.objects.current(timezone.localdate()).filter(ward=ward)
    if keep is not None:
        current = current | Neighbourhood.objects.filter(pk=keep.pk)
    return current.order_by("search_key")


class ContributionForm(forms.Form):
    received_on = date_field(_("Received on"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    amount = NumberField(
        label=_("Amount"),
        column=Contribution._meta.get_field("amount"),
        min_value=0,
        help_text=_("Money and materials in đồng (1.234.000), land in m², labour in working days (2,5)."),
    )
    description = forms.CharField(
        label=_("What was given"),
        max_length=300,
        required=False,
        help_text=_("Required for materials: what and how much, e.g. 20 tonnes of cement."),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("— the ward as a whole —"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label=_("— no campaign —")
    )
    contributor = forms.CharField(
        label=_("Contributor"),
        max_length=200,
        required=False,
        help_text=_("A household, a person, a business; empty when many gave together."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ward: Ward, contribution: Contribution | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward = ward
        self.fields["neighbourhood"].queryset = _neighbourhoods(
            ward, contribution.neighbourhood if contribution else None
        )
        self.fields["campaign"].queryset = ward_campaigns(ward).order_by("-start", "name")

    def clean(self):
        """The rules the services apply (services.contribution_errors), shown beside the fields all at once."""
        data = super().clean()
        for field, messages in contribution_errors(self.ward, data).items():
            for message in messages:
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return data

    def initial_from(self, contribution: Contribution) -> None:
        """Fill an unbound form with what is saved."""
        for name in ("received_on", "kind", "source", "amount", "description", "neighbourhood", "campaign"):
            self.initial[name] = getattr(contribution, name)
        self.initial.update(contributor=contribution.contributor, note=contribution.note, version=contribution.version)
        # "150.000.000" as officials write it, when it reads back the same in the interface's language.
        self.initial["amount"] = number_input(contribution.amount, shown=number_shown(contribution.amount))


class ContributionFilterForm(forms.Form):
    """A ward's list: the year and a range of its months, kind, source, campaign, unit and a search."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    month_from = forms.TypedChoiceField(label=_("From month"), coerce=int, required=False, choices=[("", "—"), *MONTHS])
    month_to = forms.TypedChoiceField(label=_("To month"), coerce=int, required=False, choices=[("", "—"), *MONTHS])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices])
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label=_("All campaigns")
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("contributor or unit"), "type": "search"}),
    )

    def __init__(self, *args, ward: Ward, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in years]]
        self.fields["campaign"].queryset = ward_campaigns(ward).order_by("-start", "name")
        self.fields["unit"].choices = [
            ("", _("All units")),
            (WARD_ITSELF, _("The ward as a whole")),
            *[(str(h.pk), h.name) for h in _neighbourhoods(ward)],
        ]
        _small(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and end < start:
            self.add_error("month_to", _("The last month cannot come before the first."))
        if (start or end) and not data.get("year"):
            self.add_error("year", _("Choose the year of the months."))
        return data


class CityFilterForm(forms.Form):
    """The city's totals: a year and a range of its months."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    month_from = forms.TypedChoiceField(label=_("From month"), coerce=int, required=False, choices=[("", "—"), *MONTHS])
    month_to = forms.TypedChoiceField(label=_("To month"), coerce=int, required=False, choices=[("", "—"), *MONTHS])

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        _small(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and end < start:
            self.add_error("month_to", _("The last month cannot come before the first."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The template filled in; every row is checked before anything is saved."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
