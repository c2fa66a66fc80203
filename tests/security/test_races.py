"""Two people creating the same yearly profile at once (a class of finding 7).

Neither sees a profile when they open the form, so neither has a row to lock, and the second insert breaks
the one-profile-per-unit-and-year constraint. The race is played out exactly: the other person's profile is
committed after this person's save read the table (the read finds nothing) and before it inserts.
"""

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from tests.security.conftest import VIETNAMESE
from wards.models import Profile

CONFLICT = "Người khác đã lưu"  # the start of the conflict message of the profile form, in Vietnamese
MINE = {"households": "500", "people": "1.800", "poor_households": "3", "near_poor_households": "4"}


@pytest.fixture
def read_before_theirs(monkeypatch):
    """The save's locking read of the profile ran before the other person's insert committed: it finds nothing.

    Only the first such read; every later one (the re-read after the refused insert) sees the table as it is.
    """
    real = QuerySet.select_for_update
    missed = []

    def select_for_update(self, *args, **kwargs):
        locked = real(self, *args, **kwargs)
        if self.model is Profile and not missed:
            missed.append(True)
            return locked.filter(pk__in=[])
        return locked

    monkeypatch.setattr(QuerySet, "select_for_update", select_for_update)
    return missed


@pytest.mark.parametrize("unit", ["ward", "neighbourhood"])
def test_profile_created_twice_at_once_shows_the_conflict_not_a_server_error(
    hostile_world, client_as, read_before_theirs, unit
):
    w = hostile_world
    Profile.objects.filter(neighbourhood=w.hood_a, year=2026).delete()  # the year's profile is still to be made
    if unit == "ward":
        filters, url = {"ward": w.ward_a}, reverse("wards:ward-profile-edit", args=[w.ward_a.code, 2026])
    else:
        url = reverse("wards:neighbourhood-profile-edit", args=[w.hood_a.pk, 2026])
        filters = {"neighbourhood": w.hood_a}
    client = client_as("staff_a")
    assert client.get(url).context["profile"] is None  # both open an empty form
    Profile.objects.create(year=2026, households=410, people=1_500, **filters)  # theirs, committed first

    response = client.post(url, {**MINE, "party_members": "60", "version": ""})
    assert read_before_theirs, "the race was not played"
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT in html and VIETNAMESE.search(html)
    saved = Profile.objects.get(year=2026, **filters)
    assert (saved.households, saved.people) == (410, 1_500)  # theirs, kept and shown to compare
    assert response.context["conflict"] == saved

    # Saving again, now knowingly, keeps mine.
    response = client.post(url, {**MINE, "party_members": "60", "version": str(saved.version)})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.households, saved.people) == (500, 1_800)
