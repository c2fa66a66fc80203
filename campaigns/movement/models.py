"""The emulation movement (phong trào thi đua): campaigns with measurable targets and dated tasks,
task updates with evidence, daily reminders, signed commitments, recognitions and party-cell ratings."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Commitments and party-cell ratings live in modules of their own; imported here so that the app registers
# them and `campaigns.movement.models` names them.
from campaigns.movement.commitment_models import Commitment, CommitmentRequest, Topic, commitment_path  # noqa: F401
from campaigns.movement.querysets import (
    CampaignQuerySet,
    NotificationQuerySet,
    RecognitionQuerySet,
    TargetQuerySet,
    TaskAttachmentQuerySet,
    TaskQuerySet,
    TaskUpdateQuerySet,
)
from campaigns.movement.rating_models import PartyCellRating  # noqa: F401
from wards.models import City, Neighbourhood, Ward


class Campaign(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        THEMATIC = "thematic", _("Thematic")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.THEMATIC)
    # The owning unit: the city (city-wide campaign) or one ward.
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("city"))
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_campaigns",
        verbose_name=_("owning ward"),
        help_text=_("Empty: a city-wide campaign."),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    goal = models.TextField(_("goal"), blank=True)
    wards = models.ManyToManyField(Ward, blank=True, related_name="campaigns", verbose_name=_("participating wards"))
    criteria = models.ManyToManyField(
        "criteria.Criterion", blank=True, related_name="campaigns", verbose_name=_("criteria it pushes")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_campaign"  # kept from before the split of campaigns/
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot come before the start.")})


class Target(models.Model):
    """A measurable target of a campaign ("50 propaganda signs"); tasks add to what is reached."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("target"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    value = models.DecimalField(
        _("target value"), max_digits=18, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_target"  # kept from before the split of campaigns/
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative")]

    def __str__(self) -> str:
        return f"{self.name}: {self.value} {self.unit}"


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("campaign"))
    target = models.ForeignKey(
        Target, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("counts towards")
    )
    title = models.CharField(_("task"), max_length=300)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("assigned ward"))
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("assigned neighbourhood"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("person in charge"),
    )
    start = models.DateField(_("start"))
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    target_value = models.DecimalField(
        _("target value"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    reached_value = models.DecimalField(
        _("value reached"), max_digits=18, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the task was recorded (empty for tasks older than this field): a closed month's overdue
    # figure leaves out tasks created after it.
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_task"  # kept from before the split of campaigns/
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"]), models.Index(fields=["ward", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(condition=Q(due__gte=models.F("start")), name="task_due_after_start"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0), name="task_target_not_negative"
            ),
            models.CheckConstraint(condition=Q(reached_value__gte=0), name="task_reached_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self):
        return self.neighbourhood or self.ward

    def is_overdue(self, today: date | None = None) -> bool:
        from django.utils import timezone

        return self.status in TaskQuerySet.OPEN and self.due < (today or timezone.localdate())


class TaskUpdate(models.Model):
    """What was done: a text, a figure, photos or files (a "giao ban" reads these)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    text = models.TextField(_("what was done"))
    figure = models.DecimalField(
        _("figure reached"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The value reached so far, e.g. 32 signs installed."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    objects = TaskUpdateQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_taskupdate"  # kept from before the split of campaigns/
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.task}: {self.text[:40]}"


def attachment_path(instance: "TaskAttachment", filename: str) -> str:
    task = instance.update.task
    return f"tasks/{task.ward.code}/{task.pk}/{filename}"


class TaskAttachment(models.Model):
    """A photo or file of a task update. Served only through a scoped view."""

    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    objects = TaskAttachmentQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_taskattachment"  # kept from before the split of campaigns/
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """One message in a person's notification list: at most one digest and one escalation per day."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Daily digest")
        ESCALATION = "escalation", _("Overdue tasks of the ward")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    day = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField()
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_notification"  # kept from before the split of campaigns/
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "day", "kind"], name="one_notification_per_day")]

    def __str__(self) -> str:
        return self.title


class Recognition(models.Model):
    """A title given to a unit for a year ("Phố kiểu mẫu 2025", a Giấy khen), with its decision."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("ward"))
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
        verbose_name=_("neighbourhood"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The title's life (campaigns.movement.inspections): the programme, the verified visit it rests on, the
    # last day it is valid, and its withdrawal (thu hồi) by a later decision with a reason.
    programme = models.ForeignKey(
        "criteria.Programme", on_delete=models.PROTECT, null=True, blank=True, related_name="recognitions"
    )
    visit = models.ForeignKey(
        "inspections.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="recognitions"
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_number = models.CharField(_("withdrawal decision number"), max_length=60, blank=True)
    withdrawal_signer = models.CharField(_("withdrawal signed by"), max_length=200, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_recognition"  # kept from before the split of campaigns/
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-year", "ward__search_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "year", "title"],
                condition=Q(neighbourhood__isnull=False),
                name="one_recognition_per_neighbourhood_title_year",
            ),
            models.UniqueConstraint(
                fields=["ward", "year", "title"],
                condition=Q(neighbourhood__isnull=True),
                name="one_recognition_per_ward_title_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="confirmed_recognition_has_decision",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | (~Q(withdrawal_number="") & Q(withdrawn_on__isnull=False) & ~Q(withdrawal_reason="")),
                name="withdrawn_recognition_has_decision_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year} · {self.neighbourhood or self.ward}"
