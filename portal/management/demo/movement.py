"""Demo of the emulation movement: a 60-day peak campaign shaped like a real one, a campaign under
way now, commitments before Tết, last year's recognitions and party-cell ratings. Idempotent."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.movement.models import (
    Campaign,
    Commitment,
    CommitmentRequest,
    PartyCellRating,
    Recognition,
    Target,
    Task,
    TaskUpdate,
    Topic,
)
from campaigns.results.models import Submission
from wards.models import City, Membership, PartyCell, Ward

PEAK_WARDS = ("14797", "16417", "15271")  # Hạc Thành, Đông Quang, Hà Trung


def _staff(ward: Ward):
    member = Membership.objects.filter(ward=ward, role=Membership.Role.WARD_STAFF).select_related("user").first()
    return member.user if member else None


@transaction.atomic
def load(today: date | None = None) -> dict:
    """Load the movement's demo; returns how many campaigns and tasks it added (none on a second run)."""
    today = today or timezone.localdate()
    city = City.objects.get(code="38")
    wards = list(Ward.objects.filter(code__in=PEAK_WARDS).order_by("code"))
    counts = {"campaigns": 0, "tasks": 0}
    _peak_campaign(city, wards, counts)
    _current_campaign(city, wards, today, counts)
    _commitments(city, wards, today)
    _recognitions(city, today.year - 1)
    _ratings(wards, today)
    return counts


def _peak_campaign(city: City, wards: list[Ward], counts: dict) -> None:
    """The 60-day peak of spring 2026, with its three targets and tasks at every stage."""
    peak, created = Campaign.objects.get_or_create(
        name="60 ngày cao điểm xây dựng phố, thôn kiểu mẫu năm 2026",
        city=city,
        ward=None,
        defaults={
            "kind": Campaign.Kind.THEMATIC,
            "start": date(2026, 3, 15),
            "end": date(2026, 5, 15),
            "goal": "Hoàn thành tiêu chí II (đời sống văn hóa) và III (môi trường) ở mọi thôn, tổ dân phố; "
            "gắn biển tuyên truyền, đánh số nhà, hỗ trợ mỗi tổ dân phố 10 triệu đồng.",
        },
    )
    if created:
        counts["campaigns"] += 1
        peak.wards.set(wards)
        counts["tasks"] += _peak_tasks(peak, wards)


def _peak_tasks(peak: Campaign, wards: list[Ward]) -> int:
    """The peak's targets and its tasks, done, under way and open (with an update once begun); returns how many."""
    signs = Target.objects.create(campaign=peak, name="Biển tuyên truyền được gắn", unit="biển", value=50)
    houses = Target.objects.create(campaign=peak, name="Tuyến phố được đánh số nhà", unit="tuyến", value=12)
    money = Target.objects.create(campaign=peak, name="Kinh phí hỗ trợ tổ dân phố", unit="triệu đồng", value=120)
    plan = [
        ("Gắn biển tuyên truyền tại nhà văn hóa", signs, 20, date(2026, 3, 31), "done", 20),
        ("Gắn biển tuyên truyền trên các trục phố chính", signs, 30, date(2026, 4, 20), "in_progress", 12),
        ("Đánh số nhà các ngõ còn thiếu", houses, 6, date(2026, 4, 30), "done", 6),
        ("Đánh số nhà khu dân cư mới", houses, 6, date(2026, 5, 10), "in_progress", 2),
        ("Hỗ trợ 10 triệu đồng cho mỗi tổ dân phố khó khăn", money, 60, date(2026, 5, 15), "done", 60),
        ("Vận động xã hội hóa kinh phí chỉnh trang", money, 60, date(2026, 5, 15), "open", 0),
    ]
    rng = random.Random(60)
    added = 0
    for i, (title, target, value, due, status, reached) in enumerate(plan * 2):
        ward = wards[i % len(wards)]
        hoods = list(ward.neighbourhoods.current(due).order_by("search_key")[:4])
        task = Task.objects.create(
            campaign=peak,
            target=target,
            title=title,
            ward=ward,
            neighbourhood=rng.choice(hoods) if hoods else None,
            assignee=_staff(ward),
            start=date(2026, 3, 15),
            due=due,
            status=status,
            progress=100 if status == "done" else round(100 * reached / value),
            target_value=Decimal(value) / 2,
            reached_value=Decimal(reached) / 2,
            completed_at=timezone.make_aware(datetime.combine(due - timedelta(days=2), time(16)))
            if status == "done"
            else None,
        )
        added += 1
        if reached:
            TaskUpdate.objects.create(
                task=task,
                author=task.assignee,
                text="Đã triển khai, báo cáo tại giao ban tuần.",
                figure=task.reached_value,
                progress=task.progress,
            )
    return added


def _current_campaign(city: City, wards: list[Ward], today: date, counts: dict) -> None:
    """A clean-up campaign under way now, with tasks overdue, due soon and later: what the reminders pick up."""
    now_campaign, created = Campaign.objects.get_or_create(
        name="Ra quân tổng vệ sinh môi trường chào năm mới",
        city=city,
        ward=None,
        defaults={
            "kind": Campaign.Kind.REGULAR,
            # Started at least two weeks ago, whatever the day: its earliest task fell due 9 days ago.
            "start": (today - timedelta(days=14)).replace(day=1),
            "end": today + timedelta(days=45),
            "goal": "Mỗi thôn, tổ dân phố tổng vệ sinh 2 lần/tháng; xóa điểm tập kết rác tự phát.",
        },
    )
    if not created:
        return
    counts["campaigns"] += 1
    now_campaign.wards.set(wards)
    for i, ward in enumerate(wards):
        for days, title in (
            (-9, "Xóa điểm tập kết rác tự phát"),
            (-2, "Tổng vệ sinh khu dân cư đợt 1"),
            (2, "Trồng cây xanh tuyến đường trục"),
            (20, "Tổng vệ sinh khu dân cư đợt 2"),
        ):
            Task.objects.create(
                campaign=now_campaign,
                title=title,
                ward=ward,
                assignee=_staff(ward),
                start=now_campaign.start,
                due=today + timedelta(days=days + i),
            )
            counts["tasks"] += 1


def _commitments(city: City, wards: list[Ward], today: date) -> None:
    request, created = CommitmentRequest.objects.get_or_create(
        city=city,
        topic=Topic.FIREWORKS,
        title="Cam kết không sản xuất, buôn bán, sử dụng pháo nổ dịp Tết Đinh Mùi 2027",
        defaults={"period_start": date(2026, 12, 15), "period_end": date(2027, 2, 21), "deadline": date(2026, 12, 10)},
    )
    if created:
        request.wards.set(Ward.objects.filter(city=city, neighbourhoods__isnull=False).distinct())
        for ward in wards[:2]:  # the third has not signed yet
            Commitment.objects.create(
                request=request,
                city=city,
                ward=ward,
                topic=Topic.FIREWORKS,
                signer="Chủ tịch UBND " + ward.name,
                signer_title="Chủ tịch UBND",
                signed_on=min(today, date(2026, 12, 5)),
                period_start=request.period_start,
                period_end=request.period_end,
            )
    for ward in wards:
        Commitment.objects.get_or_create(
            ward=ward,
            topic=Topic.FOOD_SAFETY,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 2, 28),
            defaults={
                "city": city,
                "signer": "Chủ tịch UBND " + ward.name,
                "signer_title": "Chủ tịch UBND",
                "recipient_title": "Chủ tịch UBND tỉnh Thanh Hóa",
                "signed_on": date(2025, 12, 28),
                "outcome": Commitment.Outcome.KEPT,
                "outcome_note": "Không xảy ra ngộ độc thực phẩm trong dịp Tết.",
            },
        )
    _police_commitment(city, today)


def _police_commitment(city: City, today: date) -> None:
    """An office at city level: the police's commitment to the chair of the People's Committee on security and
    order before Tết, signed by name and position. The people's names are examples."""
    tet = date(2027, 2, 6)  # Tết Đinh Mùi
    Commitment.objects.get_or_create(
        city=city,
        ward=None,
        signer_kind=Commitment.SignerKind.OFFICE,
        office="Công an tỉnh Thanh Hóa",
        topic=Topic.SECURITY,
        period_start=date(2026, 12, 15),
        period_end=tet + timedelta(days=15),
        defaults={
            "signer": "Nguyễn Văn An (ví dụ)",
            "signer_title": "Giám đốc Công an tỉnh",
            "recipient": "Trần Văn Bình (ví dụ)",
            "recipient_title": "Chủ tịch UBND tỉnh Thanh Hóa",
            "signed_on": min(today, date(2026, 12, 10)),
            "outcome_note": "",
        },
    )


def _recognitions(city: City, year: int) -> None:
    """Last year's "văn hóa" titles by the self-reported path, outside Hạc Thành, whose "kiểu mẫu" titles come
    from its inspections and the city's decision (portal/management/demo/titles.py)."""
    latest = (
        Submission.objects.filter(
            ~Q(ward__code="14797"),
            ward__city=city,
            neighbourhood__isnull=False,
            period__year=year,
            period__kind="month",
            status=Submission.Status.APPROVED,
            is_complete=True,
        )
        .select_related("neighbourhood", "ward")
        .order_by("neighbourhood_id", "-period__start")
    )
    seen = set()
    for submission in latest:
        if submission.neighbourhood_id in seen or len(seen) >= 6:
            continue
        seen.add(submission.neighbourhood_id)
        Recognition.objects.get_or_create(
            ward=submission.ward,
            neighbourhood=submission.neighbourhood,
            year=year,
            title="Thôn, tổ dân phố văn hóa",
            defaults={
                "status": Recognition.Status.CONFIRMED,
                "decision_number": f"{1200 + len(seen)}/QĐ-UBND",
                "decision_date": date(year + 1, 1, 15),
                "signer": "Chủ tịch UBND tỉnh",
            },
        )


def _ratings(wards: list[Ward], today: date) -> None:
    """2024 on four levels, 2025 by score (one capped: a member of the cell committee disciplined), and this
    year's quarters already over. Scores are examples."""
    rng = random.Random(366)
    cells = list(PartyCell.objects.filter(ward__in=wards).order_by("pk"))
    for i, cell in enumerate(cells):
        PartyCellRating.objects.get_or_create(
            party_cell=cell,
            year=2024,
            quarter=None,
            defaults={
                "scale": PartyCellRating.Scale.FOUR_LEVELS,
                "members": rng.randint(8, 45),
                "level": rng.choice(["excellent", "good", "good", "good", "fulfilled"]),
            },
        )
        score = Decimal(rng.randint(62, 97))
        capped = i == 0  # one capped yearly rating, shown on the ward's page and counted by the annual report
        if capped:
            score = Decimal(93)
        PartyCellRating.objects.get_or_create(
            party_cell=cell,
            year=2025,
            quarter=None,
            defaults={
                "scale": PartyCellRating.Scale.POINTS,
                "score": score,
                "score_level": PartyCellRating.level_for_score(score),
                "leader_disciplined": capped,
                "members": rng.randint(8, 45),
                "level": PartyCellRating.Level.GOOD if capped else PartyCellRating.level_for_score(score),
                "note": "Ví dụ: 1 đồng chí chi ủy viên bị kỷ luật khiển trách trong năm." if capped else "",
            },
        )
    _quarterly(cells[:6], today, rng)


def _quarterly(cells: list[PartyCell], today: date, rng: random.Random) -> None:
    """This year's quarters that are over (last year's four in the first quarter), for a few cells."""
    current = (today.month - 1) // 3 + 1
    year, quarters = (today.year, range(1, current)) if current > 1 else (today.year - 1, range(1, 5))
    for cell in cells:
        for quarter in quarters:
            score = Decimal(rng.randint(68, 96))
            late = rng.random() < 0.15
            score_level = PartyCellRating.level_for_score(score)
            PartyCellRating.objects.get_or_create(
                party_cell=cell,
                year=year,
                quarter=quarter,
                defaults={
                    "scale": PartyCellRating.scale_for(year),
                    "score": score,
                    "score_level": score_level,
                    "tasks_late": late,
                    "level": PartyCellRating.final_level(score_level, "fulfilled" if late else None),
                    "members": rng.randint(8, 45),
                },
            )
