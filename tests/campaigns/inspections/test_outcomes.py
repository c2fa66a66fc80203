"""The way to a title, hand-worked: who is registered, what each level concluded, who is a candidate."""

from datetime import date

import pytest

from campaigns.movement.inspections.outcomes import unit_outcomes, verified_candidates
from tests.factories import (
    InspectionRoundFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    RegistrationFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

MEETS, CONDITIONS, NOT_MET, PENDING = "meets", "conditions", "not_met", "pending"


def _city_round(programme, city, *, ends, name="Phúc tra"):
    return InspectionRoundFactory(
        programme=programme, level="city", ward=None, city=city, name=name, starts_on=ends, ends_on=ends
    )


def _visit(round_, hood, conclusion, conditions=""):
    return VisitFactory(round=round_, neighbourhood=hood, ward=hood.ward, conclusion=conclusion, conditions=conditions)


@pytest.fixture
def path(ward_a, ward_b, hood_a, hood_b):
    """Ward A: hood_a, h2, h3, h4, h5; ward B: hood_b. Year 2026.

    - hood_a: registered; ward meets; city meets (first round) then conditions (a later round) → candidate
      from the later round.
    - h2: registered; ward meets; city not met → not a candidate.
    - h3: registered; ward meets; not verified by the city → not a candidate (a ward's inspection alone).
    - h4: registration withdrawn; ward not met → not registered, no candidate.
    - h5: registered for 2025 only (another year) → not registered in 2026; city meets in 2025's round.
    - hood_b: ward B, registered; city meets → candidate only when ward B is asked for.
    """
    programme = ProgrammeFactory(code="pho-thon-kieu-mau")
    h2, h3, h4, h5 = (NeighbourhoodFactory(ward=ward_a, name=f"Tổ {n}") for n in (2, 3, 4, 5))
    for hood in (hood_a, h2, h3, hood_b):
        RegistrationFactory(programme=programme, neighbourhood=hood, ward=hood.ward, first_year=2026)
    RegistrationFactory(programme=programme, neighbourhood=h4, ward=ward_a, first_year=2026, status="withdrawn")
    RegistrationFactory(programme=programme, neighbourhood=h5, ward=ward_a, first_year=2025)
    ward_round = InspectionRoundFactory(programme=programme, ward=ward_a, city=ward_a.city, year=2026)
    for hood in (hood_a, h2, h3):
        _visit(ward_round, hood, MEETS)
    _visit(ward_round, h4, NOT_MET)
    ward_round_b = InspectionRoundFactory(programme=programme, ward=ward_b, city=ward_b.city, year=2026)
    _visit(ward_round_b, hood_b, MEETS)
    first = _city_round(programme, ward_a.city, ends=date(2026, 11, 10), name="Phúc tra 1")
    later = _city_round(programme, ward_a.city, ends=date(2026, 11, 20), name="Phúc tra 2")
    pending = _city_round(programme, ward_a.city, ends=date(2026, 12, 20), name="Phúc tra 3")
    old = _city_round(programme, ward_a.city, ends=date(2025, 11, 20), name="Phúc tra 2025")
    old.year = 2025
    old.save()
    _visit(first, hood_a, MEETS)
    kept = _visit(later, hood_a, CONDITIONS, conditions="Hoàn thiện hồ sơ")
    _visit(pending, hood_a, PENDING)  # a re-visit in progress does not hide the verdict given
    _visit(first, h2, NOT_MET)
    _visit(old, h5, MEETS)
    visit_b = _visit(first, hood_b, MEETS)
    return {"programme": programme, "h2": h2, "h3": h3, "h4": h4, "h5": h5, "kept": kept, "visit_b": visit_b}


def test_candidates_are_the_latest_passing_city_verification(path, ward_a, ward_b, django_assert_num_queries):
    with django_assert_num_queries(1):
        visits = verified_candidates(programme=path["programme"], year=2026, wards=[ward_a])
        assert [v.pk for v in visits] == [path["kept"].pk]
        assert visits[0].round.name == "Phúc tra 2" and visits[0].neighbourhood.name == "Tổ dân phố Đình Hương 1"
        assert visits[0].ward == ward_a
    both = verified_candidates(programme=path["programme"], year=2026, wards=[ward_a, ward_b])
    assert {v.pk for v in both} == {path["kept"].pk, path["visit_b"].pk}
    assert [v.ward for v in both] == [ward_b, ward_a]  # by ward name: Đông Quang before Hạc Thành


def test_a_later_failing_verification_removes_the_candidate(path, ward_a, hood_a):
    later = _city_round(path["programme"], ward_a.city, ends=date(2026, 12, 1), name="Phúc tra lại")
    _visit(later, hood_a, NOT_MET)
    assert verified_candidates(programme=path["programme"], year=2026, wards=[ward_a]) == []


def test_same_end_day_the_later_round_wins(path, ward_a, hood_a):
    same_day = _city_round(path["programme"], ward_a.city, ends=date(2026, 11, 20), name="Phúc tra cùng ngày")
    _visit(same_day, hood_a, NOT_MET)
    assert verified_candidates(programme=path["programme"], year=2026, wards=[ward_a]) == []


def test_unit_outcomes(path, ward_a, hood_a, django_assert_num_queries):
    with django_assert_num_queries(4):
        out = unit_outcomes(programme=path["programme"], year=2026, wards=[ward_a])
    a = ward_a.pk
    assert out == {
        (a, hood_a.pk): {
            "registered": True,
            "ward_conclusion": MEETS,
            "city_conclusion": CONDITIONS,
            "city_visit_id": path["kept"].pk,
        },
        (a, path["h2"].pk): {
            "registered": True,
            "ward_conclusion": MEETS,
            "city_conclusion": NOT_MET,
            "city_visit_id": path["h2"].inspection_visits.get(round__level="city").pk,
        },
        (a, path["h3"].pk): {
            "registered": True,
            "ward_conclusion": MEETS,
            "city_conclusion": None,
            "city_visit_id": None,
        },
        (a, path["h4"].pk): {
            "registered": False,
            "ward_conclusion": NOT_MET,
            "city_conclusion": None,
            "city_visit_id": None,
        },
        (a, path["h5"].pk): {
            "registered": False,
            "ward_conclusion": None,
            "city_conclusion": None,
            "city_visit_id": None,
        },
    }


def test_pending_alone_is_reported_pending(path, ward_a):
    hood = NeighbourhoodFactory(ward=ward_a, name="Tổ 6")
    round_ = _city_round(path["programme"], ward_a.city, ends=date(2026, 11, 25), name="Phúc tra 4")
    visit = _visit(round_, hood, PENDING)
    out = unit_outcomes(programme=path["programme"], year=2026, wards=[ward_a])
    assert out[(ward_a.pk, hood.pk)]["city_conclusion"] == PENDING
    assert out[(ward_a.pk, hood.pk)]["city_visit_id"] == visit.pk


def test_units_not_existing_in_the_year_are_left_out(path, ward_a):
    gone = NeighbourhoodFactory(ward=ward_a, name="Tổ đã sáp nhập", valid_to=date(2025, 6, 1))
    later = NeighbourhoodFactory(ward=ward_a, name="Tổ mới", valid_from=date(2027, 1, 1))
    out = unit_outcomes(programme=path["programme"], year=2026, wards=[ward_a])
    assert (ward_a.pk, gone.pk) not in out and (ward_a.pk, later.pk) not in out


def test_ward_level_programme(ward_a, ward_b, hood_a, django_assert_num_queries):
    """A ward programme's units are the wards; visits to neighbourhoods do not count for it."""
    programme = ProgrammeFactory(code="phuong-kieu-mau", level="ward")
    RegistrationFactory(programme=programme, neighbourhood=None, ward=ward_a, first_year=2025, last_year=2027)
    city_round = _city_round(programme, ward_a.city, ends=date(2026, 11, 30))
    visit = VisitFactory(round=city_round, neighbourhood=None, ward=ward_a, conclusion=MEETS)
    _visit(city_round, hood_a, MEETS)
    with django_assert_num_queries(1):
        assert verified_candidates(programme=programme, year=2026, wards=[ward_a, ward_b]) == [visit]
    out = unit_outcomes(programme=programme, year=2026, wards=[ward_a.pk, ward_b.pk])
    assert out == {
        (ward_a.pk, None): {
            "registered": True,
            "ward_conclusion": None,
            "city_conclusion": MEETS,
            "city_visit_id": visit.pk,
        },
        (ward_b.pk, None): {
            "registered": False,
            "ward_conclusion": None,
            "city_conclusion": None,
            "city_visit_id": None,
        },
    }


def test_queries_do_not_grow(ward_a, django_assert_num_queries):
    from wards.models import Ward

    programme = ProgrammeFactory(code="p")
    city_round = _city_round(programme, ward_a.city, ends=date(2026, 11, 30))
    for _ in range(12):
        hood = NeighbourhoodFactory(ward=ward_a)
        RegistrationFactory(programme=programme, neighbourhood=hood, ward=ward_a)
        _visit(city_round, hood, MEETS)
    with django_assert_num_queries(4):
        out = unit_outcomes(programme=programme, year=2026, wards=Ward.objects.filter(pk=ward_a.pk))
    assert len(out) == 12 and all(v["registered"] and v["city_conclusion"] == MEETS for v in out.values())
    with django_assert_num_queries(1):
        visits = verified_candidates(programme=programme, year=2026, wards=Ward.objects.all())
        assert len({v.neighbourhood.name for v in visits}) == 12
