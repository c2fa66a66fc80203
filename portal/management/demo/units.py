"""Demo units, profiles and accounts for `make run`. Deterministic and idempotent:
loading twice creates nothing twice and overwrites nothing a person changed."""

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from wards.imports import import_province
from wards.models import City, Membership, Neighbourhood, PartyCell, Profile, Ward

PROVINCE = 38  # Thanh Hóa
PASSWORD = "kieumau2024"
FIRST_YEAR, LAST_YEAR = 2024, 2026  # profiles from 2024 to 2026, or to this year when it is later
# A commune with no yearly profile of its own: the reports sum its hamlets' (reports.profile_summaries).
NO_WARD_PROFILE = "14845"  # Xã Mường Lát

# code: (zone, neighbourhood kind, names); a count stands for numbered "Tổ dân phố 1..n".
DEMO_WARDS = {
    "14797": (
        Ward.Zone.PLAINS,
        Neighbourhood.Kind.RESIDENTIAL_GROUP,  # Phường Hạc Thành
        [
            "Đình Hương 1",
            "Đình Hương 2",
            "Phố Lê Lai",
            "Phố Trần Phú",
            "Phố Lam Sơn",
            "Phố Ba Đình",
            "Phố Ngọc Trạo",
            "Phố Điện Biên",
            "Phố Trường Thi",
            "Phố Đông Thọ",
            "Phố Phú Sơn",
            "Phố Đông Vệ",
            "Phố Cao Thắng",
            "Phố Tô Vĩnh Diện",
        ],
    ),
    "16417": (Ward.Zone.PLAINS, Neighbourhood.Kind.RESIDENTIAL_GROUP, 14),  # Phường Đông Quang
    "14758": (Ward.Zone.PLAINS, Neighbourhood.Kind.RESIDENTIAL_GROUP, 16),  # Phường Hàm Rồng
    "16378": (Ward.Zone.PLAINS, Neighbourhood.Kind.RESIDENTIAL_GROUP, 13),  # Phường Đông Sơn: 13 cells
    "16531": (Ward.Zone.COASTAL, Neighbourhood.Kind.RESIDENTIAL_GROUP, 18),  # Phường Sầm Sơn
    "16522": (Ward.Zone.PLAINS, Neighbourhood.Kind.RESIDENTIAL_GROUP, 10),  # Phường Quảng Phú
    "15961": (Ward.Zone.PLAINS, Neighbourhood.Kind.VILLAGE, 34),  # Xã Hoằng Lộc: 34 thôn
    "15271": (Ward.Zone.PLAINS, Neighbourhood.Kind.VILLAGE, 9),  # Xã Hà Trung: TDPs became thôn
    "14845": (
        Ward.Zone.MOUNTAINOUS,
        Neighbourhood.Kind.HAMLET,  # Xã Mường Lát
        ["Bản Lát", "Bản Sài Khao", "Bản Pù Toong", "Bản Na Khà", "Bản Đoàn Kết", "Bản Ón"],
    ),
}
REAL_NEIGHBOURHOOD = ("Đình Hương 1", 234, 785)  # a real tổ dân phố: 234 households, 785 people

ACCOUNTS = [
    # username, full name, role, ward code or None
    ("quantri", "Quản trị hệ thống", Membership.Role.ADMIN, None),
    ("lanhdao", "Lê Văn Thành", Membership.Role.CITY_LEADER, None),
    ("canbo1", "Nguyễn Thị Hoa", Membership.Role.WARD_STAFF, "14797"),
    ("canbo2", "Trần Văn Minh", Membership.Role.WARD_STAFF, "16417"),
    ("phuong1", "Phạm Quốc Hùng", Membership.Role.WARD_LEADER, "14797"),
]


def _names(spec, kind) -> list[str]:
    if isinstance(spec, list):
        return spec
    word = "Thôn" if kind == Neighbourhood.Kind.VILLAGE else "Tổ dân phố"
    return [f"{word} {i}" for i in range(1, spec + 1)]


def _years() -> tuple[int, ...]:
    """The years with profiles: the annual report of last year has them whenever the demo is loaded."""
    return tuple(range(FIRST_YEAR, max(LAST_YEAR, date.today().year) + 1))


def _profile_figures(rng: random.Random, households: int, people: int, year: int) -> dict[str, int]:
    growth = 1 + 0.012 * (year - FIRST_YEAR)
    households, people = round(households * growth), round(people * growth)
    poor = rng.choice([0, 0, 0, 1, 1, 2, 3])
    return {
        "households": households,
        "people": people,
        "poor_households": poor,
        "near_poor_households": rng.randint(0, 6),
        "party_members": max(3, round(people * rng.uniform(0.03, 0.06))),
    }


@transaction.atomic
def load(stdout=None) -> City:
    result = import_province(PROVINCE)
    city = result.city
    rng = random.Random(2024)
    wards = {w.code: w for w in Ward.objects.filter(code__in=DEMO_WARDS)}
    years = _years()
    for code, (zone, kind, spec) in DEMO_WARDS.items():
        ward = wards[code]
        if ward.zone != zone:
            Ward.objects.filter(pk=ward.pk).update(zone=zone)
        ward_totals = {
            y: {"households": 0, "people": 0, "poor_households": 0, "near_poor_households": 0, "party_members": 0}
            for y in years
        }
        for name in _names(spec, kind):
            this_kind = Neighbourhood.Kind.STREET if name.startswith("Phố ") else kind
            if name == REAL_NEIGHBOURHOOD[0]:
                households, people = REAL_NEIGHBOURHOOD[1], REAL_NEIGHBOURHOOD[2]
            else:
                households = rng.randint(180, 520)
                people = round(households * rng.uniform(3.1, 3.9))
            hood, _ = Neighbourhood.objects.get_or_create(
                ward=ward, name=name, valid_to=None, defaults={"kind": this_kind, "valid_from": date(2025, 7, 1)}
            )
            PartyCell.objects.get_or_create(ward=ward, neighbourhood=hood, name=f"Chi bộ {name}")
            for year in years:
                figures = _profile_figures(rng, households, people, year)
                if name == REAL_NEIGHBOURHOOD[0] and year == FIRST_YEAR:
                    figures.update(households=households, people=people)
                profile, _ = Profile.objects.get_or_create(neighbourhood=hood, year=year, defaults=figures)
                for key in ward_totals[year]:
                    ward_totals[year][key] += getattr(profile, key)
        for agency in ("Chi bộ Cơ quan", "Chi bộ Quân sự", "Chi bộ Công an"):
            PartyCell.objects.get_or_create(ward=ward, neighbourhood=None, name=agency)
        for year, totals in ward_totals.items():
            if code != NO_WARD_PROFILE:
                Profile.objects.get_or_create(ward=ward, year=year, defaults=totals)
    _reform_example(wards["15271"])
    _accounts(city, wards)
    return city


def _reform_example(ward: Ward) -> None:
    """Xã Hà Trung took in the former township: its tổ dân phố became thôn on 01/07/2025."""
    for i in (1, 2, 3):
        old, created = Neighbourhood.objects.get_or_create(
            ward=ward,
            name=f"Tổ dân phố {i}",
            valid_to=date(2025, 7, 1),
            defaults={"kind": Neighbourhood.Kind.RESIDENTIAL_GROUP, "valid_from": date(2004, 1, 1)},
        )
        if created:
            Profile.objects.create(
                neighbourhood=old,
                year=2024,
                households=300 + 20 * i,
                people=1100 + 60 * i,
                poor_households=i,
                near_poor_households=2,
                party_members=40 + i,
            )
        new = Neighbourhood.objects.get(ward=ward, name=f"Thôn {i}", valid_to=None)
        old.successors.add(new)


def _accounts(city: City, wards: dict[str, Ward]) -> None:
    user_model = get_user_model()
    for username, full_name, role, ward_code in ACCOUNTS:
        first, _, last = full_name.rpartition(" ")
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": last,
                "last_name": first,
                "is_staff": role == Membership.Role.ADMIN,
                "is_superuser": role == Membership.Role.ADMIN,
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user,
            role=role,
            ward=wards[ward_code] if ward_code else None,
            city=city if role == Membership.Role.CITY_LEADER else None,
        )
