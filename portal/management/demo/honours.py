"""Commendations and plan targets of Hạc Thành for last year, and a city plan of a few targets.

Commendations: a party cell, two people (name and role), a household and a neighbourhood, each with its
decision. Hạc Thành's plan has 14 targets: "Số phố, thôn đạt danh hiệu kiểu mẫu: 12" computed from the titles
that the title path's demo decides (it runs before this one), the other 13 entered, two of them short of
their target, so that the plan reads 12/14 when those 12 titles stand. The city's plan counts three targets
from the data and one entered. Decision numbers and entered values are examples (marked so), not real
figures. Idempotent: a second run adds nothing.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.movement.commendations.models import Commendation
from campaigns.movement.plans.models import PlanTarget
from wards.models import City, Ward

WARD_CODE, CITY_CODE = "14797", "38"  # Hạc Thành, Thanh Hóa
EXAMPLE = " (ví dụ)"

# name, unit, target, direction, source, achieved (entered), note
WARD_PLAN = [
    ("Số phố, thôn đạt danh hiệu kiểu mẫu", "phố, thôn", "12", "at_least", "titled", None, ""),
    ("Kết nạp đảng viên mới", "đảng viên", "10", "at_least", "entered", "12", "Theo báo cáo của Đảng ủy phường"),
    ("Tỷ lệ hộ nghèo", "%", "0.5", "at_most", "entered", "0.24", "Kết quả rà soát hộ nghèo cuối năm"),
    ("Tỷ lệ hộ gia đình đạt danh hiệu gia đình văn hóa", "%", "95", "at_least", "entered", "96.5", ""),
    ("Tỷ lệ người dân tham gia bảo hiểm y tế", "%", "95", "at_least", "entered", "93.5", "Theo BHXH thành phố"),
    ("Thu ngân sách nhà nước trên địa bàn", "triệu đồng", "45000", "at_least", "entered", "48200", ""),
    ("Số hộ được gắn biển số nhà", "hộ", "1200", "at_least", "entered", "1250", ""),
    ("Huy động nguồn lực xây dựng phố, thôn kiểu mẫu", "triệu đồng", "3000", "at_least", "entered", "3450", ""),
    ("Diện tích đất nhân dân hiến mở rộng ngõ, phố", "m²", "500", "at_least", "entered", "620", ""),
    ("Tỷ lệ rác thải sinh hoạt được thu gom, xử lý", "%", "100", "at_least", "entered", "100", ""),
    ("Số vụ phạm pháp hình sự", "vụ", "5", "at_most", "entered", "3", "Theo Công an phường"),
    ("Tỷ lệ trẻ em trong độ tuổi đến trường", "%", "100", "at_least", "entered", "100", ""),
    (
        "Số tuyến phố đạt chuẩn văn minh đô thị",
        "tuyến",
        "4",
        "at_least",
        "entered",
        "3",
        "Tuyến thứ tư chuyển sang năm sau",
    ),
    ("Tỷ lệ lao động qua đào tạo", "%", "75", "at_least", "entered", "76.2", ""),
]
CITY_PLAN = [
    ("Số phố, thôn đạt danh hiệu kiểu mẫu", "phố, thôn", "48", "at_least", "titled", None, ""),
    ("Số phố, thôn đăng ký xây dựng kiểu mẫu", "phố, thôn", "100", "at_least", "registered", None, ""),
    ("Số thôn, tổ dân phố không còn hộ nghèo", "thôn, tổ dân phố", "154", "at_least", "no_poor", None, ""),
    ("Kết nạp đảng viên mới", "đảng viên", "500", "at_least", "entered", "540", "Theo báo cáo của Thành ủy"),
]


def _plan(city: City, ward: Ward | None, year: int, rows: list, user) -> int:
    added = 0
    for order, (name, unit, target, direction, source, achieved, note) in enumerate(rows, start=1):
        _t, created = PlanTarget.objects.get_or_create(
            city=city,
            ward=ward,
            year=year,
            name=name,
            defaults={
                "order": order,
                "unit": unit,
                "target": Decimal(target),
                "direction": direction,
                "source": source,
                "achieved": Decimal(achieved) if achieved is not None else None,
                "note": note,
                "is_example": True,
                "created_by": user,
            },
        )
        added += created
    return added


def _people_and_units(hoods: list, year: int) -> list[dict]:
    """Two people, a household and a neighbourhood of the ward, commended by the ward's chairman and the province."""
    by_ward = {"authority": "Chủ tịch UBND phường", "signer": "Chủ tịch UBND phường Hạc Thành"}
    return [
        {
            "decision_number": f"245/QĐ-UBND{EXAMPLE}",
            **by_ward,
            "form": "giay_khen",
            "recipient": "individual",
            "person_name": "Nguyễn Văn Bình",
            "position": "Tổ trưởng tổ dân phố",
            "neighbourhood": hoods[0],
            "achievement": f"Có thành tích xuất sắc trong phong trào xây dựng phố, thôn kiểu mẫu năm {year}",
        },
        {
            "decision_number": f"246/QĐ-UBND{EXAMPLE}",
            **by_ward,
            "form": "giay_khen",
            "recipient": "individual",
            "person_name": "Lê Thị Hằng",
            "position": "Chi hội trưởng Chi hội Phụ nữ",
            "neighbourhood": hoods[-1],
            "achievement": "Vận động nhân dân hiến đất, góp ngày công chỉnh trang ngõ phố",
        },
        {
            "decision_number": f"247/QĐ-UBND{EXAMPLE}",
            **by_ward,
            "form": "giay_khen",
            "recipient": "household",
            "person_name": "Trần Văn Minh",
            "neighbourhood": hoods[min(1, len(hoods) - 1)],
            "achievement": "Hộ gia đình tự nguyện hiến 50 m² đất mở rộng ngõ",
        },
        {
            "decision_number": f"1520/QĐ-UBND{EXAMPLE}",
            "form": "bang_khen",
            "authority": "Chủ tịch UBND tỉnh",
            "signer": "Phó Chủ tịch UBND tỉnh",
            "recipient": "neighbourhood",
            "neighbourhood": hoods[0],
            "achievement": f"Thành tích xuất sắc trong xây dựng phố kiểu mẫu giai đoạn {year - 4}–{year}",
        },
    ]


def _commendations(ward: Ward, year: int, user) -> int:
    hoods = list(ward.neighbourhoods.current(date(year, 12, 31)).order_by("search_key")[:3])
    cell = ward.party_cells.order_by("search_key").first()
    decided = date(year, 12, 26)
    specs = []
    if cell is not None:
        specs.append(
            {
                "decision_number": f"12/QĐ-ĐU{EXAMPLE}",
                "form": "giay_khen",
                "authority": "Ban Thường vụ Đảng ủy phường",
                "signer": "Bí thư Đảng ủy phường",
                "recipient": "party_cell",
                "party_cell": cell,
                "achievement": f"Chi bộ hoàn thành xuất sắc nhiệm vụ năm {year}",
            }
        )
    if hoods:
        specs += _people_and_units(hoods, year)
    added = 0
    for spec in specs:
        number = spec.pop("decision_number")
        _c, created = Commendation.objects.get_or_create(
            ward=ward,
            year=year,
            decision_number=number,
            defaults={**spec, "decision_date": decided, "created_by": user},
        )
        added += created
    return added


def load(today: date | None = None) -> dict:
    """Load the demo's commendations and plans; returns how many of each it added (none on a second run)."""
    today = today or timezone.localdate()
    year = today.year - 1
    ward = Ward.objects.filter(code=WARD_CODE).select_related("city").first()
    city = City.objects.filter(code=CITY_CODE).first()
    if ward is None or city is None:
        return {"commendations": 0, "targets": 0}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["phuong1", "lanhdao"])}
    with transaction.atomic():
        commendations = _commendations(ward, year, users.get("phuong1"))
        targets = _plan(ward.city, ward, year, WARD_PLAN, users.get("phuong1"))
        targets += _plan(city, None, year, CITY_PLAN, users.get("lanhdao"))
    return {"commendations": commendations, "targets": targets}
