"""The entry form of one unit and period: one field per indicator, grouped by criterion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import IndicatorKind, display
from campaigns.criteria.models import Indicator
from campaigns.results.models import Period, Result, Submission
from portal import uploads
from portal.numbers import MAX_LENGTH, NumberField, number_input, parse_number

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# The types a proof may be (a photo or a PDF), by content, with the extension it is stored under.
EVIDENCE_TYPES = {uploads.JPEG: "jpg", uploads.PNG: "png", uploads.PDF: "pdf"}
EVIDENCE = uploads.UploadRule(
    max_bytes=MAX_EVIDENCE_BYTES,
    too_large=_("“%(name)s” is larger than 10 MB."),
    types=tuple(EVIDENCE_TYPES),
    wrong_type=_("“%(name)s” is not a JPG or PNG photo or a PDF document."),
)


# How the value fields refuse a number, here and (through live_rules) in static/campaigns/entry.js.
NEGATIVE = _("The value cannot be negative.")
OVER_100 = _("A percentage cannot be above 100.")
NOT_WHOLE = _("A count is a whole number.")
OVER_PROFILE = _("This cannot be more than the unit's %(what)s in its profile (%(limit)s).")


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
        widget=forms.TextInput(attrs={"class": "form-control", "data-saved-value": ""}),
    )

    def __init__(
        self, *args, indicators: list[Indicator], results: dict[int, Result], editable: bool, profile=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.results = results
        self.profile = profile
        for indicator in indicators:
            result = results.get(indicator.pk)
            self.fields[f"v_{indicator.pk}"] = self._value_field(indicator, result)
            self.fields[f"n_{indicator.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                initial=result.note if result else "",
                widget=forms.TextInput(
                    attrs={
                        "placeholder": _("Note"),
                        "class": "form-control form-control-sm",
                        "aria-label": _("Note for indicator %(code)s") % {"code": indicator.code},
                    }
                ),
            )
            self.fields[f"ver_{indicator.pk}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=result.version if result else None
            )
            for name in (f"v_{indicator.pk}", f"n_{indicator.pk}"):
                field = self.fields[name]
                # What is saved, even when the form shows what was posted: entry's autosave keeps what differs.
                field.widget.attrs["data-saved-value"] = "" if field.initial is None else str(field.initial)
                field.disabled = bool(indicator.source or not editable)

    def _value_field(self, indicator: Indicator, result: Result | None) -> forms.Field:
        field = self._value_field_of_kind(indicator, result)
        # The line under the label (threshold, yearly, carried over), the note on example thresholds
        # and the live hint of entry.js describe the box to screen readers.
        described = [f"ind-{indicator.pk}-desc", f"ind-{indicator.pk}-hint"]
        if indicator.threshold_is_example:
            described.insert(1, "example-legend")
        field.widget.attrs["aria-describedby"] = " ".join(described)
        return field

    def _value_field_of_kind(self, indicator: Indicator, result: Result | None) -> forms.Field:
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
            error_messages={"min_value": NEGATIVE, "max_value": OVER_100},
            widget=forms.TextInput(attrs=self._number_attrs(indicator)),
        )

    def _number_attrs(self, indicator: Indicator) -> dict:
        """The box of a number, with the bounds clean() checks, for entry.js to check them while typing."""
        attrs = {
            "inputmode": "decimal",
            "autocomplete": "off",
            "class": "form-control form-control-sm",
            "data-number": "",
            "data-min": "0",
        }
        if indicator.kind == IndicatorKind.PERCENT:
            attrs["data-max"] = "100"
        if indicator.kind == IndicatorKind.COUNT:
            attrs["data-count"] = ""
        if indicator.bounded_by and self.profile is not None:
            attrs["data-bound"] = str(getattr(self.profile, indicator.bounded_by))
            attrs["data-bound-message"] = self._over_profile_message(indicator)
        return attrs

    def _over_profile_message(self, indicator: Indicator) -> str:
        limit = getattr(self.profile, indicator.bounded_by)
        what = self.profile._meta.get_field(indicator.bounded_by).verbose_name
        return OVER_PROFILE % {"what": what, "limit": limit}

    def live_rules(self) -> dict:
        """How the value boxes read and bound numbers, with the server's own messages, for entry.js.

        The bounds of each box are on the box (data-min, data-max, data-count, data-bound); these are
        what every box shares: parse_number's limits for the `value` column and the refusals' wording.
        """
        field = NumberField(column=Result._meta.get_field("value"))
        whole, places = field.max_digits - field.decimal_places, field.decimal_places
        return {
            "maxLength": MAX_LENGTH,
            "wholeDigits": whole,
            "places": places,
            "messages": {
                "invalid": str(field.error_messages["invalid"]),  # entry.js puts in %(value)s
                "too_long": str(field.error_messages["too_long"]) % {"max": MAX_LENGTH},
                "digits": str(field.error_messages["digits"]) % {"whole": whole, "places": places},
                "min_value": str(NEGATIVE),
                "max_value": str(OVER_100),
                "whole": str(NOT_WHOLE),
            },
        }

    @property
    def has_example_thresholds(self) -> bool:
        return any(indicator.threshold_is_example for indicator in self.indicators)

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
                self.add_error(key, NOT_WHOLE)
            elif self._over_profile(indicator, number):
                self.add_error(key, self._over_profile_message(indicator))
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


def carried_from(submission: Submission, results: dict[int, Result]) -> dict[int, Period]:
    """Indicator id → the earlier period whose yearly value the form shows unchanged, never retyped here.

    A new month starts with the year's yearly values (services.carried_over): unsaved until the first
    save, then saved copies no one has written (updated_by is empty) until someone changes them. The
    source is the latest earlier result of the year, found as carried_over finds it.
    """
    candidates = {
        pk: r
        for pk, r in results.items()
        if r.pk is None or (r.updated_by_id is None and r.submission_id == submission.pk)
    }
    if not candidates or submission.period_id is None:
        return {}
    earlier = (
        Result.objects.filter(
            indicator_id__in=candidates,
            indicator__frequency=Indicator.Frequency.YEARLY,
            indicator__source="",  # a rate from the profile is computed again, not carried
            submission__criteria_set=submission.criteria_set_id,
            submission__ward=submission.ward_id,
            submission__neighbourhood=submission.neighbourhood_id,
            submission__period__kind=submission.period.kind,
            submission__period__year=submission.period.year,
            submission__period__start__lt=submission.period.start,
        )
        .select_related("submission__period")
        .order_by("indicator_id", "-submission__period__start")
    )
    sources = {}
    for result in earlier:
        sources.setdefault(result.indicator_id, result)
    return {
        pk: source.submission.period
        for pk, source in sources.items()
        if (source.value, source.text) == (candidates[pk].value, candidates[pk].text)
    }


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
