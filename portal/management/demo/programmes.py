"""The demo's programmes, side by side: every neighbourhood follows "Thôn, tổ dân phố văn hóa" (NĐ 86/2023);
those of Thanh Hóa follow "Phố, thôn kiểu mẫu" too (the province's set, which extends the văn hóa set); every
phường follows "Phường đạt chuẩn đô thị văn minh" (QĐ 04/2022); "Phường kiểu mẫu" has no criteria set in the
portal yet (its titles are decided on inspections).

Made before the criteria sets are loaded, so that each set finds its programme (Programme.objects.for_set).
Idempotent; a demo database from before programmes were side by side is mended (`_mend`).
"""

from campaigns.criteria.models import Programme
from campaigns.results.models import Submission
from wards.models import City

THANH_HOA = "38"  # the province's official code (the demo imports Thanh Hóa)
KIEU_MAU_BASIS = (
    "Quyết định 09/2019/QĐ-UBND của UBND tỉnh Thanh Hóa "
    "(tiêu chí và trình tự, thủ tục xét công nhận danh hiệu kiểu mẫu)"
)
PROGRAMMES = [
    {
        "code": "thon-tdp-van-hoa",
        "name": "Thôn, tổ dân phố văn hóa",
        "title": "Thôn, tổ dân phố văn hóa",
        "level": "neighbourhood",
        "criteria_code": "thon-tdp-van-hoa",
        "basis": "Nghị định 86/2023/NĐ-CP",
        "order": 10,
    },
    {
        "code": "pho-thon-kieu-mau",
        "name": "Phố, thôn kiểu mẫu",
        "title": "Phố, thôn kiểu mẫu",
        "level": "neighbourhood",
        "criteria_code": "thanh-hoa-pho-thon-kieu-mau",
        "basis": KIEU_MAU_BASIS,
        "order": 20,
        "province": THANH_HOA,
    },
    {
        "code": "do-thi-van-minh",
        "name": "Phường đạt chuẩn đô thị văn minh",
        "title": "Phường đạt chuẩn đô thị văn minh",
        "level": "ward",
        "criteria_code": "do-thi-van-minh",
        "basis": "Quyết định 04/2022/QĐ-TTg",
        "unit_kinds": ["phuong", "thi_tran"],
        "order": 10,
    },
    {
        "code": "phuong-kieu-mau",
        "name": "Phường kiểu mẫu",
        "title": "Phường kiểu mẫu",
        "level": "ward",
        "criteria_code": "",
        "basis": KIEU_MAU_BASIS,
        "order": 20,
        "province": THANH_HOA,
    },
]


def load() -> dict[str, Programme]:
    """Create or bring up to date the demo's programmes; returns them by code."""
    out = {}
    for spec in PROGRAMMES:
        spec = dict(spec)
        province = spec.pop("province", None)
        spec["city"] = City.objects.filter(code=province).first() if province else None
        spec.setdefault("unit_kinds", [])
        programme = Programme.objects.filter(code=spec["code"]).first()
        if programme is None:
            programme = Programme.objects.create(**spec, rhythm="yearly", term_years=1, is_active=True)
        elif any(getattr(programme, key) != value for key, value in spec.items()):
            _mend(programme, spec)
            for key, value in spec.items():
                setattr(programme, key, value)
            programme.save()
        out[spec["code"]] = programme
    return out


def _mend(programme: Programme, spec: dict) -> None:
    """A programme whose criteria change (an older demo's "Phố, thôn kiểu mẫu" named the văn hóa set) hands the
    reports of its old set to the programme that now names that set."""
    if programme.criteria_code and programme.criteria_code != spec["criteria_code"]:
        heir = Programme.objects.filter(criteria_code=programme.criteria_code).exclude(pk=programme.pk).first()
        if heir is not None:
            Submission.objects.filter(programme=programme, criteria_set__code=programme.criteria_code).update(
                programme=heir
            )
