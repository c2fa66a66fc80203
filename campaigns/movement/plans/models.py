"""Plan targets (chỉ tiêu kế hoạch): a ward's or the city's yearly targets ("Số phố, thôn đạt danh hiệu kiểu
mẫu: 14", "Kết nạp đảng viên mới: 10"), each with its unit, its value, whether the achieved value must be at
least or at most that value, and where the achieved value comes from: computed from the portal's data (one of
the metrics of campaigns.movement.plans.metrics) or entered by hand with a note.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.movement.plans.querysets import PlanTargetQuerySet
from wards.models import City, Ward


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class Source(models.TextChoices):
    """Where the achieved value comes from: entered by hand, or one of the computed metrics."""

    ENTERED = "entered", _("Entered by hand")
    TITLED = "titled", _("Neighbourhoods with a title of the year")
    REGISTERED = "registered", _("Neighbourhoods registered for the year")
    REACHED = "reached", _("Neighbourhoods reaching the standard in the year")
    EXCELLENT_CELLS = "excellent_cells", _("Party cells rated excellently fulfilled")
    NO_POOR = "no_poor", _("Neighbourhoods with no poor household")


MAX_DIGITS, PLACES = 18, 2


class PlanTarget(models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="plan_targets", verbose_name=_("city"))
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_targets",
        verbose_name=_("ward"),
        help_text=_("Empty: a target of the city's plan."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("target"), max_length=300)
    unit = models.CharField(_("unit of measure"), max_length=60, blank=True)
    target = models.DecimalField(_("target value"), max_digits=MAX_DIGITS, decimal_places=PLACES)
    direction = models.CharField(_("reached when"), max_length=10, choices=Direction.choices, default="at_least")
    source = models.CharField(_("achieved value"), max_length=16, choices=Source.choices, default="entered")
    achieved = models.DecimalField(
        _("achieved value"), max_digits=MAX_DIGITS, decimal_places=PLACES, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    is_example = models.BooleanField(_("example figures"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = PlanTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["year", "order", "pk"]
        indexes = [models.Index(fields=["city", "year"]), models.Index(fields=["ward", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "name"], condition=Q(ward__isnull=True), name="one_city_target_per_name"
            ),
            models.UniqueConstraint(
                fields=["ward", "year", "name"], condition=Q(ward__isnull=False), name="one_ward_target_per_name"
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="plan_target_not_negative"),
            models.CheckConstraint(
                condition=Q(achieved__isnull=True) | Q(achieved__gte=0), name="plan_achieved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(source="entered") | Q(achieved__isnull=True), name="plan_computed_has_no_entered_value"
            ),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="plan_source_known"),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_target_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.target} {self.unit}".strip()

    @property
    def is_computed(self) -> bool:
        return self.source != Source.ENTERED

    @property
    def owner(self):
        """The ward whose plan it is, or the city."""
        return self.ward or self.city
