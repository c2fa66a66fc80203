"""Summary reports built by Celery from one consistent read, stored as a snapshot with their files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.models import Programme
from campaigns.results.models import Period
from portal import scope
from wards.models import City, Ward


class ReportQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def for_scope(self, *, kind: str, city, ward, period, programme):
        """The reports of one kind, city or ward, programme and period: the builds of the same document."""
        return self.filter(kind=kind, city=city, ward=ward, period=period, programme=programme)

    def pending(self):
        """Builds that hold their scope and period: queued or running."""
        return self.filter(state__in=[Report.State.QUEUED, Report.State.RUNNING])

    def lease_expired(self, now):
        """Pending builds whose lease has run out: their worker died or their task was lost.

        A pending report without a lease was queued before leases existed: it is taken for dead too.
        """
        return self.pending().filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))

    def visible_to(self, user):
        """City-wide reports hold every ward's figures: only city leaders and administrators read them."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        return self.filter(Q(city_id__in=current.city_ids) | Q(ward_id__in=current.read_ward_ids))


def report_file_path(instance: "Report", filename: str) -> str:
    return f"reports/{instance.scope_code}/{instance.period.year}/{instance.pk}/{filename}"


class Report(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly summary")
        ANNUAL = "annual", _("Annual summary")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="reports")
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Empty: the whole city."),
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    # The programme whose figures the report gives: a unit following several programmes is counted in each
    # programme's own report, never twice in one. Empty only for reports made before programmes side by
    # side on a database that had none (they count every programme, as they did then).
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("programme"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # The one report of a scope, programme and period that people read; a rebuild replaces it atomically.
    is_current = models.BooleanField(default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # A queued or running build holds its scope and period until then (queued: REPORT_QUEUE_TIMEOUT_SECONDS
    # after it was queued; running: REPORT_BUILD_LEASE_SECONDS after it was claimed, renewed before the PDF).
    # Past it the build is taken for dead, marked failed and queued again (reports.services).
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    snapshot = models.JSONField(null=True, blank=True)
    snapshot_hash = models.CharField(max_length=64, blank=True)
    xlsx = models.FileField(upload_to=report_file_path, blank=True, max_length=300)
    pdf = models.FileField(upload_to=report_file_path, blank=True, max_length=300)
    number = models.CharField(
        _("document number"),
        max_length=40,
        blank=True,
        help_text=_("e.g. 15/BC-UBND; filled in by the office before signing."),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "city", "ward", "programme", "period"],
                condition=Q(is_current=True),
                name="one_current_report_per_scope_programme",
            ),
            models.UniqueConstraint(
                fields=["kind", "city", "programme", "period"],
                condition=Q(is_current=True, ward__isnull=True),
                name="one_current_city_report_per_programme",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "city", "ward", "period", "state"]),
            models.Index(
                fields=["lease_until"], condition=Q(state__in=["queued", "running"]), name="report_pending_lease"
            ),
        ]

    def __str__(self) -> str:
        programme = f" · {self.programme}" if self.programme_id else ""
        return f"{self.get_kind_display()}{programme} · {self.scope_name} · {self.period}"

    @property
    def scope_name(self) -> str:
        return self.ward.name if self.ward_id else self.city.name

    @property
    def scope_code(self) -> str:
        return self.ward.code if self.ward_id else self.city.code

    def lease_expired(self, now) -> bool:
        """Whether this queued or running build is taken for dead (see ReportQuerySet.lease_expired)."""
        pending = self.state in (Report.State.QUEUED, Report.State.RUNNING)
        return pending and (self.lease_until is None or self.lease_until <= now)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class DocumentSettingsQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A city's settings to its leaders, a ward's to the ward's users and its city's leaders."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        return self.filter(Q(city_id__in=current.city_ids) | Q(ward_id__in=current.read_ward_ids))


class DocumentSettings(models.Model):
    """How a city's (ward empty) or a ward's reports are addressed and signed (Nghị định 30/2020/NĐ-CP)."""

    FIELDS = ("addressee", "recipients", "signer_title", "signer_name", "place")

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="document_settings", verbose_name=_("city"))
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_settings",
        verbose_name=_("ward"),
        help_text=_("Empty: the whole city."),
    )
    addressee = models.TextField(
        _("addressee (Kính gửi)"),
        blank=True,
        help_text=_("One per line. Leave empty to print no “Kính gửi”."),
    )
    recipients = models.TextField(
        _("recipients (Nơi nhận)"),
        blank=True,
        help_text=_("One per line, e.g. “- Như trên;” and last “- Lưu: VT, VP.”. Leave empty for the default."),
    )
    signer_title = models.CharField(
        _("signer's position"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “Chủ tịch”, or on two lines “KT. Chủ tịch” and “Phó Chủ tịch”. Empty: Chủ tịch."),
    )
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    place = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_(
            "Printed before the date. Leave empty to follow Nghị định 30/2020/NĐ-CP; write the full name "
            "(e.g. “Phường Điện Biên Phủ”) if the unit is named after a person or a historical event."
        ),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("report document settings")
        verbose_name_plural = _("report document settings")
        constraints = [
            models.UniqueConstraint(
                fields=["city"], condition=Q(ward__isnull=True), name="one_document_settings_per_city"
            ),
            models.UniqueConstraint(fields=["ward"], name="one_document_settings_per_ward"),
        ]

    def __str__(self) -> str:
        return self.ward.name if self.ward_id else self.city.name


class ReportPart(models.Model):
    """The per-ward figures of one chunk of wards of a city-wide build read in parts (reports.fanout).

    Transient: the join assembles the snapshot from a build's parts and deletes them.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="parts")
    # One fan-out of the report (a rebuild after a lost worker is another): a late part of an earlier
    # one never mixes into the join of a later one.
    build = models.CharField(max_length=32)
    chunk = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "build", "chunk"], name="one_part_per_chunk"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.build[:8]} · {self.chunk}"
