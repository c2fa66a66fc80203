"""Forms of commitments (cam kết): record one, close one, ask wards to sign, filter the list.

The choices of every form come from the user's scope: a ward id forged into a POST is simply not a choice.
The rules (dates, permissions, the scan) live in campaigns.movement; these forms only read what was typed.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.movement.models import Campaign, Commitment, CommitmentRequest, Topic
from campaigns.movement.permissions import cities_led_by
from portal import scope
from portal.dates import date_field
from wards.models import City, Neighbourhood, Ward


def _text(attrs=None):
    return forms.TextInput(attrs=attrs or {})


def _select():
    return forms.Select()


def signer_kinds_for(user) -> list[str]:
    """The kinds of signer this user records: a ward's staff all three (within their ward), a city's leaders
    only offices at city level."""
    current = scope.scope_of(user)
    kinds = []
    if current.is_admin or current.edit_ward_ids:
        kinds += [Commitment.SignerKind.WARD, Commitment.SignerKind.NEIGHBOURHOOD]
    if current.is_admin or current.edit_ward_ids or current.is_city_leader:
        kinds.append(Commitment.SignerKind.OFFICE)
    return kinds


class CommitmentForm(forms.Form):
    """Record a commitment. The fields follow who signs (`kind`): the ward itself, one of its neighbourhoods,
    or an office named by text (within a ward, or at city level for the city's leaders)."""

    signer_kind = forms.ChoiceField(choices=Commitment.SignerKind.choices, widget=forms.HiddenInput, required=False)
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Ward.objects.none(), widget=_select())
    city = forms.ModelChoiceField(
        label=_("City"), queryset=City.objects.none(), required=False, empty_label=None, widget=_select()
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        error_messages={"required": _("Choose the neighbourhood that signs.")},
        widget=_select(),
    )
    office = forms.CharField(
        label=_("Office or organisation"),
        max_length=200,
        error_messages={"required": _("Name the office or organisation that signs.")},
        widget=_text({"placeholder": _("e.g. the city police, a lower-secondary school, a household business")}),
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
    recipient_title = forms.CharField(
        label=_("Addressed to (position)"),
        max_length=200,
        error_messages={"required": _("Say to whom the commitment is made: the superior's position.")},
        widget=_text({"placeholder": _("Chairman of the city People's Committee")}),
    )
    recipient = forms.CharField(label=_("Addressed to (name)"), max_length=200, required=False, widget=_text())
    signed_on = date_field(_("Signed on"))
    period_start = date_field(_("From"))
    period_end = date_field(_("To"))
    document = forms.FileField(
        label=_("Scanned document"),
        help_text=_("JPG, PNG or PDF, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, user, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = signer_kinds_for(user)
        posted = self.data.get("signer_kind") if self.is_bound else None
        if not posted and self.is_bound and self.data.get("neighbourhood"):
            posted = Commitment.SignerKind.NEIGHBOURHOOD
        chosen = posted or kind
        self.kind = chosen if chosen in self.kinds else (self.kinds[0] if self.kinds else Commitment.SignerKind.WARD)
        self.initial["signer_kind"] = self.kind
        self.fields["signer_kind"].choices = [(k, k) for k in self.kinds]
        wards = Ward.objects.editable_by(user)
        self.fields["ward"].queryset = wards.order_by("search_key")
        self.fields["city"].queryset = cities_led_by(user).order_by("search_key")
        self._adapt(user, wards)
        if (
            not self.is_bound
            and "ward" in self.fields
            and self.fields["ward"].required
            and not self.initial.get("ward")
        ):
            only = list(self.fields["ward"].queryset[:2])
            if len(only) == 1:  # a ward's staff have one ward: it is theirs
                self.initial["ward"] = only[0]

    def _adapt(self, user, wards) -> None:
        """Keep only the fields of the chosen kind."""
        kind = Commitment.SignerKind
        if self.kind == kind.NEIGHBOURHOOD:
            self.fields["neighbourhood"].queryset = (
                Neighbourhood.objects.current(timezone.localdate())
                .filter(ward__in=wards)
                .select_related("ward")
                .order_by("ward__search_key", "search_key")
            )
            self.fields["neighbourhood"].label_from_instance = lambda hood: f"{hood.ward.name} · {hood.name}"
        else:
            del self.fields["neighbourhood"]
        if self.kind == kind.OFFICE:
            del self.fields["request"]
            self.fields["ward"].required = False
            self.fields["ward"].empty_label = _("— none: an office at city level —")
            self.fields["ward"].help_text = _("Leave empty for an office at city level (the city's leaders record it).")
            if not self.fields["city"].queryset.exists():
                del self.fields["city"]
                self.fields["ward"].required = True
                self.fields["ward"].empty_label = "---------"
                self.fields["ward"].help_text = ""
            if not self.fields["ward"].queryset.exists():
                del self.fields["ward"]
        else:
            del self.fields["office"], self.fields["city"]
            self.fields["request"].queryset = (
                CommitmentRequest.objects.filter(wards__in=wards).distinct().order_by("-period_start", "title")
            )

    def clean(self):
        data = super().clean()
        data["signer_kind"] = self.kind
        if self.kind == Commitment.SignerKind.OFFICE and not data.get("ward") and "city" in self.fields:
            if data.get("city") is None:
                self.add_error("city", _("Choose the city."))
        else:
            data["city"] = None
        return data


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
    kind = forms.ChoiceField(
        label=_("Who signs"),
        required=False,
        choices=[
            ("", _("Any signer")),
            *Commitment.SignerKind.choices,
            ("city", _("Offices at city level")),
        ],
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
