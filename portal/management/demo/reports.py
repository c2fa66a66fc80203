"""Reports already built for past periods, so that a leader opening **Báo cáo** finds something to read:
the city's monthly report of the last closed month in each programme (văn hóa, kiểu mẫu, đô thị văn minh),
of the month before in the first, its annual report of last year (when the demo has results in it) and the
reports of canbo1's ward.

Built in-process with report_build, as the Celery task would (no broker is contacted). Idempotent: a
report that already has a current version is not built again; one whose earlier build failed is retried.
"""

from datetime import date

from django.utils import timezone

from campaigns.results.models import Period, Submission
from campaigns.results.programmes import programmes_in
from reports.models import Report
from reports.services import default_programme, report_build, report_requeue
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
    every = programmes_in([city], level=None)  # văn hóa, kiểu mẫu, đô thị văn minh
    first = default_programme(city)
    # The last closed month in every programme; the month before it and the years in the first only.
    wanted = [(Report.Kind.MONTHLY, None, closed[0], leader, p) for p in every] if closed else []
    wanted += [(Report.Kind.MONTHLY, None, month, leader, first) for month in closed[1:]]
    last_year = Period.objects.filter(kind=Period.Kind.YEAR, year=today.year - 1).first()
    if last_year and Submission.objects.filter(period__kind=Period.Kind.MONTH, period__year=last_year.year).exists():
        wanted.append((Report.Kind.ANNUAL, None, last_year, leader, first))
    if staff and closed:
        wanted.append((Report.Kind.MONTHLY, staff.ward, closed[0], staff, first))
    if staff and last_year:  # the ward's year: its titles, plan targets x/y, commendations, contributions
        wanted.append((Report.Kind.ANNUAL, staff.ward, last_year, staff, first))
    counts = {"built": 0, "failed": 0}
    for kind, ward, period, member, programme in wanted:
        report = _report(kind, city, ward, period, member.user if member else None, programme)
        if report is None:
            continue
        built = report_build(report_id=report.pk, today=today)
        counts["built" if built and built.state == Report.State.DONE else "failed"] += 1
    return counts


def _report(kind: str, city: City, ward, period: Period, user, programme) -> Report | None:
    """The report to build for this scope, period and programme, queued; None when a current one exists."""
    same = Report.objects.filter(kind=kind, city=city, ward=ward, period=period, programme=programme)
    if same.filter(is_current=True).exists():
        return None
    unfinished = same.exclude(state=Report.State.DONE).order_by("-requested_at").first()
    if unfinished:  # a build that failed or was cut short on an earlier run
        report_requeue(report_id=unfinished.pk)
        return unfinished
    return Report.objects.create(kind=kind, city=city, ward=ward, period=period, programme=programme, requested_by=user)
