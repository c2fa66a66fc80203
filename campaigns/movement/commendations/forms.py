"""Forms of commendations: record or correct one, filter the list.

Choices come from the ward: a neighbourhood or party-cell id forged into a POST is not a choice. The rules
(exactly one recipient, units of the ward, dates) live in services.commendation_errors; the form shows their
messages beside the fields and keeps what was typed.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.movement.commendations.models import GROUPS, AwardForm, Recipient
from campaigns.movement.commendations.services import commendation_errors
from portal.dates import date_field
from wards.models import Neighbourhood, PartyCell, Ward


def _units(model, ward: Ward, keep=None):
    """The ward's neighbourhoods (or party cells) today, and the one a commendation already names."""
    current = model.objects.current(timezone.localdate()).filter(ward=ward)
    if keep is not None:
        current = current | model.objects.filter(pk=keep.pk)
    return current.order_by("search_key")


class CommendationForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    form = forms.ChoiceField(label=_("Form of award"), choices=AwardForm.choices)
    authority = forms.CharField(
        label=_("Issuing authority"),
        max_length=200,
        # The usual authorities are suggested by the page's <datalist id="authority-suggestions"> (no script).
        widget=forms.TextInput(attrs={"list": "authority-suggestions", "autocomplete": "off"}),
        help_text=_("Who decided, e.g. Chủ tịch UBND phường, Chủ tịch UBND tỉnh."),
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, help_text=_("e.g. 125/QĐ-UBND"))
    decision_date = date_field(_("Decision date"))
    signer = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    recipient = forms.ChoiceField(label=_("Recipient"), choices=Recipient.choices, widget=forms.RadioSelect)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("The neighbourhood commended, or the household's; optional for an individual."),
    )
    party_cell = forms.ModelChoiceField(
        label=_("Party cell"),
        queryset=PartyCell.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Only for a party cell's commendation."),
    )
    person_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("The individual, or the head of the household."),
    )
    position = forms.CharField(
        label=_("Role or position"),
        max_length=200,
        required=False,
        help_text=_("Only for an individual, e.g. Tổ trưởng tổ dân phố."),
    )
    achievement = forms.CharField(
        label=_("Achievement"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What it is for, as the decision writes it."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ward: Ward, commendation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward = ward
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, this_year - 11, -1)]
        if commendation is not None and commendation.year < this_year - 10:
            self.fields["year"].choices.append((commendation.year, str(commendation.year)))
        self.fields["neighbourhood"].queryset = _units(
            Neighbourhood, ward, commendation.neighbourhood if commendation else None
        )
        self.fields["party_cell"].queryset = _units(PartyCell, ward, commendation.party_cell if commendation else None)

    def clean(self):
        """The rules the services apply (services.commendation_errors), shown beside the fields all at once."""
        data = super().clean()
        for field, messages in commendation_errors(self.ward, data).items():
            for message in messages:
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return data

    def initial_from(self, commendation) -> None:
        """Fill an unbound form with what is saved."""
        names = [n for n in self.fields if n != "version"]
        for name in names:
            self.initial[name] = getattr(commendation, name)
        self.initial["version"] = commendation.version


class CommendationFilterForm(forms.Form):
    """The list: year, form, kind of recipient, ward and a search on names."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    form = forms.ChoiceField(label=_("Form of award"), required=False)
    recipient = forms.ChoiceField(label=_("Recipient"), required=False)
    ward = forms.ChoiceField(label=_("Ward"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("name of the person or unit"), "type": "search"}),
    )

    def __init__(self, *args, years: list[int], wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in years]]
        self.fields["form"].choices = [("", _("All forms")), *AwardForm.choices]
        self.fields["recipient"].choices = [("", _("All recipients")), *GROUPS, *Recipient.choices]
        self.fields["ward"].choices = [("", _("All wards")), *[(w.code, w.name) for w in wards]]
        for field in self.fields.values():  # Bootstrap's boxes: the filter row renders its fields one by one
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"
