"""Party-cell ratings (đánh giá, xếp loại chi bộ) by year or quarter. Part of campaigns.movement.models
(which imports this module)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.movement.querysets import PartyCellRatingQuerySet
from wards.models import PartyCell


class PartyCellRating(models.Model):
    """A party cell's rating for a year, or for one quarter of it. The scale changed: four levels until 2024
    (QĐ 132-QĐ/TW, QĐ 124-QĐ/TW), a 100-point score from 2025 (QĐ 366-QĐ/TW of 30/8/2025) from which the
    level follows, lowered by the conditions the cell did not meet.

    QĐ 366-QĐ/TW, Điều 11 (as reported by Báo Lao Động, 09/2025; the clause numbers were not in the text
    found): a collective is rated
    - "hoàn thành xuất sắc nhiệm vụ" with ≥ 90 points and 100 % of its tasks done on time with quality and
      efficiency, at least 30 % of them beyond what was asked, and no member of its leadership (for a cell:
      the cell committee) nor unit under it disciplined;
    - "hoàn thành tốt nhiệm vụ" with 70 to < 90 points and 100 % of its tasks done on time with quality and
      efficiency;
    - "hoàn thành nhiệm vụ" with 50 to < 70 points, 100 % of its tasks done and at most 20 % of them late.
    A condition not met therefore caps the level whatever the score (CAPS): the final level is the score's
    level lowered to the strictest cap. Below 50 points is "không hoàn thành nhiệm vụ" (inferred: the level
    left when none of the three is reached). The same article's rating applies "theo nhiệm kỳ, hằng năm,
    hằng quý": `quarter` holds the quarter (1–4), empty for the year's rating.
    """

    class Scale(models.TextChoices):
        FOUR_LEVELS = "levels", _("Four levels (until 2024)")
        POINTS = "points", _("100 points (QĐ 366-QĐ/TW, from 2025)")

    class Level(models.TextChoices):
        EXCELLENT = "excellent", _("Excellently fulfilled")
        GOOD = "good", _("Well fulfilled")
        FULFILLED = "fulfilled", _("Fulfilled")
        NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")

    POINTS_FROM_YEAR = 2025
    # Best first: a lower index is a higher level.
    LEVEL_ORDER = ("excellent", "good", "fulfilled", "not_fulfilled")
    # Each condition not met (a ticked box) and the highest level it leaves (QĐ 366-QĐ/TW, Điều 11).
    CAPS = {
        "few_exceeded": "good",
        "leader_disciplined": "good",
        "tasks_late": "fulfilled",
        "tasks_unfinished": "not_fulfilled",
    }

    party_cell = models.ForeignKey(
        PartyCell, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("party cell")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, help_text=_("1 to 4; empty for the year's rating.")
    )
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    score_level = models.CharField(_("level by the score"), max_length=15, choices=Level.choices, blank=True)
    few_exceeded = models.BooleanField(
        # xgettext:no-python-format
        _("fewer than 30 % of the tasks were done beyond what was asked"),
        default=False,
    )
    leader_disciplined = models.BooleanField(
        _("a member of the cell committee, or a unit under the cell, was disciplined"), default=False
    )
    tasks_late = models.BooleanField(_("not every task was done on time with the quality required"), default=False)
    tasks_unfinished = models.BooleanField(
        # xgettext:no-python-format
        _("a task was not done, or more than 20 % of the tasks were late"),
        default=False,
    )
    level = models.CharField(_("rating"), max_length=15, choices=Level.choices)
    members = models.PositiveIntegerField(_("party members"), default=0)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PartyCellRatingQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_partycellrating"  # kept from before the split of campaigns/
        verbose_name = _("party cell rating")
        verbose_name_plural = _("party cell ratings")
        ordering = ["-year", "quarter", "party_cell__search_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_cell", "year"], condition=Q(quarter__isnull=True), name="one_rating_per_cell_year"
            ),
            models.UniqueConstraint(
                fields=["party_cell", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="one_rating_per_cell_quarter",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="rating_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(scale="levels") | Q(score__isnull=False), name="points_rating_has_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_cell} {self.period_label}: {self.get_level_display()}"

    @property
    def period_label(self) -> str:
        return f"Q{self.quarter}/{self.year}" if self.quarter else str(self.year)

    @classmethod
    def scale_for(cls, year: int) -> str:
        return cls.Scale.POINTS if year >= cls.POINTS_FROM_YEAR else cls.Scale.FOUR_LEVELS

    @classmethod
    def level_for_score(cls, score: Decimal) -> str:
        """QĐ 366-QĐ/TW: ≥ 90 excellent, 70 to < 90 good, 50 to < 70 fulfilled; below 50 not fulfilled."""
        if score >= 90:
            return cls.Level.EXCELLENT
        if score >= 70:
            return cls.Level.GOOD
        if score >= 50:
            return cls.Level.FULFILLED
        return cls.Level.NOT_FULFILLED

    @classmethod
    def cap_for(cls, conditions: dict) -> str | None:
        """The strictest cap of the ticked conditions (a level), None when none is ticked."""
        capped = [cls.CAPS[name] for name, ticked in conditions.items() if ticked and name in cls.CAPS]
        return max(capped, key=cls.LEVEL_ORDER.index) if capped else None

    @classmethod
    def final_level(cls, score_level: str, cap: str | None) -> str:
        """The score's level lowered to the cap: the lower of the two."""
        if cap is None:
            return score_level
        return max(score_level, cap, key=cls.LEVEL_ORDER.index)

    @property
    def cap(self) -> str | None:
        return self.cap_for({name: getattr(self, name) for name in self.CAPS})

    @property
    def is_capped(self) -> bool:
        return bool(self.score_level) and self.level != self.score_level

    def cap_reasons(self) -> list[dict]:
        """The ticked conditions, each with its words and the highest level it leaves."""
        return [
            {"label": self._meta.get_field(name).verbose_name, "level": self.Level(level).label}
            for name, level in self.CAPS.items()
            if getattr(self, name)
        ]
