"""The entry form of one unit and period: one field per indicator, grouped by criterion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import IndicatorKind, display
from campaigns.criteria.models import Indicator
from campaigns.results.models import Result
from portal import uploads
from portal.numbers import NumberField, number_input, parse_number

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# The types a proof may be (a photo or a PDF), by content, with the extension it is stored under.
EVIDENCE_TYPES = {uploads.JPEG: "jpg", uploads.PNG: "png", uploads.PDF: "pdf"}
EVIDENCE = uploads.UploadRule(
    max_bytes=MAX_EVIDENCE_BYTES,
    too_large=_("“%(name)s” is larger than 10 MB."),
    types=tuple(EVIDENCE_TYPES),
    wrong_type=_("“%(name)s” is not a JPG or PNG photo or a PDF document."),
)


def check_evidence(upload) -> str:
    """Return the file's real type, or raise ValidationError: jpg, png or pdf of at most 10 MB, by content.

    For evidence of a result, a task's attachments and a commitment's scan alike.
    """
    return uploads.check_upload(upload, EVIDENCE)


class ResultsForm(forms.Form):
    """Fields `v_<id>` (value), `n_<id>` (note) and `ver_<id>` (version when opened) per indicator."""

    reason = forms.CharField(
        label=_("Reason for the change (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(
        self, *args, indicators: list[Indicator], results: dict[int, Result], editable: bool, profile=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.profile = profile
        for indicator in indicators:
            result = results.get(indicator.pk)
            self.fields[f"v_{indicator.pk}"] = self._value_field(indicator, result)
            self.fields[f"n_{indicator.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                initial=result.note if result else "",
                widget=forms.TextInput(attrs={"placeholder": _("Note"), "class": "form-control form-control-sm"}),
            )
            self.fields[f"ver_{indicator.pk}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=result.version if result else None
            )
            if indicator.source or not editable:
                self.fields[f"v_{indicator.pk}"].disabled = True
                self.fields[f"n_{indicator.pk}"].disabled = True

    def _value_field(self, indicator: Indicator, result: Result | None) -> forms.Field:
        label = f"{indicator.code}. {indicator.name}"
        if indicator.kind == IndicatorKind.BOOLEAN:
            initial = "" if result is None or result.value is None else ("1" if result.value else "0")
            return forms.TypedChoiceField(
                label=label,
                required=False,
                initial=initial,
                coerce=int,
                empty_value=None,
                choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        if indicator.kind == IndicatorKind.TEXT:
            return forms.CharField(
                label=label,
                required=False,
                initial=result.text if result else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )
        initial = ""
        if result is not None and result.value is not None:
            # As people read it (1.234,5) where that reads back unchanged.
            initial = number_input(result.value, shown=display(indicator.kind, result.value))
        return NumberField(
            label=label,
            required=False,
            initial=initial,
            column=Result._meta.get_field("value"),
            min_value=0,
            max_value=100 if indicator.kind == IndicatorKind.PERCENT else None,
            error_messages={
                "min_value": _("The value cannot be negative."),
                "max_value": _("A percentage cannot be above 100."),
            },
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control form-control-sm"}
            ),
        )

    def clean(self):
        data = super().clean()
        # The value fields read the numbers and refuse negatives and percentages over 100;
        # what depends on the indicator beyond that is checked here.
        for indicator in self.indicators:
            key = f"v_{indicator.pk}"
            number = data.get(key)
            if indicator.kind in (IndicatorKind.BOOLEAN, IndicatorKind.TEXT) or number is None:
                continue
            if indicator.kind == IndicatorKind.COUNT and number != int(number):
                self.add_error(key, _("A count is a whole number."))
            elif self._over_profile(indicator, number):
                limit = getattr(self.profile, indicator.bounded_by)
                self.add_error(
                    key,
                    _("This cannot be more than the unit's %(what)s in its profile (%(limit)s).")
                    % {"what": self.profile._meta.get_field(indicator.bounded_by).verbose_name, "limit": limit},
                )
        return data

    def _over_profile(self, indicator: Indicator, number) -> bool:
        if not indicator.bounded_by or self.profile is None:
            return False
        return number > getattr(self.profile, indicator.bounded_by)

    def values(self) -> dict[int, dict]:
        """The entered values, for campaigns.services.results_save."""
        out = {}
        for indicator in self.indicators:
            if indicator.source or self.fields[f"v_{indicator.pk}"].disabled:
                continue
            raw = self.cleaned_data.get(f"v_{indicator.pk}")
            note = (self.cleaned_data.get(f"n_{indicator.pk}") or "").strip()
            if indicator.kind == IndicatorKind.TEXT:
                out[indicator.pk] = {"value": None, "text": (raw or "").strip(), "note": note}
            elif indicator.kind == IndicatorKind.BOOLEAN:
                out[indicator.pk] = {"value": None if raw is None else parse_number(raw), "text": "", "note": note}
            else:
                out[indicator.pk] = {"value": raw, "text": "", "note": note}
        return out

    def versions(self) -> dict[int, int | None]:
        return {i.pk: self.cleaned_data.get(f"ver_{i.pk}") for i in self.indicators}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
