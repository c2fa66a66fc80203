"""Resources mobilised for the movement (huy động nguồn lực): money, land donated, working days and materials,
each from a source (the state budget, residents, businesses, others), given to a ward or one of its
neighbourhoods, on a day, possibly for a campaign.

The amount is in the kind's own unit and kinds are never added together: money in whole đồng, land in m²,
labour in working days (ngày công, halves allowed), materials at their estimated value in whole đồng, with a
description of what was given (e.g. "20 tấn xi măng").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from campaigns.movement.contributions.querysets import ContributionImportQuerySet, ContributionQuerySet
from campaigns.movement.models import Campaign
from portal.vietnamese import fold
from wards.models import Neighbourhood, Ward


class Kind(models.TextChoices):
    MONEY = "money", _("Money")
    LAND = "land", _("Land donated")
    LABOUR = "labour", _("Working days")
    MATERIALS = "materials", _("Materials")


class Source(models.TextChoices):
    STATE = "state_budget", _("State budget")
    RESIDENTS = "residents", _("Residents")
    BUSINESSES = "businesses", _("Businesses")
    OTHER = "other", _("Other")


UNITS = {
    Kind.MONEY: _("VND"),
    Kind.LAND: _("m²"),
    Kind.LABOUR: _("working days"),
    Kind.MATERIALS: _("VND (estimated value)"),
}
IN_DONG = (Kind.MONEY, Kind.MATERIALS)  # amounts in whole đồng
MAX_DIGITS, PLACES = 18, 2


def places_of(kind: str) -> int:
    """Decimals an amount of this kind may have: none in đồng, two for m² and working days."""
    return 0 if kind in IN_DONG else PLACES


class ContributionImport(models.Model):
    """An Excel file of contributions: kept while it awaits confirmation, then its fingerprints, so that the
    same file (or the same rows in another file) is never imported twice into a ward."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        DONE = "done", _("Imported")

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="contribution_imports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)  # of the file's bytes
    digest = models.CharField(max_length=64)  # of its rows as read: the same rows saved again by Excel
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(blank=True, editable=False)  # the file, until it is confirmed
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ContributionImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution import")
        verbose_name_plural = _("contribution imports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "sha256"], condition=Q(status="done"), name="contribution_file_imported_once"
            ),
            models.UniqueConstraint(
                fields=["ward", "digest"], condition=Q(status="done"), name="contribution_rows_imported_once"
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class Contribution(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("ward"))
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("neighbourhood"),
        help_text=_("Empty: the ward as a whole."),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("campaign"),
    )
    received_on = models.DateField(_("received on"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=14, choices=Source.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        help_text=_("In the kind's unit: đồng, m² or working days; materials at their estimated value in đồng."),
    )
    description = models.CharField(
        _("what was given"), max_length=300, blank=True, help_text=_("For materials: what and how much.")
    )
    contributor = models.CharField(_("contributor"), max_length=200, blank=True)
    contributor_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    note = models.TextField(_("note"), blank=True)
    imported_from = models.ForeignKey(
        ContributionImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["ward", "received_on"]), models.Index(fields=["received_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="contribution_kind_known"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="contribution_source_known"),
            models.CheckConstraint(
                condition=~Q(kind=Kind.MATERIALS) | ~Q(description=""), name="contribution_materials_described"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=IN_DONG) | Q(amount=Cast("amount", output_field=models.BigIntegerField())),
                name="contribution_dong_whole",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="contribution_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} · {self.unit}"

    def save(self, *args, **kwargs):
        self.contributor_key = fold(self.contributor)[:200]
        super().save(*args, **kwargs)

    @property
    def unit(self):
        """The neighbourhood it was given to, or the ward as a whole."""
        return self.neighbourhood or self.ward

    @property
    def unit_of_amount(self) -> str:
        return str(UNITS[self.kind])
