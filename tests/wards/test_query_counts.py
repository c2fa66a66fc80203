"""The number of queries of a page does not grow with the number of units."""

import pytest
from django.urls import reverse

from tests.factories import NeighbourhoodFactory, PartyCellFactory, ProfileFactory, WardFactory
from wards.models import Ward


def _grow(city, wards: int, hoods_per_ward: int = 2):
    for _ in range(wards):
        ward = WardFactory(city=city, kind=Ward.Kind.COMMUNE)
        ProfileFactory(ward=ward, year=2026, households=1000, people=3500)
        for _ in range(hoods_per_ward):
            hood = NeighbourhoodFactory(ward=ward)
            ProfileFactory(neighbourhood=hood)
            PartyCellFactory(ward=ward, neighbourhood=hood)


@pytest.mark.parametrize("size", [10, 200])
def test_city_page_queries_are_fixed(client, city_leader, city, size, django_assert_max_num_queries):
    _grow(city, size)
    client.force_login(city_leader)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("wards:city-detail", args=[city.code]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [10, 200])
def test_home_queries_are_fixed(client, city_leader, staff_a, city, size, django_assert_max_num_queries):
    _grow(city, size)
    for user in (city_leader, staff_a):
        client.force_login(user)
        # to-do lists, navbar badge, the year's periods on first visit and their rollups (one INSERT … SELECT
        # per programme, after one query for the programmes counted)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_ward_page_queries_are_fixed(client, staff_a, ward_a, size, django_assert_max_num_queries):
    for _ in range(size):
        hood = NeighbourhoodFactory(ward=ward_a)
        ProfileFactory(neighbourhood=hood)
        PartyCellFactory(ward=ward_a, neighbourhood=hood)
    client.force_login(staff_a)
    client.get(reverse("home"))  # the month's periods are created on the first visit of a year
    with django_assert_max_num_queries(18):
        response = client.get(reverse("wards:ward-detail", args=[ward_a.code]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [10, 200])
def test_search_and_city_list_queries_are_fixed(client, admin_user, city, size, django_assert_max_num_queries):
    _grow(city, size, hoods_per_ward=1)
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("wards:search") + "?q=to+dan+pho").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("wards:city-list")).status_code == 200
