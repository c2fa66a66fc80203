from django import forms
from django.utils.translation import gettext_lazy as _

from portal.numbers import parse_number
from wards.models import Profile


class WholeNumberField(forms.IntegerField):
    """An integer typed the Vietnamese way: "1.234" is one thousand two hundred thirty-four."""

    default_error_messages = {"invalid": _("Enter a whole number, e.g. 1.234.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_number(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric"})
        return attrs


class ProfileForm(forms.Form):
    households = WholeNumberField(label=_("Households"), min_value=0)
    people = WholeNumberField(label=_("People"), min_value=0)
    poor_households = WholeNumberField(label=_("Poor households"), min_value=0, initial=0)
    near_poor_households = WholeNumberField(label=_("Near-poor households"), min_value=0, initial=0)
    party_members = WholeNumberField(label=_("Party members"), min_value=0, initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A plain text box: number inputs on phones refuse "1.234".
        for name in Profile.FIGURES:
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        households, people = data.get("households"), data.get("people")
        poor, near_poor = data.get("poor_households"), data.get("near_poor_households")
        if households is not None and people is not None and households > people:
            self.add_error("households", _("There cannot be more households than people."))
        if households is not None and poor is not None and poor > households:
            self.add_error("poor_households", _("Poor households cannot exceed households."))
        if None not in (households, poor, near_poor) and poor + near_poor > households:
            self.add_error(
                "near_poor_households", _("Poor and near-poor households together cannot exceed households.")
            )
        if data.get("party_members") is not None and people is not None and data["party_members"] > people:
            self.add_error("party_members", _("There cannot be more party members than people."))
        return data

    def figures(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in Profile.FIGURES}


class NeighbourhoodImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"), help_text=_("Columns: ward code, name, kind, households, people.")
    )
    year = forms.IntegerField(
        label=_("Year of the figures"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Enter a year, e.g. 2026.")},
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f
