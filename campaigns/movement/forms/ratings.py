"""The form of a party cell's rating. The rules live in campaigns.movement.services.ratings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.movement.models import PartyCellRating
from portal.numbers import NumberField, number_input


class RatingForm(forms.Form):
    """One party cell's rating for one year or quarter: a score and the conditions not met from 2025, a level
    before. The quarter and the version read travel hidden: the service checks both."""

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
    quarter = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.uses_points = PartyCellRating.scale_for(year) == PartyCellRating.Scale.POINTS
        if self.uses_points:
            del self.fields["level"]
            self.fields["score"].required = True
            for name in PartyCellRating.CAPS:
                self.fields[name] = forms.BooleanField(
                    label=PartyCellRating._meta.get_field(name).verbose_name, required=False
                )
        else:
            del self.fields["score"]
            self.fields["level"].required = True

    @property
    def condition_fields(self) -> list:
        """The tick boxes of the conditions that cap the level, each with the level it leaves at most."""
        return [
            (self[name], PartyCellRating.Level(level).label)
            for name, level in PartyCellRating.CAPS.items()
            if name in self.fields
        ]

    @property
    def conditions_open(self) -> bool:
        """Show the tick boxes unfolded when one is ticked or the form has errors."""
        return bool(self.errors) or any(self[name].value() for name in PartyCellRating.CAPS if name in self.fields)

    @property
    def conditions(self) -> dict:
        return {name: self.cleaned_data.get(name, False) for name in PartyCellRating.CAPS}

    @classmethod
    def initial_for(cls, rating: PartyCellRating | None, members: int = 0, quarter: int | None = None) -> dict:
        if rating is None:
            return {"members": members, "quarter": quarter or "", "version": 0}
        return {
            "score": number_input(rating.score),
            "level": rating.level,
            "members": rating.members,
            "note": rating.note,
            "quarter": rating.quarter or "",
            "version": rating.version,
            **{name: getattr(rating, name) for name in PartyCellRating.CAPS},
        }
