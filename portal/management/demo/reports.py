"""Reports already built for past periods, so that a leader opening **Báo cáo** finds something to read:
the city's monthly reports of the last two closed months, its annual report of last year (when the demo
has results in it) and the monthly report of canbo1's ward for the last closed month.

Built in-process with report_build, as the Celery task would (no broker is contacted). Idempotent: a
report that already has a current version is not built again; one whose earlier build failed is retried.
"""

from datetime import date

from django.utils import timezone

from campaigns.results.models import Period, Submission
from reports.models import Report
from reports.services import report_build, report_requeue
from wards.models import City, Membership

CITY_LEADER = "lanhdao"
STAFF = "canbo1"


def load(today: date | None = None) -> dict[str, int]:
    """Build the demo's reports; returns how many were built and how many failed (none on a second run)."""
    today = today or timezone.localdate()
    city = City.objects.filter(code="38").first()
    if city is None:
        return {"built": 0, "failed": 0}
    leader = Membership.objects.filter(user__username=CITY_LEADER).select_related("user").first()
    staff = Membership.objects.filter(user__username=STAFF, ward__isnull=False).select_related("user", "ward").first()
    closed = list(Period.objects.filter(kind=Period.Kind.MONTH, end__lt=today).order_by("-end")[:2])
    wanted = [(Report.Kind.MONTHLY, None, month, leader) for month in closed]
    last_year = Period.objects.filter(kind=Period.Kind.YEAR, year=today.year - 1).first()
    if last_year and Submission.objects.filter(period__kind=Period.Kind.MONTH, period__year=last_year.year).exists():
        wanted.append((Report.Kind.ANNUAL, None, last_year, leader))
    if staff and closed:
        wanted.append((Report.Kind.MONTHLY, staff.ward, closed[0], staff))
    if staff and last_year:  # the ward's year: its titles, plan targets x/y, commendations, contributions
        wanted.append((Report.Kind.ANNUAL, staff.ward, last_year, staff))
    counts = {"built": 0, "failed": 0}
    for kind, ward, period, member in wanted:
        report = _report(kind, city, ward, period, member.user if member else None)
        if report is None:
            continue
        built = report_build(report_id=report.pk, today=today)
        counts["built" if built and built.state == Report.State.DONE else "failed"] += 1
    return counts


def _report(kind: str, city: City, ward, period: Period, user) -> Report | None:
    """The report to build for this scope and period, queued; None when a current one exists."""
    same = Report.objects.filter(kind=kind, city=city, ward=ward, period=period)
    if same.filter(is_current=True).exists():
        return None
    unfinished = same.exclude(state=Report.State.DONE).order_by("-requested_at").first()
    if unfinished:  # a build that failed or was cut short on an earlier run
        report_requeue(report_id=unfinished.pk)
        return unfinished
    return Report.objects.create(kind=kind, city=city, ward=ward, period=period, requested_by=user)
