"""Commitments (cam kết): the city's requests to sign and the signed pledges of wards, neighbourhoods and
offices. Part of campaigns.movement.models (which imports this module)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.movement.querysets import CommitmentQuerySet, CommitmentRequestQuerySet
from wards.models import City, Neighbourhood, Ward


class Topic(models.TextChoices):
    SECURITY = "security", _("Security and order")
    ENVIRONMENT = "environment", _("Environment")
    FOOD_SAFETY = "food_safety", _("Food safety")
    FIREWORKS = "fireworks", _("No fireworks before Tết")
    OTHER = "other", _("Other")


class CommitmentRequest(models.Model):
    """The city or a campaign asks every ward to sign a commitment for a period."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="commitment_requests")
    campaign = models.ForeignKey(
        "movement.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitment_requests",
        verbose_name=_("campaign"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    deadline = models.DateField(_("sign by"))
    wards = models.ManyToManyField(Ward, related_name="commitment_requests", verbose_name=_("wards asked"))

    objects = CommitmentRequestQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_commitmentrequest"  # kept from before the split of campaigns/
        verbose_name = _("commitment request")
        verbose_name_plural = _("commitment requests")
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return self.title


def commitment_path(instance: "Commitment", filename: str) -> str:
    unit = instance.ward.code if instance.ward_id else f"city-{instance.city.code}"
    return f"commitments/{unit}/{instance.period_start.year}/{filename}"


class Commitment(models.Model):
    """A signed pledge (cam kết) for a period and topic, with the scanned document: by a ward, one of its
    neighbourhoods, or an office or organisation named by text ("Công an tỉnh", "Trường THCS Điện Biên",
    "Hộ kinh doanh …") within a ward or at city level (no ward), to a superior named by title and name.

    `city` is every commitment's scope (the ward's city for ward ones); a city-level commitment has no ward.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Under way")
        KEPT = "kept", _("Kept")
        BREACHED = "breached", _("Breached")

    class SignerKind(models.TextChoices):
        WARD = "ward", _("The ward")
        NEIGHBOURHOOD = "neighbourhood", _("A neighbourhood")
        OFFICE = "office", _("An office or organisation")

    request = models.ForeignKey(
        CommitmentRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("city"))
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("ward"),
        help_text=_("Empty: an office at city level."),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("neighbourhood"),
    )
    signer_kind = models.CharField(_("who signs"), max_length=15, choices=SignerKind.choices, default=SignerKind.WARD)
    office = models.CharField(_("office or organisation"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    signer = models.CharField(_("signed by"), max_length=200)
    signer_title = models.CharField(_("position"), max_length=200)
    recipient = models.CharField(_("addressed to (name)"), max_length=200, blank=True)
    recipient_title = models.CharField(_("addressed to (position)"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    document = models.FileField(_("scanned document"), upload_to=commitment_path, max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_commitment"  # kept from before the split of campaigns/
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-period_start", "ward__search_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="commitment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(signer_kind="ward") & Q(ward__isnull=False) & Q(neighbourhood__isnull=True))
                | (Q(signer_kind="neighbourhood") & Q(ward__isnull=False) & Q(neighbourhood__isnull=False))
                | (Q(signer_kind="office") & ~Q(office="") & Q(neighbourhood__isnull=True)),
                name="commitment_signer_matches_its_kind",
            ),
        ]
        indexes = [models.Index(fields=["city", "signer_kind"])]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} · {self.unit_name}"

    @property
    def unit_name(self) -> str:
        """Who signed as a unit: the office, the neighbourhood or the ward, with where it is."""
        if self.signer_kind == self.SignerKind.OFFICE:
            return f"{self.office} · {self.ward.name}" if self.ward_id else self.office
        if self.neighbourhood_id:
            return f"{self.neighbourhood.name} · {self.ward.name}"
        return self.ward.name if self.ward_id else self.office

    @property
    def is_city_level(self) -> bool:
        return self.ward_id is None
