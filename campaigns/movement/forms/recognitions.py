"""Forms of recognitions (propose, decide) and of party-cell ratings. The rules live in campaigns.movement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.movement.models import PartyCellRating, Recognition
from campaigns.movement.services.recognitions import RECOGNITION_TITLE
from portal.dates import date_field
from portal.numbers import NumberField, number_input


class ProposeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=RECOGNITION_TITLE)


class DecideForm(forms.Form):
    CONFIRM, REJECT = "confirm", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(CONFIRM, _("Confirm")), (REJECT, _("Reject"))], widget=forms.RadioSelect
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = date_field(_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @property
    def confirm(self) -> bool:
        return self.cleaned_data.get("decision") == self.CONFIRM

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.CONFIRM:
            if not (data.get("decision_number") or "").strip():
                self.add_error("decision_number", _("A confirmation needs the decision's number."))
            if not data.get("decision_date") and "decision_date" not in self.errors:
                self.add_error("decision_date", _("A confirmation needs the decision's date."))
        return data


class RatingForm(forms.Form):
    """One party cell's rating for one year: a score from 2025, a level before."""

    # Bounds are the service's: it says what a score may be.
    score = NumberField(
        label=_("Score (0–100)"),
        required=False,
        max_length=12,
        column=PartyCellRating._meta.get_field("score"),
        error_messages={"invalid": _("Enter a number, e.g. 85,5.")},
    )
    level = forms.ChoiceField(label=_("Rating"), choices=[("", "—"), *PartyCellRating.Level.choices], required=False)
    members = NumberField(
        label=_("Party members"), column=PartyCellRating._meta.get_field("members"), min_value=0, initial=0
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.uses_points = PartyCellRating.scale_for(year) == PartyCellRating.Scale.POINTS
        if self.uses_points:
            del self.fields["level"]
            self.fields["score"].required = True
        else:
            del self.fields["score"]
            self.fields["level"].required = True

    @classmethod
    def initial_for(cls, rating: PartyCellRating | None, members: int = 0) -> dict:
        if rating is None:
            return {"members": members}
        return {
            "score": number_input(rating.score),
            "level": rating.level,
            "members": rating.members,
            "note": rating.note,
        }


STATUS_CHOICES = [("", _("All")), *Recognition.Status.choices]
