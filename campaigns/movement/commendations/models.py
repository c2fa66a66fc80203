"""Commendations (khen thưởng): a giấy khen, bằng khen or other form of award given by an authority's decision
(number, date, signer) for a year's achievement, to a collective (the ward, one of its neighbourhoods or party
cells), a household (its head and neighbourhood) or an individual (name, role, ward and neighbourhood).

Every commendation belongs to a ward: the recipient's ward, which is its scope. A city-level collective (the
city itself, a city office) has no ward and is not recorded here: the portal scopes every row by ward, and
the city's own offices are not units of the portal.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.movement.commendations.querysets import CommendationQuerySet
from portal.vietnamese import fold
from wards.models import Neighbourhood, PartyCell, Ward


class AwardForm(models.TextChoices):
    """Forms of award of the Law on Emulation and Commendation 06/2022/QH15 (Art. 8) that reach wards and their
    people: a ward chairman's or the city's giấy khen, the province's bằng khen, and those above."""

    GIAY_KHEN = "giay_khen", _("Certificate of commendation (giấy khen)")
    BANG_KHEN = "bang_khen", _("Certificate of merit (bằng khen)")
    KY_NIEM_CHUONG = "ky_niem_chuong", _("Commemorative medal (kỷ niệm chương)")
    HUY_CHUONG = "huy_chuong", _("Medal (huy chương)")
    HUAN_CHUONG = "huan_chuong", _("Order (huân chương)")
    OTHER = "other", _("Other form of award")


# The forms' names as official documents write them (the annual report's PDF and workbook, in Vietnamese).
FORM_NAMES = {
    AwardForm.GIAY_KHEN: "Giấy khen",
    AwardForm.BANG_KHEN: "Bằng khen",
    AwardForm.KY_NIEM_CHUONG: "Kỷ niệm chương",
    AwardForm.HUY_CHUONG: "Huy chương",
    AwardForm.HUAN_CHUONG: "Huân chương",
    AwardForm.OTHER: "Hình thức khác",
}


class Recipient(models.TextChoices):
    WARD = "ward", _("The ward (collective)")
    NEIGHBOURHOOD = "neighbourhood", _("A neighbourhood (collective)")
    PARTY_CELL = "party_cell", _("A party cell (collective)")
    HOUSEHOLD = "household", _("A household")
    INDIVIDUAL = "individual", _("An individual")


COLLECTIVE = (Recipient.WARD, Recipient.NEIGHBOURHOOD, Recipient.PARTY_CELL)
# The three kinds of recipient the reports count: collectives, households, individuals.
GROUPS = (
    ("collective", _("Collectives")),
    ("household", _("Households")),
    ("individual", _("Individuals")),
)


def group_of(recipient: str) -> str:
    return "collective" if recipient in COLLECTIVE else recipient


# Suggestions for the issuing authority (free text): who gives which form (Law 06/2022/QH15, Art. 74-76).
AUTHORITIES = (
    "Chủ tịch UBND phường",
    "Chủ tịch UBND xã",
    "Chủ tịch UBND thành phố",
    "Chủ tịch UBND tỉnh",
    "Ban Thường vụ Đảng ủy phường",
    "Thủ tướng Chính phủ",
    "Chủ tịch nước",
)


class Commendation(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="commendations", verbose_name=_("ward"))
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year whose achievement is commended."))
    form = models.CharField(_("form of award"), max_length=16, choices=AwardForm.choices)
    authority = models.CharField(_("issuing authority"), max_length=200)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    recipient = models.CharField(_("recipient"), max_length=14, choices=Recipient.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("neighbourhood"),
    )
    party_cell = models.ForeignKey(
        PartyCell,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("party cell"),
    )
    person_name = models.CharField(_("full name"), max_length=200, blank=True)
    person_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    position = models.CharField(_("role or position"), max_length=200, blank=True)
    achievement = models.TextField(_("achievement"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-year", "-decision_date", "-pk"]
        indexes = [models.Index(fields=["ward", "year"]), models.Index(fields=["year", "form"])]
        constraints = [
            # Exactly one recipient, with what its kind needs and nothing of another kind.
            models.CheckConstraint(
                condition=Q(recipient="ward", neighbourhood__isnull=True, party_cell__isnull=True, person_name="")
                | Q(recipient="neighbourhood", neighbourhood__isnull=False, party_cell__isnull=True, person_name="")
                | Q(recipient="party_cell", party_cell__isnull=False, neighbourhood__isnull=True, person_name="")
                | (Q(recipient="household", neighbourhood__isnull=False, party_cell__isnull=True) & ~Q(person_name=""))
                | (Q(recipient="individual", party_cell__isnull=True) & ~Q(person_name="") & ~Q(position="")),
                name="commendation_has_one_recipient",
            ),
            models.CheckConstraint(condition=~Q(decision_number=""), name="commendation_has_decision_number"),
            models.CheckConstraint(condition=Q(form__in=AwardForm.values), name="commendation_form_known"),
            models.CheckConstraint(condition=Q(version__gte=1), name="commendation_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} · {self.recipient_name} ({self.year})"

    def save(self, *args, **kwargs):
        self.person_key = fold(self.person_name)[:200]
        super().save(*args, **kwargs)

    @property
    def recipient_name(self) -> str:
        """The household's head or the person, else the party cell, the neighbourhood or the ward."""
        if self.person_name:
            return self.person_name
        unit = self.party_cell or self.neighbourhood or self.ward
        return unit.name

    @property
    def group(self) -> str:
        return group_of(self.recipient)

    @property
    def decision(self) -> str:
        return f"{self.decision_number} ngày {self.decision_date:%d/%m/%Y}"
