"""The form of a party cell's rating. The rules live in campaigns.movement.services.ratings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.movement.models import PartyCellRating
from portal.numbers import NumberField, number_input


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
