"""Forms of plan targets: a target of a plan, and the achieved value of an entered one.

Numbers are typed the Vietnamese way (1.234,5); the rules (a name once per plan, values not negative) live
in services.target_errors, shown beside the fields; what was typed is kept.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.movement.plans.models import Direction, PlanTarget, Source
from campaigns.movement.plans.services import target_errors
from portal.numbers import NumberField


class TargetForm(forms.Form):
    order = NumberField(label=_("No."), whole=True, min_value=1, max_value=999)
    name = forms.CharField(label=_("Target"), max_length=300, help_text=_("e.g. Số phố, thôn đạt danh hiệu kiểu mẫu"))
    unit = forms.CharField(label=_("Unit of measure"), max_length=60, required=False, help_text=_("e.g. phố, thôn"))
    target = NumberField(label=_("Target value"), column=PlanTarget._meta.get_field("target"), min_value=0)
    direction = forms.ChoiceField(
        label=_("Reached when the achieved value is"), choices=Direction.choices, initial=Direction.AT_LEAST
    )
    source = forms.ChoiceField(
        label=_("Achieved value"),
        choices=Source.choices,
        initial=Source.ENTERED,
        help_text=_("Computed from the portal's data for the plan's units and year, or entered by hand."),
    )
    is_example = forms.BooleanField(label=_("Example figures (not from a decision)"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, city, ward, year: int, target: PlanTarget | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.city, self.ward, self.year, self.target = city, ward, year, target

    def clean(self):
        data = super().clean()
        errors = target_errors(
            city=self.city, ward=self.ward, year=self.year, data=data, pk=self.target.pk if self.target else None
        )
        for field, messages in errors.items():
            for message in messages:
                if field not in self.errors:
                    self.add_error(field, message)
        return data

    def initial_from(self, target: PlanTarget) -> None:
        for name in ("order", "name", "unit", "target", "direction", "source", "is_example", "version"):
            self.initial[name] = getattr(target, name)


class AchievedForm(forms.Form):
    achieved = NumberField(
        label=_("Achieved value"),
        column=PlanTarget._meta.get_field("achieved"),
        min_value=0,
        required=False,
        help_text=_("Empty: not known yet."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the figure comes from, e.g. the party committee's report."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
