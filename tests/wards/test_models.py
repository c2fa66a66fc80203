import unicodedata
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory, ProfileFactory, WardFactory
from wards.models import Membership, Neighbourhood, Profile, Ward
from wards.services import unit_retire


def test_names_are_stored_in_nfc(city):
    ward = WardFactory(city=city, name=unicodedata.normalize("NFD", "Phường Đông Cương"))
    ward.refresh_from_db()
    assert ward.name == unicodedata.normalize("NFC", "Phường Đông Cương")
    assert ward.search_key == "phuong dong cuong"


def test_search_ignores_accents_on_this_database(city):
    WardFactory(city=city, name="Phường Đông Cương")
    WardFactory(city=city, name="Phường Đông Sơn")
    WardFactory(city=city, name="Xã Hoằng Lộc")
    assert [w.name for w in Ward.objects.search("dong cuong")] == ["Phường Đông Cương"]
    assert {w.name for w in Ward.objects.search("ĐÔNG")} == {"Phường Đông Cương", "Phường Đông Sơn"}
    assert Ward.objects.search("").count() == 3


def test_two_current_neighbourhoods_of_one_ward_cannot_share_a_name(ward_a):
    NeighbourhoodFactory(ward=ward_a, name="Thôn 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        NeighbourhoodFactory(ward=ward_a, name="thôn  1")


def test_an_ended_neighbourhood_frees_its_name(ward_a):
    old = NeighbourhoodFactory(ward=ward_a, name="Thôn 1", valid_to=date(2025, 7, 1))
    new = NeighbourhoodFactory(ward=ward_a, name="Thôn 1")
    assert old.pk != new.pk


def test_profile_figures_must_be_consistent(hood_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileFactory(neighbourhood=hood_a, year=2025, households=10, people=40, poor_households=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileFactory(neighbourhood=hood_a, year=2024, households=50, people=40, poor_households=0)


def test_a_profile_belongs_to_exactly_one_unit(ward_a, hood_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileFactory(ward=ward_a, neighbourhood=hood_a, year=2020)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileFactory(year=2020)


def test_one_profile_per_unit_and_year(hood_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileFactory(neighbourhood=hood_a, year=2026)


def test_poor_rate_is_a_share_of_households(hood_a):
    profile = Profile.objects.get(neighbourhood=hood_a, year=2026)
    assert profile.poor_rate == pytest.approx(100 * 2 / 234)


def test_ward_roles_need_a_ward(staff_a, city):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=staff_a, role=Membership.Role.WARD_STAFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=staff_a, role=Membership.Role.CITY_LEADER)


def test_retiring_a_unit_keeps_its_profiles_and_names_its_successor(ward_a, hood_a, staff_a):
    """The 2025 reform turned tổ dân phố into thôn: the old unit stays, with its history."""
    thon = NeighbourhoodFactory(ward=ward_a, name="Thôn Đình Hương", kind=Neighbourhood.Kind.VILLAGE)
    unit_retire(user=staff_a, unit=hood_a, on=date(2025, 7, 1), replaced_by=[thon], reason="NQ 1686/NQ-UBTVQH15")
    hood_a.refresh_from_db()
    assert hood_a.valid_to == date(2025, 7, 1)
    assert list(hood_a.successors.all()) == [thon]
    assert list(thon.predecessors.all()) == [hood_a]
    assert hood_a.profiles.count() == 1
    assert Neighbourhood.objects.current(date(2025, 6, 30)).filter(pk=hood_a.pk).exists()
    assert not Neighbourhood.objects.current(date(2025, 7, 1)).filter(pk=hood_a.pk).exists()
    entry = HistoryEntry.objects.for_object(hood_a).get()
    assert entry.action == "retire" and entry.reason == "NQ 1686/NQ-UBTVQH15"


def test_a_unit_cannot_be_retired_without_a_successor(hood_a, staff_a):
    with pytest.raises(ValueError):
        unit_retire(user=staff_a, unit=hood_a, on=date(2025, 7, 1), replaced_by=[])
