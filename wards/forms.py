from django import forms
from django.utils.translation import gettext_lazy as _

from portal.numbers import NumberField
from portal.uploads import check_upload
from wards import imports
from wards.models import Profile


def _figure(name: str, label, **kwargs) -> NumberField:
    """A figure of a unit's profile: a whole number typed the Vietnamese way ("1.234"), never negative,
    never more than its column holds."""
    message = _("Enter a whole number, e.g. 1.234.")
    return NumberField(
        label=label,
        column=Profile._meta.get_field(name),
        min_value=0,
        error_messages={"invalid": message, "whole": message},
        **kwargs,
    )


class ProfileForm(forms.Form):
    households = _figure("households", _("Households"))
    people = _figure("people", _("People"))
    poor_households = _figure("poor_households", _("Poor households"), initial=0)
    near_poor_households = _figure("near_poor_households", _("Near-poor households"), initial=0)
    party_members = _figure("party_members", _("Party members"), initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
        check_upload(f, imports.upload_rule())
        return f
