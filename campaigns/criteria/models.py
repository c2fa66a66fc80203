"""Criteria sets (tiêu chí), their criteria and indicators.

A criteria set is a legal instrument: it names its decision, applies to one
level (ward or neighbourhood), and is never rewritten once results point at it
(changing it makes a new version).
"""

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import Comparator, IndicatorKind, Rule, compare


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
        db_table = "campaigns_criteriaset"  # kept from before the split of campaigns/
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
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True, help_text=_("A few words for table headers, e.g. “Môi trường”.")
    )
    group = models.CharField(_("group"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    rule = models.CharField(_("met when"), max_length=10, choices=Rule.choices, default=Rule.ALL)
    k = models.PositiveSmallIntegerField(_("at least k indicators"), null=True, blank=True)
    min_points = models.DecimalField(_("points needed"), max_digits=8, decimal_places=2, null=True, blank=True)
    # The decision this criterion comes from when it is not the set's own: in a set that extends another
    # (a province's kiểu mẫu set on the national văn hóa frame), the criteria taken from the frame name the
    # frame's decision. Blank: the set's own decision.
    decision = models.CharField(_("from decision"), max_length=200, blank=True)

    class Meta:
        db_table = "campaigns_criterion"  # kept from before the split of campaigns/
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "number"], name="one_criterion_number_per_set")]

    def __str__(self) -> str:
        return f"{_('Criterion')} {self.number}. {self.name}"

    SHORT_LENGTH = 24

    @property
    def label_short(self) -> str:
        """The short name, else the name's first words up to SHORT_LENGTH characters, cut at a word."""
        if self.short_name:
            return self.short_name
        name = self.name.strip()
        if len(name) <= self.SHORT_LENGTH:
            return name
        cut = name[: self.SHORT_LENGTH + 1].rsplit(" ", 1)[0] if " " in name[: self.SHORT_LENGTH + 1] else ""
        return (cut or name[: self.SHORT_LENGTH]).rstrip(",;:.-– ") + "…"


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
    # As Criterion.decision, for the indicator's threshold: blank when the set's own decision states it, else
    # the decision it comes from (an indicator of the frame kept as the frame set it).
    decision = models.CharField(_("from decision"), max_length=200, blank=True)

    class Meta:
        db_table = "campaigns_indicator"  # kept from before the split of campaigns/
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


class ProgrammeQuerySet(models.QuerySet):
    def with_criteria(self):
        """Programmes whose units enter results: those naming a criteria set."""
        return self.exclude(criteria_code="")

    def followed_by(self, unit):
        """The programmes with criteria a unit (a Ward or a Neighbourhood) follows, first the default one."""
        is_ward = not hasattr(unit, "ward_id")
        city_id = unit.city_id if is_ward else unit.ward.city_id
        level = Level.WARD if is_ward else Level.NEIGHBOURHOOD
        rows = self.with_criteria().filter(level=level).filter(Q(city__isnull=True) | Q(city_id=city_id))
        return [p for p in rows.order_by("order", "pk") if p.applies_to(unit)]

    def for_set(self, criteria_set: "CriteriaSet", city=None) -> "Programme":
        """The programme whose track a set is: the first naming its code, else one made for it (named after the
        set, yearly), so that every set's results belong to a programme."""
        found = self.filter(criteria_code=criteria_set.code).order_by("order", "pk").first()
        if found:
            return found
        if criteria_set.replaces_id:  # a set under a new code that replaces another continues its programme
            return self.for_set(criteria_set.replaces)
        programme, _created = self.get_or_create(
            code=criteria_set.code[:60],
            defaults={
                "name": criteria_set.name[:200],
                "title": criteria_set.name[:200],
                "level": criteria_set.level,
                "criteria_code": criteria_set.code,
                "basis": criteria_set.document_number[:300],
                "city": city,
            },
        )
        return programme


class Programme(models.Model):
    """A named track a unit takes part in ("Phố, thôn kiểu mẫu", "Thôn, tổ dân phố văn hóa"): the units it is
    for, its rhythm, the title it awards and how many years that title lasts, and the criteria set (by code,
    every version of it over time) that its units are assessed against."""

    class Rhythm(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title awarded"), max_length=200, help_text=_("e.g. Phố kiểu mẫu"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    rhythm = models.CharField(_("rhythm"), max_length=10, choices=Rhythm.choices, default=Rhythm.YEARLY)
    term_years = models.PositiveSmallIntegerField(
        _("title valid for (years)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("A title that rewards year Y is valid until 31/12 of year Y + term."),
    )
    criteria_code = models.SlugField(
        _("criteria set code"), max_length=60, blank=True, help_text=_("The criteria set whose versions it uses.")
    )
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    is_active = models.BooleanField(_("open for registration"), default=True)
    # Which units follow it: the kinds (Neighbourhood.Kind or Ward.Kind; empty: every kind) of the province
    # it is run in (empty: every province). A unit follows every programme that fits it, side by side.
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    city = models.ForeignKey(
        "wards.City",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("province"),
        help_text=_("Empty: a national programme, followed in every province."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Programmes are listed by it; the first is shown by default.")
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["level", "order", "name"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, unit) -> bool:
        return not self.unit_kinds or unit.kind in self.unit_kinds

    def set_codes(self) -> set[str]:
        """The codes of its criteria set over time: its own, and those of sets that replaced it under a new
        code (a new decision), followed to the last."""
        codes = {self.criteria_code} if self.criteria_code else set()
        while codes:
            more = set(CriteriaSet.objects.filter(replaces__code__in=codes).values_list("code", flat=True)) - codes
            if not more:
                break
            codes |= more
        return codes

    def valid_until(self, year: int) -> date:
        """The last day a title rewarding `year` is valid: it is decided at that year's end and carried through
        the `term_years` years after it, when it is re-assessed (a 1-year title for 2025 lasts through 2026)."""
        return date(year + self.term_years, 12, 31)


@receiver(post_save, sender=CriteriaSet, dispatch_uid="criteria_set_programme")
def _set_programme(sender, instance: CriteriaSet, created: bool, raw: bool = False, **kwargs) -> None:
    """Every set is a programme's track: a set whose code no programme names makes its own (national, for every
    unit kind, named after the set), which administrators may then narrow to a province or to unit kinds. A
    set loaded from a file naming its province (campaigns.criteria.loading) is left to the loader."""
    if created and not raw and not getattr(instance, "_province_set", False):
        Programme.objects.for_set(instance)
