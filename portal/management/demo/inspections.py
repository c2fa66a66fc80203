"""The way to a title in Hạc Thành, last year: its neighbourhoods (up to 14) registered with their pledges, the ward's
inspection in October (a team of 4, 14 visits scored, 13 meeting the criteria or meeting them on
conditions, 1 not), the city's verification in November of those 13 (12 meet, 1 does not, and the city found
some values otherwise than the ward did); a few registrations for this year.

Reported values are those of the demo's own results (copied by the score table as in use); verified values
start from them, some differ. Idempotent: a second run adds nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.criteria.evaluation import Comparator, IndicatorKind
from campaigns.criteria.models import Programme
from campaigns.movement.inspections import registrations, rounds, scoring
from campaigns.movement.inspections.models import InspectionRound, Registration, Score, Visit
from campaigns.movement.inspections.units import Unit
from campaigns.results.models import Submission, counted_q
from portal.management.demo import programmes as demo_programmes
from wards.models import Ward

WARD_CODE = "14797"  # Hạc Thành
PLEDGE = (
    "Tổ dân phố cam kết thực hiện đầy đủ các tiêu chí phố, thôn kiểu mẫu năm {year}: giữ gìn vệ sinh môi trường, "
    "100% hộ ký cam kết xây dựng gia đình văn hóa, không có tệ nạn xã hội."
)
WARD_TEAM = [
    ("Phạm Quốc Hùng", "Trưởng đoàn", "Đảng ủy – UBND phường Hạc Thành"),
    ("Nguyễn Thị Hoa", "Thư ký", "UBND phường Hạc Thành"),
    ("Lê Thị Mai", "Thành viên", "Ủy ban MTTQ phường"),
    ("Trần Đức Long", "Thành viên", "Công an phường"),
]
CITY_TEAM = [
    ("Lê Văn Thành", "Trưởng đoàn", "Ban Thi đua – Khen thưởng tỉnh"),
    ("Hoàng Minh Tuấn", "Thành viên", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Đỗ Thu Hà", "Thư ký", "Ban Thi đua – Khen thưởng tỉnh"),
]


def _meeting(indicator, reported: Decimal | None, zone: str) -> Decimal:
    """A verified value that meets the indicator: the reported one when it does, else one at the threshold."""
    if reported is not None and indicator.is_met(reported, zone):
        return reported
    if indicator.kind == IndicatorKind.BOOLEAN:
        return Decimal(0 if indicator.threshold == 0 else 1)
    limit = indicator.threshold_for(zone) or Decimal(90)
    step = {Comparator.GT: Decimal(1), Comparator.LT: Decimal(-1)}.get(indicator.comparator, Decimal(0))
    return max(Decimal(0), limit + step)


def _differing(indicator, value: Decimal, zone: str) -> Decimal:
    """A value 1.5 points off (a percentage the team counted again) that still meets; else the value as is."""
    if indicator.kind != IndicatorKind.PERCENT:
        return value
    for candidate in (value - Decimal("1.5"), value + Decimal("1.5")):
        if Decimal(0) <= candidate <= Decimal(100) and indicator.is_met(candidate, zone):
            return candidate
    return value


def _failing(indicator, zone: str) -> Decimal | None:
    if indicator.kind == IndicatorKind.BOOLEAN:
        return Decimal(1 if indicator.threshold == 0 else 0)
    return None


def _stand_in_report(visit: Visit, scores: list) -> None:
    """The demo's results cover the last twelve months only: when the unit has no report of the round's year,
    its earliest report of the demo stands in for it (the page itself copies only the year's own report)."""
    if not scores or any(s.reported_value is not None for s in scores):
        return
    submission = (
        Submission.objects.filter(counted_q(), neighbourhood_id=visit.neighbourhood_id, period__kind="month")
        .order_by("period__start", "pk")
        .first()
    )
    if submission is None:
        return
    results = {r.indicator_id: r for r in submission.results.all()}
    for score in scores:
        if score.indicator_id in results:
            score.reported_value = results[score.indicator_id].value
            score.reported_met = results[score.indicator_id].is_met
    Score.objects.bulk_update(scores, ["reported_value", "reported_met"])


def _score(*, user, visit: Visit, conclusion: str, differ: bool, fail: bool, conditions: str = "", base=None):
    """Score a visit through the page's own service: values that meet (from what was reported, or from the
    ward's verified values in `base`), one differing when `differ`, one failing when `fail`."""
    scores = scoring.scores_ensure(visit)
    _stand_in_report(visit, scores)
    zone = visit.ward.zone
    verified, differed, failed = {}, False, False
    for score in scores:
        start = (base or {}).get(score.indicator_id, score.reported_value)
        value = _meeting(score.indicator, start, zone)
        if differ and not differed and _differing(score.indicator, value, zone) != value:
            value, differed = _differing(score.indicator, value, zone), True
        if fail and not failed and _failing(score.indicator, zone) is not None:
            value, failed = _failing(score.indicator, zone), True
        verified[score.indicator_id] = (value, "Đoàn kiểm tra đếm lại" if differed and value != start else "")
    data = {
        "conclusion": conclusion,
        "conditions": conditions,
        "participants": "Đoàn kiểm tra; Trưởng phố; Bí thư chi bộ",
    }
    scoring.visit_save(user=user, visit=visit, data=data, verified=verified, version=None)


def _programmes() -> dict[str, Programme]:
    """The demo's programmes (portal.management.demo.programmes), made with the results."""
    return demo_programmes.load()


def _register(programme, ward, hoods, year, user, registered_on: date) -> int:
    taken = set(
        Registration.objects.filter(programme=programme, neighbourhood__in=hoods, first_year=year).values_list(
            "neighbourhood_id", flat=True
        )
    )
    todo = [h for h in hoods if h.pk not in taken]
    if not todo:
        return 0
    saved = registrations.register_units(
        user=user,
        programme=programme,
        ward=ward,
        year=year,
        units=[Unit(ward, h) for h in todo],
        pledge=PLEDGE.format(year=year),
    )
    Registration.objects.filter(pk__in=[r.pk for r in saved]).update(registered_on=registered_on)
    return len(saved)


def _round(*, programme, year, ward, city, name, starts, team, user) -> tuple[InspectionRound, bool]:
    existing = InspectionRound.objects.filter(programme=programme, year=year, ward=ward, city=city, name=name).first()
    if existing:
        return existing, False
    data = {
        "programme": programme,
        "year": year,
        "ward": ward,
        "city": city,
        "name": name,
        "starts_on": starts,
        "ends_on": starts + timedelta(days=20),
        "note": "",
    }
    members = [{"name": n, "role": r, "organisation": o} for n, r, o in team]
    return rounds.round_save(user=user, data=data, team=members), True


@transaction.atomic
def load(today: date | None = None) -> dict:
    """Load the demo's title path; returns what it added (nothing on a second run)."""
    today = today or timezone.localdate()
    year = today.year - 1
    programme = _programmes()["pho-thon-kieu-mau"]
    ward = Ward.objects.filter(code=WARD_CODE).select_related("city").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["phuong1", "lanhdao"])}
    if ward is None or len(users) < 2:
        return {"registrations": 0, "visits": 0}
    hoods = list(ward.neighbourhoods.current(date(year, 12, 31)).order_by("search_key")[:14])
    added = {"registrations": _register(programme, ward, hoods, year, users["phuong1"], date(year, 1, 15)), "visits": 0}
    added["registrations"] += _register(
        programme, ward, hoods[:5], today.year, users["phuong1"], min(today, date(today.year, 1, 15))
    )
    ward_round, new = _round(
        programme=programme,
        year=year,
        ward=ward,
        city=ward.city,
        starts=date(year, 10, 5),
        team=WARD_TEAM,
        name=f"Kiểm tra, thẩm định phố, thôn kiểu mẫu năm {year} – phường Hạc Thành",
        user=users["phuong1"],
    )
    if new:
        added["visits"] += _ward_visits(ward_round, users["phuong1"], year)
    city_round, new = _round(
        programme=programme,
        year=year,
        ward=None,
        city=ward.city,
        starts=date(year, 11, 10),
        team=CITY_TEAM,
        name=f"Phúc tra phố, thôn kiểu mẫu năm {year}",
        user=users["lanhdao"],
    )
    if new:
        added["visits"] += _city_visits(city_round, users["lanhdao"], year)
    return added


def _ward_visits(round_: InspectionRound, user, year: int) -> int:
    units = rounds.eligible_units(round_)
    rounds.visits_add(user=user, round_=round_, units=units, visited_on=date(year, 10, 5))
    visits = list(
        round_.visits.select_related("round__programme", "ward", "neighbourhood").order_by("neighbourhood__search_key")
    )
    for n, visit in enumerate(visits):
        visit.visited_on = date(year, 10, 5) + timedelta(days=n)
        visit.save(update_fields=["visited_on"])
        if n == len(visits) - 1:
            _score(user=user, visit=visit, conclusion="not_met", differ=True, fail=True)
        elif n in (3, 8):
            _score(
                user=user,
                visit=visit,
                conclusion="conditions",
                differ=True,
                fail=False,
                conditions="Hoàn thiện sổ theo dõi hộ gia đình văn hóa trước 31/12.",
            )
        else:
            _score(user=user, visit=visit, conclusion="meets", differ=n % 3 == 0, fail=False)
    return len(visits)


def _city_visits(round_: InspectionRound, user, year: int) -> int:
    units = rounds.eligible_units(round_)
    rounds.visits_add(user=user, round_=round_, units=units, visited_on=date(year, 11, 10))
    visits = list(
        round_.visits.select_related("round__programme", "ward", "neighbourhood").order_by("neighbourhood__search_key")
    )
    for n, visit in enumerate(visits):
        visit.visited_on = date(year, 11, 10) + timedelta(days=n // 2)
        visit.save(update_fields=["visited_on"])
        base = {s.indicator_id: s.verified_value for s in scoring.ward_scores_for(visit).values()}
        if n == 5:
            _score(user=user, visit=visit, conclusion="not_met", differ=False, fail=True, base=base)
        else:
            _score(user=user, visit=visit, conclusion="meets", differ=n % 4 == 1, fail=False, base=base)
    return len(visits)
