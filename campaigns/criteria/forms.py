"""Forms of the criteria set pages: copy a set into a new version, change an indicator's thresholds."""

from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.models import CriteriaSet, Indicator
from portal.dates import DATE_INPUT, date_field
from portal.numbers import NumberField
from wards.models import Ward


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


def threshold_field(**kwargs) -> NumberField:
    """A threshold: a decimal as the indicator column holds it (14 digits before the point, 4 after); a zone's
    threshold, kept in `zone_thresholds`, is bounded the same way."""
    return NumberField(
        required=False,
        column=Indicator._meta.get_field("threshold"),
        error_messages={"invalid": _("“%(value)s” is not a number. Write it like 1,5 or 90.")},
        **kwargs,
    )


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

    threshold = threshold_field(label=_("Threshold"), help_text=_("Empty: any value meets the indicator."))
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
            self.fields[f"zone_{zone}"] = threshold_field(
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
