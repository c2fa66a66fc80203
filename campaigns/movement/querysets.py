"""The movement's QuerySets: what each model's rows a user may read (`visible_to`), and the states
pages ask for (open and overdue tasks)."""

from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal import scope
from portal.scope import WardScopedQuerySet


def campaign_filter(user, *, via: str = "") -> Q:
    """Campaigns (or rows reaching one through `via`) the user reads: city-wide campaigns of their city,
    and ward campaigns their ward owns or takes part in. Joins the participants: use with distinct()."""
    current = scope.scope_of(user)
    if current.is_admin:
        return Q()
    p = f"{via}__" if via else ""
    wards = current.read_ward_ids
    return (
        Q(**{f"{p}city_id__in": current.city_ids})
        | Q(**{f"{p}ward_id__in": wards})
        | Q(**{f"{p}wards__id__in": wards})
        | Q(**{f"{p}ward__isnull": True, f"{p}city__wards__id__in": wards})
    )


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City-wide campaigns of the user's city, and ward campaigns their ward owns or takes part in."""
        return self.filter(campaign_filter(user)).distinct()


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Targets of the campaigns the user reads."""
        return self.filter(campaign_filter(user, via="campaign")).distinct()


class TaskQuerySet(WardScopedQuerySet):
    OPEN = ("open", "in_progress")

    def open(self):
        return self.filter(status__in=self.OPEN)

    def overdue(self, today: date | None = None):
        """Not done and past their due date (dates in Asia/Ho_Chi_Minh)."""
        return self.open().filter(due__lt=today or timezone.localdate())

    def done_within(self, start: date, end: date):
        """Done between `start` and `end`, both included (Việt Nam dates)."""
        return self.filter(status="done", completed_at__date__gte=start, completed_at__date__lte=end)

    def overdue_on(self, day: date):
        """Overdue at the end of `day` as things stood then: created by then, due on or before it, and not
        done by then (a task done later still counts), cancelled tasks left out. A past day's figure does
        not change when the task is done afterwards."""
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return (
            self.exclude(status="cancelled")
            .filter(due__lte=day)
            .filter(Q(created_at__isnull=True) | Q(created_at__lt=end))
            .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=end))
        )

    def due_within(self, days: int, today: date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(due__gte=today, due__lte=today + timedelta(days=days))


class TaskUpdateQuerySet(WardScopedQuerySet):
    ward_path = "task__ward"


class TaskAttachmentQuerySet(WardScopedQuerySet):
    ward_path = "update__task__ward"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own notifications, and nobody else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class CommitmentRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Administrators see every request, a city leader those of the city, a ward user those asking their ward."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        if current.is_empty:
            return self.none()
        asked = self.model.wards.through.objects.filter(
            commitmentrequest_id=models.OuterRef("pk"), ward_id__in=current.read_ward_ids
        )
        return self.filter(Q(city_id__in=current.city_ids) | models.Exists(asked))


class CommitmentQuerySet(models.QuerySet):
    """Commitments by ward: a ward's (its own, its neighbourhoods', its offices') belong to the ward; a city-level
    one (no ward: "Công an tỉnh" to the chair of the People's Committee) belongs to the city's leadership."""

    def visible_to(self, user):
        """Administrators read all; a city leader every commitment of the city, city-level ones included; a
        ward user only their ward's, never the city's internal (city-level) commitments."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        return self.filter(Q(ward_id__in=current.read_ward_ids) | Q(city_id__in=current.city_ids))

    def editable_by(self, user):
        """Record and close: the ward's staff for their ward's; the city's leaders for city-level ones."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        return self.filter(Q(ward_id__in=current.edit_ward_ids) | Q(ward__isnull=True, city_id__in=current.city_ids))

    def of_kind(self, kind: str):
        """Signed by a ward, a neighbourhood or an office ("city" for offices at city level)."""
        if kind == "city":
            return self.filter(ward__isnull=True)
        return self.filter(signer_kind=kind)


class RecognitionQuerySet(WardScopedQuerySet):
    ward_path = "ward"


class PartyCellRatingQuerySet(WardScopedQuerySet):
    ward_path = "party_cell__ward"

    def yearly(self):
        """The year's ratings (what the annual report counts), not the quarters'."""
        return self.filter(quarter__isnull=True)

    def of_period(self, year: int, quarter: int | None = None):
        """The ratings of one year (quarter None) or of one quarter of it."""
        return self.filter(year=year, quarter=quarter) if quarter else self.filter(year=year, quarter__isnull=True)
