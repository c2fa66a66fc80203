"""Periods and the results entered against a criteria set.

Results are entered per unit and period in a `Submission`, which carries the
review state and, after every save, the facts dashboards read: how many
criteria are met and which are missing.
"""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Programme
from portal.scope import WardScopedQuerySet
from wards.models import Neighbourhood, Ward


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
        db_table = "campaigns_period"  # kept from before the split of campaigns/
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


# The results that count: what dashboards, reports and title candidates read. A draft is work in
# progress and a returned submission is being corrected; submitted and approved ones count.
COUNTED_STATUSES = ("submitted", "approved")


def counted_q(via: str = "") -> Q:
    """The one definition of "counts": a filter on submissions, or on a relation to one (`via`),
    for `.filter()` and for `Count(..., filter=...)` alike."""
    return Q(**{f"{via}__status__in" if via else "status__in": COUNTED_STATUSES})


class SubmissionQuerySet(WardScopedQuerySet):
    def for_period(self, period: Period):
        return self.filter(period=period)

    def counted(self):
        """Submissions whose figures count: submitted or approved (see COUNTED_STATUSES)."""
        return self.filter(counted_q())

    def complete(self):
        """Units that meet every criterion of their set."""
        return self.filter(is_complete=True)


class Submission(models.Model):
    """One unit's results for one period in one programme (against the version of its criteria set in force),
    and its review state. A unit following several programmes has one submission per programme."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="submissions")
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
        db_table = "campaigns_submission"  # kept from before the split of campaigns/
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "ward", "programme"],
                condition=Q(neighbourhood__isnull=True),
                name="one_ward_submission_per_programme_period",
            ),
            models.UniqueConstraint(
                fields=["period", "neighbourhood", "programme"],
                condition=Q(neighbourhood__isnull=False),
                name="one_neighbourhood_submission_per_programme_period",
            ),
        ]
        indexes = [models.Index(fields=["period", "ward", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    def save(self, *args, **kwargs):
        if self.programme_id is None and self.criteria_set_id is not None:  # the set's own programme
            self.programme = Programme.objects.for_set(self.criteria_set)
        super().save(*args, **kwargs)

    @property
    def unit(self):
        return self.neighbourhood or self.ward

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED) and not self.period.is_locked


class CriterionResultQuerySet(WardScopedQuerySet):
    ward_path = "submission__ward"

    def counted(self):
        """Criterion results of submissions that count (see COUNTED_STATUSES)."""
        return self.filter(counted_q("submission"))


class CriterionResult(models.Model):
    """Whether one criterion is met in one submission: the row dashboards count."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="criterion_results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    is_met = models.BooleanField()
    indicators_met = models.PositiveSmallIntegerField(default=0)
    points = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    objects = CriterionResultQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_criterionresult"  # kept from before the split of campaigns/
        constraints = [models.UniqueConstraint(fields=["submission", "criterion"], name="one_result_per_criterion")]
        indexes = [models.Index(fields=["criterion", "is_met"])]

    def __str__(self) -> str:
        return f"{self.criterion.number}: {self.is_met}"


class ResultQuerySet(WardScopedQuerySet):
    ward_path = "submission__ward"

    def counted(self):
        """Results of submissions that count (see COUNTED_STATUSES)."""
        return self.filter(counted_q("submission"))


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

    objects = ResultQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_result"  # kept from before the split of campaigns/
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
        from campaigns.criteria.evaluation import display

        return display(self.indicator.kind, self.raw)


def evidence_path(instance: "Evidence", filename: str) -> str:
    sub = instance.result.submission
    return f"evidence/{sub.ward.code}/{sub.period.year}/{sub.pk}/{filename}"


class EvidenceQuerySet(WardScopedQuerySet):
    ward_path = "result__submission__ward"


class Evidence(models.Model):
    """A photo or scanned document proving a result (minh chứng). Served only through a scoped view."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_evidence"  # kept from before the split of campaigns/
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


def excel_preview_path(instance: "ExcelPreview", filename: str) -> str:
    # A random name, never the token: the file is reached only through its preview.
    return f"excel-previews/{instance.ward.code}/{secrets.token_hex(16)}.xlsx"


class ExcelPreviewQuerySet(WardScopedQuerySet):
    def expired(self, now=None):
        """Previews past their expiry: refused at confirmation, deleted by the periodic cleanup."""
        return self.filter(expires_at__lte=now or timezone.now())


class ExcelPreview(models.Model):
    """An Excel upload checked and shown to the person who uploaded it, awaiting their confirmation.

    Kept here, not in the session (which every page of the user loads); the session holds the token only.
    `base` records what each row of the file was checked against (`UploadRow.state`), so that a
    confirmation can tell what changed since (campaigns.results.excel.previews).
    """

    token = models.CharField(max_length=64, unique=True)
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    # The programme whose reports the file fills (None: the first the ward's units follow).
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=excel_preview_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    base = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    objects = ExcelPreviewQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.filename} · {self.ward_id} · {self.period_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


# --- rollups: the dashboards' and reports' counts, kept in step with every change of a submission ---------


class WardRollup(models.Model):
    """One ward's reporting figures for one period (campaigns.results.figures.reporting_by_ward), rewritten by
    campaigns.results.rollups in the same transaction as every change that moves them."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    complete = models.PositiveIntegerField(default=0)
    # {criteria set id: submissions of the period's units on it, whatever their state}: which set a page shows
    sets = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(auto_now=True)

    objects = WardScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "ward", "programme"], name="one_rollup_per_ward_programme_period")
        ]

    def __str__(self) -> str:
        return f"{self.ward_id} · {self.period_id}"


class CriterionRollup(models.Model):
    """Per period × ward × criteria-set version × criterion number: units assessed on the criterion and units
    meeting it, among the reports that count (campaigns.results.figures.criteria_by_ward)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=10)
    met = models.PositiveIntegerField(default=0)
    assessed = models.PositiveIntegerField(default=0)

    objects = WardScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "ward", "criteria_set", "number"], name="one_rollup_per_ward_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ward_id} · {self.period_id} · {self.number}"
