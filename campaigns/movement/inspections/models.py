"""The way to a title: a unit registers for a programme (đăng ký) with its pledge; the ward's steering committee
inspects it in a round (kiểm tra, thẩm định), the city verifies it in a later round (phúc tra); each visit
scores the unit indicator by indicator, the verified value beside the self-reported one, and concludes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.models import Indicator, Programme
from campaigns.movement.inspections.querysets import (
    InspectionRoundQuerySet,
    RegistrationQuerySet,
    ScoreQuerySet,
    TeamMemberQuerySet,
    VisitPhotoQuerySet,
    VisitQuerySet,
)
from wards.models import City, Neighbourhood, Ward


class Registration(models.Model):
    """A unit's registration for a programme, for one year or a term of several (first to last year)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WITHDRAWN = "withdrawn", _("Registration withdrawn")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("programme")
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("ward"))
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("neighbourhood"),
        help_text=_("Empty: the ward itself registers."),
    )
    first_year = models.PositiveSmallIntegerField(_("from year"), validators=[MinValueValidator(2000)])
    last_year = models.PositiveSmallIntegerField(_("to year"), validators=[MaxValueValidator(2100)])
    pledge = models.TextField(_("pledge"), blank=True)
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-first_year", "ward__search_key", "neighbourhood__search_key"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="registration_years"),
            models.UniqueConstraint(
                fields=["programme", "neighbourhood", "first_year"],
                condition=Q(neighbourhood__isnull=False),
                name="one_registration_per_neighbourhood",
            ),
            models.UniqueConstraint(
                fields=["programme", "ward", "first_year"],
                condition=Q(neighbourhood__isnull=True),
                name="one_registration_per_ward",
            ),
        ]

    def __str__(self) -> str:
        years = str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"
        return f"{self.programme} {years} · {self.neighbourhood or self.ward}"

    @property
    def unit(self):
        return self.neighbourhood or self.ward


class InspectionRound(models.Model):
    """One round of visits: a ward's own inspection or appraisal, or the city's verification after it."""

    class Level(models.TextChoices):
        WARD = "ward", _("Ward inspection (kiểm tra, thẩm định)")
        CITY = "city", _("City verification (phúc tra)")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="inspection_rounds", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="inspection_rounds", verbose_name=_("city"))
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_rounds",
        verbose_name=_("ward"),
        help_text=_("The ward inspecting its own units; empty for a city verification round."),
    )
    name = models.CharField(_("name"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InspectionRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-year", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="round_ends_after_start"),
            models.CheckConstraint(
                condition=Q(level="ward", ward__isnull=False) | Q(level="city", ward__isnull=True),
                name="ward_round_has_ward",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A member of a round's team (đoàn kiểm tra): name, role in the team, and where they work."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role in the team"), max_length=100, help_text=_("e.g. Trưởng đoàn, Thành viên"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class Visit(models.Model):
    """A round's visit to one unit: when, who took part, notes, photos, a score per indicator, a conclusion."""

    class Conclusion(models.TextChoices):
        PENDING = "pending", _("Not concluded yet")
        MEETS = "meets", _("Meets")
        CONDITIONS = "conditions", _("Meets with conditions")
        NOT_MET = "not_met", _("Does not meet")

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="visits")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="inspection_visits")
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_visits",
        verbose_name=_("neighbourhood"),
        help_text=_("Empty: the ward itself is visited."),
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    participants = models.TextField(_("who took part"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=12, choices=Conclusion.choices, default=Conclusion.PENDING
    )
    conditions = models.TextField(_("conditions"), blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["visited_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "neighbourhood"], condition=Q(neighbourhood__isnull=False), name="one_visit_per_unit"
            ),
            models.UniqueConstraint(
                fields=["round", "ward"], condition=Q(neighbourhood__isnull=True), name="one_visit_per_ward"
            ),
            models.CheckConstraint(
                condition=~Q(conclusion="conditions") | ~Q(conditions=""), name="conditions_are_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.neighbourhood or self.ward}"

    @property
    def unit(self):
        return self.neighbourhood or self.ward


def visit_photo_path(instance: "VisitPhoto", filename: str) -> str:
    visit = instance.visit
    return f"inspections/{visit.ward.code}/{visit.round_id}/{visit.pk}/{filename}"


class VisitPhoto(models.Model):
    """A photo or file of a visit. Served only through a scoped view."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=visit_photo_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = VisitPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Score(models.Model):
    """One indicator at one visit: what the unit reported (copied when the visit is scored, so a later change of
    the results does not rewrite the inspection) and what the team found."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    reported_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    reported_met = models.BooleanField(null=True)
    verified_value = models.DecimalField(_("verified value"), max_digits=18, decimal_places=4, null=True, blank=True)
    verified_met = models.BooleanField(_("met when verified"), null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["visit", "indicator__criterion__order", "indicator__id"]
        constraints = [models.UniqueConstraint(fields=["visit", "indicator"], name="one_score_per_indicator")]

    def __str__(self) -> str:
        return f"{self.visit} · {self.indicator.code}"

    @property
    def differs(self) -> bool:
        """The team found otherwise than the unit reported (value or met)."""
        if self.verified_met is not None and self.reported_met is not None and self.verified_met != self.reported_met:
            return True
        return (
            self.verified_value is not None
            and self.reported_value is not None
            and self.verified_value != self.reported_value
        )
