"""Demo of resources mobilised (huy động nguồn lực) in Hạc Thành, Đông Quang and Hà Trung, last year and this
year: money, land donated to widen lanes, working days and materials, some for the 60-day peak campaign.
Every figure is an example (said so in its note). Idempotent: a second run adds nothing."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.movement.contributions.models import Contribution, Kind, Source
from campaigns.movement.models import Campaign
from wards.models import Membership, Neighbourhood, Ward

PEAK = "60 ngày cao điểm xây dựng phố, thôn kiểu mẫu năm 2026"
EXAMPLE = "Số liệu minh họa (ví dụ)."

# ward code, years back (0: this year), month, day, neighbourhood index (None: the ward), kind, source, amount,
# description, contributor, for the peak campaign
ROWS = [
    (
        "14797",
        1,
        6,
        1,
        None,
        Kind.MONEY,
        Source.STATE,
        200_000_000,
        "Nâng cấp đường nội phường",
        "Ngân sách phường",
        False,
    ),
    (
        "14797",
        1,
        8,
        15,
        0,
        Kind.LAND,
        Source.RESIDENTS,
        Decimal("120"),
        "Hiến đất mở rộng ngõ 3",
        "Hộ ông Lê Văn Hòa",
        False,
    ),
    (
        "14797",
        1,
        10,
        5,
        None,
        Kind.LABOUR,
        Source.RESIDENTS,
        450,
        "Tổng vệ sinh, trồng cây xanh",
        "Nhân dân các tổ dân phố",
        False,
    ),
    (
        "14797",
        1,
        12,
        10,
        1,
        Kind.MATERIALS,
        Source.BUSINESSES,
        24_000_000,
        "12 tấn xi măng",
        "Công ty TNHH Vật liệu Hạc Thành",
        False,
    ),
    (
        "14797",
        0,
        4,
        2,
        0,
        Kind.MATERIALS,
        Source.BUSINESSES,
        36_000_000,
        "20 tấn xi măng làm ngõ",
        "Công ty TNHH Vật liệu Hạc Thành",
        True,
    ),
    ("14797", 0, 4, 10, 0, Kind.MONEY, Source.RESIDENTS, 350_000_000, "Lắp đèn chiếu sáng ngõ xóm", "Các hộ dân", True),
    (
        "14797",
        0,
        4,
        20,
        1,
        Kind.LAND,
        Source.RESIDENTS,
        Decimal("85.5"),
        "Hiến đất mở rộng ngõ 7",
        "Bà Nguyễn Thị Lan",
        True,
    ),
    (
        "14797",
        0,
        5,
        5,
        None,
        Kind.LABOUR,
        Source.RESIDENTS,
        620,
        "Làm đường bê tông ngõ xóm",
        "Nhân dân các tổ dân phố",
        True,
    ),
    (
        "14797",
        0,
        5,
        10,
        2,
        Kind.MONEY,
        Source.STATE,
        10_000_000,
        "Hỗ trợ tổ dân phố kiểu mẫu",
        "Ngân sách phường",
        True,
    ),
    (
        "14797",
        0,
        9,
        10,
        None,
        Kind.MONEY,
        Source.BUSINESSES,
        150_000_000,
        "Xây nhà văn hóa",
        "Ngân hàng TMCP chi nhánh Thanh Hóa",
        False,
    ),
    ("16417", 1, 9, 20, 0, Kind.MONEY, Source.RESIDENTS, 180_000_000, "Làm đường điện chiếu sáng", "Các hộ dân", False),
    (
        "16417",
        0,
        4,
        12,
        0,
        Kind.LAND,
        Source.RESIDENTS,
        Decimal("64"),
        "Hiến đất mở rộng ngõ",
        "Hộ ông Trần Văn Nam",
        True,
    ),
    ("16417", 0, 5, 2, None, Kind.LABOUR, Source.RESIDENTS, Decimal("310.5"), "Nạo vét kênh mương", "Nhân dân", True),
    ("16417", 0, 7, 8, None, Kind.MONEY, Source.STATE, 120_000_000, "Cải tạo sân thể thao", "Ngân sách phường", False),
    ("15271", 1, 11, 3, 0, Kind.MATERIALS, Source.OTHER, 15_000_000, "3.000 viên gạch", "Hội đồng hương", False),
    ("15271", 0, 3, 28, None, Kind.MONEY, Source.RESIDENTS, 95_000_000, "Đèn đường thôn", "Các hộ dân", True),
    ("15271", 0, 6, 18, 1, Kind.LAND, Source.RESIDENTS, Decimal("40"), "Hiến đất làm đường", "Hộ bà Lê Thị Mai", False),
]


def _staff(ward: Ward):
    member = Membership.objects.filter(ward=ward, role=Membership.Role.WARD_STAFF).select_related("user").first()
    return member.user if member else None


def _day(today: date, back: int, month: int, day: int) -> date | None:
    """The day in this year (back 0) or last year (back 1); None when it is still to come."""
    when = date(today.year - back, month, day)
    return when if when <= today else None


@transaction.atomic
def load(today: date | None = None) -> int:
    """Load the contributions' demo; returns how many it added (none on a second run)."""
    today = today or timezone.localdate()
    wards = {w.code: w for w in Ward.objects.filter(code__in={row[0] for row in ROWS})}
    peak = Campaign.objects.filter(name=PEAK, ward=None).first()
    hoods = {
        code: list(Neighbourhood.objects.current(today).filter(ward=ward).order_by("search_key")[:3])
        for code, ward in wards.items()
    }
    added = 0
    for code, back, month, day, hood, kind, source, amount, description, contributor, for_peak in ROWS:
        ward, when = wards.get(code), _day(today, back, month, day)
        if ward is None or when is None:
            continue
        units = hoods[code]
        _row, created = Contribution.objects.get_or_create(
            ward=ward,
            received_on=when,
            kind=kind,
            source=source,
            contributor=contributor,
            defaults={
                "neighbourhood": units[hood] if hood is not None and hood < len(units) else None,
                "campaign": peak if for_peak and peak is not None and peak.start.year == when.year else None,
                "amount": Decimal(amount),
                "description": description,
                "note": EXAMPLE,
                "created_by": _staff(ward),
            },
        )
        added += created
    return added
