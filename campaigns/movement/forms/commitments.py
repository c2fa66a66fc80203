"""Forms of commitments (cam kết): record one, close one, ask wards to sign, filter the list.

The choices of every form come from the user's scope: a ward id forged into a POST is simply not a choice.
The rules (dates, permissions, the scan) live in campaigns.movement; these forms only read what was typed.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.movement.models import Campaign, Commitment, CommitmentRequest, Topic
from portal.dates import date_field
from wards.models import Neighbourhood, Ward


def _text(attrs=None):
    return forms.TextInput(attrs=attrs or {})


def _select():
    return forms.Select()


class CommitmentForm(forms.Form):
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Ward.objects.none(), widget=_select())
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("— the ward itself —"),
        widget=_select(),
    )
    request = forms.ModelChoiceField(
        label=_("In answer to"),
        queryset=CommitmentRequest.objects.none(),
        required=False,
        empty_label=_("— no request —"),
        widget=_select(),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, widget=_select())
    signer = forms.CharField(label=_("Signed by"), max_length=200, widget=_text())
    signer_title = forms.CharField(
        label=_("Position"), max_length=200, widget=_text({"placeholder": _("Chairman of the ward People's Committee")})
    )
    signed_on = date_field(_("Signed on"))
    period_start = date_field(_("From"))
    period_end = date_field(_("To"))
    document = forms.FileField(
        label=_("Scanned document"),
        help_text=_("JPG, PNG or PDF, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        wards = Ward.objects.editable_by(user)
        self.fields["ward"].queryset = wards.order_by("search_key")
        self.fields["neighbourhood"].queryset = (
            Neighbourhood.objects.current(timezone.localdate())
            .filter(ward__in=wards)
            .select_related("ward")
            .order_by("ward__search_key", "search_key")
        )
        self.fields["neighbourhood"].label_from_instance = lambda hood: f"{hood.ward.name} · {hood.name}"
        self.fields["request"].queryset = (
            CommitmentRequest.objects.filter(wards__in=wards).distinct().order_by("-period_start", "title")
        )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(Commitment.Outcome.KEPT, _("Kept")), (Commitment.Outcome.BREACHED, _("Breached"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the commitment was kept or breached.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommitmentRequestForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        widget=_text({"placeholder": _("Commitment not to use fireworks, Tết 2027")}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, widget=_select())
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("— none: asked by the city —"),
        widget=_select(),
    )
    period_start = date_field(_("From"))
    period_end = date_field(_("To"))
    deadline = date_field(_("Sign by"))
    wards = forms.ModelMultipleChoiceField(
        label=_("Wards asked"),
        queryset=Ward.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one ward to ask.")},
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wards"].queryset = Ward.objects.filter(city=city).order_by("search_key")
        self.fields["campaign"].queryset = Campaign.objects.filter(city=city).order_by("-start", "name")
        if not self.is_bound:
            self.initial.setdefault("wards", list(self.fields["wards"].queryset.values_list("pk", flat=True)))


class CommitmentFilterForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        choices=[("", _("All topics")), *Topic.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        required=False,
        queryset=Ward.objects.none(),
        to_field_name="code",
        empty_label=_("All wards"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    year = forms.IntegerField(
        label=_("Period (year)"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": "2026", "class": "form-control form-control-sm"}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *Commitment.Outcome.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.visible_to(user).order_by("search_key")
