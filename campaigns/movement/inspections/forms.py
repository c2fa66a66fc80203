"""Forms of registration and inspection. Numbers and dates the Vietnamese way (portal.numbers, portal.dates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import IndicatorKind, display
from campaigns.criteria.models import Programme
from campaigns.movement.forms.tasks import MultipleFileField
from campaigns.movement.inspections.models import InspectionRound, Score, TeamMember, Visit
from portal.dates import date_field
from portal.numbers import NumberField, number_input


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, (forms.CheckboxInput, forms.HiddenInput)):
            widget.attrs.setdefault("class", "form-control")


class RegisterForm(forms.Form):
    """Register many units at once, with one pledge for all (each can be edited afterwards)."""

    units = forms.MultipleChoiceField(
        label=_("Units to register"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one unit to register.")},
    )
    pledge = forms.CharField(
        label=_("Pledge (cam kết đăng ký)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the pledge the units make.")},
    )

    def __init__(self, *args, units: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.token, u.name) for u in units]
        _styled(self)


class PledgeForm(forms.Form):
    pledge = forms.CharField(
        label=_("Pledge (cam kết đăng ký)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the pledge the units make.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this registration"),
        error_messages={"required": _("Tick the box to confirm; the registration was not withdrawn.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["confirm"].widget.attrs["class"] = "form-check-input"


class RoundForm(forms.ModelForm):
    """A round's name, dates and note; for a new round also its programme and year."""

    starts_on = date_field(_("From"))
    ends_on = date_field(_("To"))

    class Meta:
        model = InspectionRound
        fields = ["programme", "year", "name", "starts_on", "ends_on", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, is_new: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("level", "name")
        self.fields["year"].min_value, self.fields["year"].max_value = 2000, 2100
        if not is_new:
            del self.fields["programme"]
            del self.fields["year"]
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The round cannot end before it starts."))
        return data


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "role", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        _styled(self)

    def clean(self):
        data = super().clean()
        name, role = (data.get("name") or "").strip(), (data.get("role") or "").strip()
        if (name or role or (data.get("organisation") or "").strip()) and not (name and role):
            raise forms.ValidationError(_("Give each team member's name and role in the team."))
        return data


TeamFormSet = forms.formset_factory(TeamMemberForm, extra=2, max_num=30, absolute_max=60)


def team_rows(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and (f.cleaned_data.get("name") or "").strip()]


class VisitAddForm(forms.Form):
    units = forms.MultipleChoiceField(
        label=_("Units to visit"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one unit to visit.")},
    )
    visited_on = date_field(_("Day of the visit"))

    def __init__(self, *args, units: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.token, u.name) for u in units]
        _styled(self)


class VisitForm(forms.Form):
    """The visit's details, the verified value and note of each indicator (v_<id>, n_<id>), the conclusion."""

    visited_on = date_field(_("Day of the visit"))
    participants = forms.CharField(
        label=_("Who took part"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Visit.Conclusion.choices)
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the unit meets the criteria with conditions."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, scores: list[Score], editable: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = [s.indicator for s in scores]
        for score in scores:
            self.fields[f"v_{score.indicator_id}"] = _value_field(score)
            self.fields[f"n_{score.indicator_id}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=500,
                initial=score.note,
                widget=forms.TextInput(
                    attrs={"aria-label": _("Note for indicator %(code)s") % {"code": score.indicator.code}}
                ),
            )
        _styled(self)
        for field in self.fields.values():
            field.disabled = not editable

    def clean(self):
        data = super().clean()
        if data.get("conclusion") == Visit.Conclusion.CONDITIONS and not (data.get("conditions") or "").strip():
            self.add_error("conditions", _("Say on which conditions the unit meets the criteria."))
        return data


def _value_field(score: Score) -> forms.Field:
    indicator = score.indicator
    label = _("Verified value of %(code)s") % {"code": indicator.code}
    if indicator.kind == IndicatorKind.BOOLEAN:
        value = score.verified_value
        return forms.TypedChoiceField(
            label=label,
            required=False,
            initial="" if value is None else ("1" if value else "0"),
            coerce=int,
            empty_value=None,
            choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
        )
    if indicator.kind == IndicatorKind.TEXT:
        return forms.CharField(label=label, required=False, disabled=True, initial="")
    initial = ""
    if score.verified_value is not None:
        initial = number_input(score.verified_value, shown=display(indicator.kind, score.verified_value))
    return NumberField(
        label=label,
        required=False,
        initial=initial,
        column=Score._meta.get_field("verified_value"),
        min_value=0,
        max_value=100 if indicator.kind == IndicatorKind.PERCENT else None,
    )


class PhotoForm(forms.Form):
    files = MultipleFileField(label=_("Photos or documents"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
