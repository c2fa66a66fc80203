"""Criteria sets, periods and the results entered against them.

A criteria set is a legal instrument: it names its decision, applies to one
level (ward or neighbourhood), and is never rewritten once results point at it
(changing it makes a new version). Results are entered per unit and period in a
`Submission`, which carries the review state and, after every save, the facts
dashboards read: how many criteria are met and which are missing.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.evaluation import Comparator, IndicatorKind, Rule, compare
from wards.models import Neighbourhood, Ward


class Level(models.TextChoices):
    WARD = "ward", _("Ward or commune")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")


class CriteriaSetQuerySet(models.QuerySet):
    def in_force(self, on: date, level: str | None = None):
        """Sets in force on `on`: effective from on or before it, not yet replaced."""
        qs = self.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        return qs.filter(level=level) if level else qs


class CriteriaSet(models.Model):
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    # Ward kinds (Ward.Kind) the set applies to, e.g. ["phuong", "thi_tran"]; empty: every kind.
    unit_kinds = models.JSONField(_("applies to kinds"), default=list, blank=True)
    document_number = models.CharField(_("decision number"), max_length=60)
    document_date = models.DateField(_("decision date"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    extends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name=_("extends"),
        help_text=_("A national frame this provincial set adds criteria to."),
    )
    source = models.TextField(_("source"), blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)  # of the file it was loaded from
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["level", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_criteria_set_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.document_number}, v{self.version})"

    def applies_to(self, unit) -> bool:
        return not self.unit_kinds or unit.kind in self.unit_kinds

    @property
    def has_results(self) -> bool:
        return self.submissions.exists()


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    number = models.CharField(_("number"), max_length=10)
    name = models.CharField(_("name"), max_length=300)
    group = models.CharField(_("group"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    rule = models.CharField(_("met when"), max_length=10, choices=Rule.choices, default=Rule.ALL)
    k = models.PositiveSmallIntegerField(_("at least k indicators"), null=True, blank=True)
    min_points = models.DecimalField(_("points needed"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "number"], name="one_criterion_number_per_set")]

    def __str__(self) -> str:
        return f"{_('Criterion')} {self.number}. {self.name}"


class Indicator(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")

    class Source(models.TextChoices):
        ENTERED = "", _("Entered by staff")
        POOR_RATE = "poor_rate", _("Poor households ÷ households (profile)")
        NEAR_POOR_RATE = "near_poor_rate", _("Near-poor households ÷ households (profile)")
        POOR_AND_NEAR_POOR_RATE = "poor_and_near_poor_rate", _("Poor and near-poor ÷ households (profile)")

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=400)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices, default=Comparator.GTE)
    threshold = models.DecimalField(_("threshold"), max_digits=18, decimal_places=4, null=True, blank=True)
    # {"mien_nui": "70"}: zones (Ward.Zone) whose threshold differs from the default.
    zone_thresholds = models.JSONField(_("thresholds by zone"), default=dict, blank=True)
    threshold_is_example = models.BooleanField(
        _("example threshold"),
        default=False,
        help_text=_("The legal text leaves this number to the province; the value shipped is an example."),
    )
    max_points = models.DecimalField(_("maximum points"), max_digits=8, decimal_places=2, null=True, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)

    class Bound(models.TextChoices):
        NONE = "", _("No bound")
        HOUSEHOLDS = "households", _("At most the unit's households")
        PEOPLE = "people", _("At most the unit's people")

    source = models.CharField(_("computed from"), max_length=30, choices=Source.choices, default="", blank=True)
    bounded_by = models.CharField(
        _("bounded by the profile"), max_length=20, choices=Bound.choices, default="", blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["criterion__order", "order", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def threshold_for(self, zone: str | None) -> Decimal | None:
        if zone and zone in self.zone_thresholds:
            return Decimal(str(self.zone_thresholds[zone]))
        return self.threshold

    def is_met(self, value, zone: str | None = None) -> bool | None:
        """Whether `value` meets this indicator for a unit in `zone`; None when nothing was entered."""
        return compare(self.kind, self.comparator, value, self.threshold_for(zone))


class PeriodQuerySet(models.QuerySet):
    def containing(self, day: date):
        return self.filter(start__lte=day, end__gte=day)


class Period(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        HALF = "half", _("Half-year")
        YEAR = "year", _("Year")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))  # month 1-12, quarter 1-4, half 1-2, year 1
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    deadline = models.DateField(_("entry deadline"))
    is_locked = models.BooleanField(_("locked"), default=False)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="one_period_per_kind_number")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.MONTH:
            return _("Month %(number)02d/%(year)s") % {"number": self.number, "year": self.year}
        if self.kind == self.Kind.QUARTER:
            return _("Quarter %(number)s/%(year)s") % {"number": self.number, "year": self.year}
        if self.kind == self.Kind.HALF:
            return _("Half %(number)s/%(year)s") % {"number": self.number, "year": self.year}
        return _("Year %(year)s") % {"year": self.year}


class SubmissionQuerySet(models.QuerySet):
    def for_period(self, period: Period):
        return self.filter(period=period)

    def complete(self):
        """Units that meet every criterion of their set."""
        return self.filter(is_complete=True)


class Submission(models.Model):
    """One unit's results for one period against one criteria set, and its review state."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="submissions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="submissions")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    # Facts kept up to date by every save (campaigns.services), read by dashboards and gap lists.
    criteria_total = models.PositiveSmallIntegerField(default=0)
    criteria_met = models.PositiveSmallIntegerField(default=0)
    is_complete = models.BooleanField(_("meets the whole set"), default=False)
    missing = models.JSONField(default=list)  # criterion numbers not met, in order
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "ward"],
                condition=Q(neighbourhood__isnull=True),
                name="one_ward_submission_per_period",
            ),
            models.UniqueConstraint(
                fields=["period", "neighbourhood"],
                condition=Q(neighbourhood__isnull=False),
                name="one_neighbourhood_submission_per_period",
            ),
        ]
        indexes = [models.Index(fields=["period", "ward", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    @property
    def unit(self):
        return self.neighbourhood or self.ward

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED) and not self.period.is_locked


class CriterionResult(models.Model):
    """Whether one criterion is met in one submission: the row dashboards count."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="criterion_results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    is_met = models.BooleanField()
    indicators_met = models.PositiveSmallIntegerField(default=0)
    points = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "criterion"], name="one_result_per_criterion")]
        indexes = [models.Index(fields=["criterion", "is_met"])]

    def __str__(self) -> str:
        return f"{self.criterion.number}: {self.is_met}"


class Result(models.Model):
    """The value of one indicator in one submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    is_met = models.BooleanField(_("met"), null=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [models.UniqueConstraint(fields=["submission", "indicator"], name="one_result_per_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.display_value}"

    @property
    def raw(self):
        """The value as evaluation takes it: text for text indicators, a number otherwise."""
        return self.text if self.indicator.kind == IndicatorKind.TEXT else self.value

    @property
    def display_value(self) -> str:
        from campaigns.evaluation import display

        return display(self.indicator.kind, self.raw)


def evidence_path(instance: "Evidence", filename: str) -> str:
    sub = instance.result.submission
    return f"evidence/{sub.ward.code}/{sub.period.year}/{sub.pk}/{filename}"


class Evidence(models.Model):
    """A photo or scanned document proving a result (minh chứng). Served only through a scoped view."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
