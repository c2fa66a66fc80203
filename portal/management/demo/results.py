"""A year of monthly results for the demo wards: met and unmet, drafts, returns and approvals.

Deterministic and idempotent: a unit-period that already has a submission is left alone.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.management.commands.load_criteria import SHIPPED
from campaigns.results import periods, services
from campaigns.results.models import Period, Result, Submission
from portal.management.demo import programmes as demo_programmes
from portal.models import history_record
from wards.models import Membership, Ward

DEMO_RESULT_WARDS = ("14797", "16417", "15271", "16531")  # Hạc Thành, Đông Quang, Hà Trung, Sầm Sơn
RETURN_REASONS = [
    "Thiếu ảnh minh chứng nhà văn hóa; đề nghị bổ sung.",
    "Tỷ lệ hộ thực hiện nếp sống văn minh chưa khớp với báo cáo của Ban công tác Mặt trận, đề nghị kiểm tra lại.",
]


def _value(rng: random.Random, indicator, strength: float):
    """A plausible value: strong units meet more thresholds, and every unit improves over the year."""
    meets = rng.random() < strength
    threshold = indicator.threshold
    if indicator.kind == IndicatorKind.BOOLEAN:
        return Decimal(1 if meets else 0)
    if indicator.kind == IndicatorKind.PERCENT:
        base = float(threshold if threshold is not None else 90)
        if indicator.comparator in ("<=", "<"):
            return Decimal(str(round(base * (0.6 if meets else 1.5), 1)))
        return Decimal(str(min(100.0, round(base + (rng.uniform(0.5, 8) if meets else -rng.uniform(3, 15)), 1))))
    if indicator.kind == IndicatorKind.COUNT:
        return Decimal(0 if meets else rng.randint(1, 3))
    if indicator.kind == IndicatorKind.AMOUNT:
        base = float(threshold or 70)
        return Decimal(str(round(base * (rng.uniform(1.0, 1.3) if meets else rng.uniform(0.7, 0.95)), 1)))
    return Decimal(1)


@transaction.atomic
def load(today: date | None = None) -> int:
    """Load the shipped criteria sets and every month's results since January of last year (last year's annual
    report, titles and plan rest on them); returns how many submissions were added."""
    today = today or date.today()
    demo_programmes.load()  # before the sets, so that each set finds its programme
    for path in sorted(SHIPPED.glob("*.yaml")):
        criteria_set_load_file(path)
    for year in range(today.year - 1, today.year + 1):
        periods.periods_ensure(year)
    current = periods.current_month(today)
    months = list(
        Period.objects.filter(
            kind=Period.Kind.MONTH, start__gte=date(today.year - 1, 1, 1), start__lte=current.start
        ).order_by("-start")
    )
    staff = _members_by_ward(Membership.Role.WARD_STAFF)
    leaders = _members_by_ward(Membership.Role.WARD_LEADER)
    added = 0
    for ward in Ward.objects.filter(code__in=DEMO_RESULT_WARDS).order_by("code"):
        units = [ward, *ward.neighbourhoods.current(today).order_by("search_key")]
        strength = {
            u.pk if u is not ward else "ward": random.Random(f"{ward.code}:{u.name}").uniform(0.55, 0.97) for u in units
        }
        author = staff.get(ward.code)
        reviewer = leaders.get(ward.code) or author
        followed = {unit.pk if unit is not ward else "ward": _entered(ward, unit) for unit in units}
        for age, period in enumerate(reversed(months)):  # oldest first
            progress = age / max(1, len(months) - 1)
            for unit in units:
                key = "ward" if unit is ward else unit.pk
                for programme in followed[key]:
                    if _has_submission(ward, unit, period, programme):
                        continue
                    # One generator per unit, programme and month: a reload gives the same values and skips the
                    # same units. The first programme keeps the seed it had before programmes were side by side.
                    tag = "" if programme is followed[key][0] else f":{programme.code}"
                    rng = random.Random(f"{ward.code}:{key}:{period.year}-{period.number}{tag}")
                    is_current = period.pk == current.pk
                    if is_current and rng.random() < 0.3:
                        continue  # not started yet this month
                    submission = services.submission_for(unit, period, programme=programme)
                    if submission is None:
                        continue
                    chance = min(0.99, strength[key] + 0.25 * progress) - (0.1 if tag else 0)  # kiểu mẫu asks more
                    _fill(submission, ward, rng, chance=chance, author=author)
                    when = _sent_at(period, rng)
                    status, reason = _status(rng, is_current, age, len(months))
                    _send(submission, status, reason, when=when, author=author, reviewer=reviewer)
                    added += 1
    return added


# Wards whose neighbourhoods enter results in the programmes after their first (Thanh Hóa's "Phố, thôn kiểu mẫu"
# on top of văn hóa): two, so the city dashboard compares wards in it; the province's other wards follow it too
# and show as not reported yet.
SECOND_PROGRAMME_WARDS = ("14797", "16417")  # Hạc Thành, Đông Quang


def _entered(ward: Ward, unit) -> list:
    """The programmes the demo enters results in for `unit`: the first it follows, and in
    SECOND_PROGRAMME_WARDS every one."""
    followed = services.programmes_for(unit)
    return followed if ward.code in SECOND_PROGRAMME_WARDS else followed[:1]


def _members_by_ward(role: str) -> dict:
    """Ward code → the user holding `role` there."""
    return {m.ward.code: m.user for m in Membership.objects.filter(role=role).select_related("user", "ward")}


def _has_submission(ward: Ward, unit, period: Period, programme) -> bool:
    """Whether the unit (the ward itself or one of its neighbourhoods) already has a submission for the period
    in the programme."""
    own = Submission.objects.filter(period=period, programme=programme)
    if unit is not ward:
        return own.filter(neighbourhood=unit).exists()
    return own.filter(ward=ward, neighbourhood__isnull=True).exists()


def _fill(submission: Submission, ward: Ward, rng: random.Random, *, chance: float, author) -> None:
    """Enter a value for every indicator still empty (profile figures from the profile), then evaluate."""
    indicators = [
        i for c in submission.criteria_set.criteria.prefetch_related("indicators") for i in c.indicators.all()
    ]
    existing = set(submission.results.values_list("indicator_id", flat=True))
    profile = services.unit_profile(submission)
    new = []
    for i in indicators:
        if i.pk in existing:
            continue
        value = services.profile_value(i, profile) if i.source else _value(rng, i, chance)
        compared = services.profile_rate(i, profile) if i.source else value  # a rate is compared exactly
        new.append(
            Result(
                submission=submission, indicator=i, value=value, is_met=i.is_met(compared, ward.zone), updated_by=author
            )
        )
    Result.objects.bulk_create(new)
    services.submission_evaluate(submission)


def _sent_at(period: Period, rng: random.Random) -> datetime:
    """When the submission was sent (and reviewed): by the deadline, and never in the future for this month."""
    return min(
        timezone.make_aware(datetime.combine(period.deadline, time(9))),
        timezone.now() - timedelta(hours=rng.randint(2, 96)),
    )


def _send(submission: Submission, status: str, reason: str, *, when: datetime, author, reviewer) -> None:
    """Give the submission its status as if sent and reviewed at `when`, with the history that would have left."""
    reviewed = status in (Submission.Status.APPROVED, Submission.Status.RETURNED)
    Submission.objects.filter(pk=submission.pk).update(
        status=status,
        return_reason=reason,
        submitted_by=author if status != Submission.Status.DRAFT else None,
        submitted_at=when if status != Submission.Status.DRAFT else None,
        reviewed_by=reviewer if reviewed else None,
        reviewed_at=when if reviewed else None,
    )
    if status != Submission.Status.DRAFT:
        history_record(obj=submission, user=author, action="submit", changes={"status": ["Nháp", "Đã gửi"]})
    if status == Submission.Status.APPROVED:
        history_record(obj=submission, user=reviewer, action="approve", changes={"status": ["Đã gửi", "Đã duyệt"]})
    if status == Submission.Status.RETURNED:
        history_record(
            obj=submission, user=reviewer, action="return", changes={"status": ["Đã gửi", "Trả lại"]}, reason=reason
        )


def _status(rng: random.Random, is_current: bool, age: int, count: int) -> tuple[str, str]:
    if is_current:
        pick = rng.random()
        if pick < 0.45:
            return Submission.Status.DRAFT, ""
        if pick < 0.85:
            return Submission.Status.SUBMITTED, ""
        return Submission.Status.RETURNED, rng.choice(RETURN_REASONS)
    if age == count - 2 and rng.random() < 0.15:
        return Submission.Status.RETURNED, rng.choice(RETURN_REASONS)
    return Submission.Status.APPROVED, ""
