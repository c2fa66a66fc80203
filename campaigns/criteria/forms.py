"""Forms of the criteria set pages: copy a set into a new version, change an indicator's thresholds."""

from decimal import Decimal

from django import forms
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.models import CriteriaSet, Indicator
from portal.dates import DATE_INPUT, date_field
from portal.numbers import parse_number
from wards.models import Ward


def number_text(value) -> str:
    """A threshold as people type it back: 1,5 in Vietnamese, 1.5 in English, never grouped (1500)."""
    if value is None or value == "":
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def threshold_json(value: Decimal) -> str:
    """A zone threshold as campaigns.loading stores it: a plain decimal string ("5", "1.5")."""
    return format(value.normalize(), "f")


class NewVersionForm(forms.Form):
    effective_from = date_field(
        _("In force from"),
        input_formats=[DATE_INPUT],  # a legal date is written out, never picked as ISO
        help_text=_("The current version stops being in force on this day."),
    )

    def __init__(self, *args, criteria_set: CriteriaSet, latest_version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria_set = criteria_set
        self.latest_version = latest_version

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if day <= self.criteria_set.effective_from:
            raise forms.ValidationError(
                _("The new version must come into force after this one (in force from %(date)s).")
                % {"date": date_format(self.criteria_set.effective_from, "SHORT_DATE_FORMAT")}
            )
        return day

    def clean(self):
        data = super().clean()
        if self.latest_version > self.criteria_set.version:
            raise forms.ValidationError(
                _("Version %(version)s of this set already exists: copy the latest version instead.")
                % {"version": self.latest_version}
            )
        return data


class ThresholdField(forms.CharField):
    """A decimal typed the Vietnamese way (1,5 or 1.234) or the English way (1.5)."""

    default_error_messages = {"invalid": _("“%(value)s” is not a number. Write it like 1,5 or 90.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return number_text(value) if isinstance(value, Decimal | int | float) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            number = parse_number(text)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text}
            ) from None
        if number.normalize().as_tuple().exponent < -4 or abs(number) >= Decimal(10) ** 14:
            raise forms.ValidationError(_("At most 14 digits before and 4 after the decimal point."), code="invalid")
        return number


def _check(kind: str, number: Decimal | None) -> str | None:
    """Why `number` cannot be a threshold of an indicator of `kind`, or None."""
    if number is None:
        return None
    if kind == IndicatorKind.BOOLEAN and number not in (0, 1):
        return _("A yes/no indicator takes 1 (met when the answer is yes) or 0 (met when it is no).")
    if number < 0:
        return _("A threshold cannot be negative.")
    if kind == IndicatorKind.PERCENT and number > 100:
        return _("A percentage cannot be above 100.")
    if kind == IndicatorKind.COUNT and number != number.to_integral_value():
        return _("A count is a whole number.")
    return None


class IndicatorThresholdForm(forms.Form):
    """The default threshold, one per zone (empty: the default applies) and the example flag."""

    threshold = ThresholdField(label=_("Threshold"), help_text=_("Empty: any value meets the indicator."))
    threshold_is_example = forms.BooleanField(
        label=_("Example threshold"),
        required=False,
        help_text=_("Tick while the number is only the example shipped with the set, not yet the province's own."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("e.g. the number and date of the province's decision."),
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.kind == IndicatorKind.BOOLEAN:
            self.fields["threshold"].help_text = _("1: met when the answer is yes (also when empty); 0: when no.")
        zones = indicator.zone_thresholds or {}
        for zone, label in Ward.Zone.choices:
            self.fields[f"zone_{zone}"] = ThresholdField(
                label=_("Threshold, %(zone)s") % {"zone": label},
                help_text=_("Empty: the threshold above applies."),
                initial=Decimal(str(zones[zone])) if zone in zones else None,
            )
        self.fields["threshold"].initial = indicator.threshold
        self.fields["threshold_is_example"].initial = indicator.threshold_is_example
        self.order_fields(["threshold", *(f"zone_{z}" for z in Ward.Zone.values), "threshold_is_example", "reason"])

    def clean(self):
        data = super().clean()
        for name in ["threshold", *(f"zone_{z}" for z in Ward.Zone.values)]:
            problem = _check(self.indicator.kind, data.get(name))
            if problem:
                self.add_error(name, problem)
        return data

    def zone_thresholds(self) -> dict[str, str]:
        """The new zone thresholds; zones the form does not know keep their values."""
        zones = {k: v for k, v in (self.indicator.zone_thresholds or {}).items() if k not in Ward.Zone.values}
        for zone in Ward.Zone.values:
            value = self.cleaned_data.get(f"zone_{zone}")
            if value is not None:
                zones[zone] = threshold_json(value)
        return zones
