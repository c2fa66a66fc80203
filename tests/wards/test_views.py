import time_machine
from django.urls import reverse

from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory
from wards.models import Profile


def _profile_url(hood, year=2026):
    return reverse("wards:neighbourhood-profile-edit", args=[hood.pk, year])


FIGURES = {
    "households": "240",
    "people": "1.802",
    "poor_households": "2",
    "near_poor_households": "3",
    "party_members": "31",
}


def test_staff_update_a_profile_with_vietnamese_numbers_and_history(client, staff_a, hood_a):
    profile = Profile.objects.get(neighbourhood=hood_a, year=2026)
    client.force_login(staff_a)
    response = client.post(_profile_url(hood_a), {**FIGURES, "version": profile.version})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.households, profile.people, profile.version) == (240, 1802, 2)
    entry = HistoryEntry.objects.for_object(profile).get()
    assert entry.user == staff_a
    assert entry.changes == {"households": [234, 240], "people": [785, 1802]}
    page = client.get(reverse("wards:neighbourhood-detail", args=[hood_a.pk]))
    assert "1.802" in page.content.decode()


def test_staff_create_a_profile_for_a_new_year(client, staff_a, hood_a):
    client.force_login(staff_a)
    response = client.post(_profile_url(hood_a, 2027), {**FIGURES, "version": ""})
    assert response.status_code == 302
    assert Profile.objects.get(neighbourhood=hood_a, year=2027).people == 1802


def test_bad_figures_keep_what_was_typed_and_explain(client, staff_a, hood_a):
    client.force_login(staff_a)
    profile = Profile.objects.get(neighbourhood=hood_a, year=2026)
    response = client.post(
        _profile_url(hood_a),
        {**FIGURES, "households": "900", "people": "800", "poor_households": "abc", "version": profile.version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="900"' in html and 'value="abc"' in html
    assert response.context["form"].errors.keys() >= {"households", "poor_households"}
    profile.refresh_from_db()
    assert profile.households == 234


def test_a_second_save_of_the_same_profile_is_told_of_the_conflict(client, staff_a, hood_a, admin_user):
    profile = Profile.objects.get(neighbourhood=hood_a, year=2026)
    opened_version = profile.version
    # Someone else saves first.
    client.force_login(admin_user)
    client.post(_profile_url(hood_a), {**FIGURES, "households": "250", "version": opened_version})
    # The first person saves what they typed on the stale form.
    client.force_login(staff_a)
    response = client.post(_profile_url(hood_a), {**FIGURES, "households": "260", "version": opened_version})
    assert response.status_code == 200
    assert response.context["conflict"].households == 250
    assert 'value="260"' in response.content.decode()
    profile.refresh_from_db()
    assert profile.households == 250
    # Saving again, now knowingly, keeps theirs.
    again = client.post(
        _profile_url(hood_a), {**FIGURES, "households": "260", "version": response.context["form"].data["version"]}
    )
    assert again.status_code == 302
    profile.refresh_from_db()
    assert profile.households == 260


@time_machine.travel("2026-11-22 09:00 +07:00", tick=False)  # the factories' profiles are for 2026
def test_home_shows_own_ward_and_what_it_owes(client, staff_a, ward_a, ward_b, hood_a, hood_b):
    NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Mới")  # no profile yet
    client.force_login(staff_a)
    html = client.get(reverse("home")).content.decode()
    assert "Phường Hạc Thành" in html and 'data-ward="14797"' in html
    assert "Phường Đông Quang" not in html
    assert response_wards(client) == {"14797": 1}


def response_wards(client):
    response = client.get(reverse("home"))
    return {w.code: w.missing_profiles for w in response.context["wards"]}


def test_staff_see_only_their_ward_in_lists_filters_and_search(client, staff_a, ward_a, ward_b, hood_a, hood_b):
    client.force_login(staff_a)
    city = client.get(reverse("wards:city-detail", args=[ward_a.city.code]) + "?q=dong")
    assert [w.code for w in city.context["page"]] == []
    city = client.get(reverse("wards:city-detail", args=[ward_a.city.code]))
    assert [w.code for w in city.context["page"]] == ["14797"]
    assert "Đông Quang" not in city.content.decode()
    found = client.get(reverse("wards:search") + "?q=dong")
    html = found.content.decode()
    assert "Đông Cương" not in html and "Đông Quang" not in html
    found = client.get(reverse("wards:search") + "?q=dinh huong")
    assert "Tổ dân phố Đình Hương 1" in found.content.decode()


def test_city_leader_finds_any_ward_without_accents(client, city_leader, ward_a, ward_b, hood_b):
    client.force_login(city_leader)
    found = client.get(reverse("wards:search") + "?q=DONG CUONG")
    assert [n.name for n in found.context["neighbourhoods"]] == ["Tổ dân phố Đông Cương 3"]
    listing = client.get(reverse("wards:city-detail", args=[ward_a.city.code]) + "?q=dong+quang")
    assert [w.code for w in listing.context["page"]] == ["16417"]


@time_machine.travel("2026-11-22 09:00 +07:00", tick=False)  # the page shows this year's profiles (2026)
def test_ward_page_filters_neighbourhoods_by_kind_and_name(client, staff_a, ward_a, hood_a):
    NeighbourhoodFactory(ward=ward_a, name="Thôn Trung", kind="thon")
    client.force_login(staff_a)
    page = client.get(reverse("wards:ward-detail", args=[ward_a.code]) + "?kind=thon")
    assert [n.name for n in page.context["page"]] == ["Thôn Trung"]
    page = client.get(reverse("wards:ward-detail", args=[ward_a.code]) + "?q=dinh")
    assert [n.name for n in page.context["page"]] == ["Tổ dân phố Đình Hương 1"]
    assert page.context["page"][0].households == 234


def test_dates_are_written_day_month_year(client, staff_a, ward_a, hood_a):
    from datetime import date

    from wards.services import unit_retire

    new = NeighbourhoodFactory(ward=ward_a, name="Thôn Đình Hương")
    unit_retire(user=staff_a, unit=hood_a, on=date(2025, 7, 1), replaced_by=[new])
    client.force_login(staff_a)
    html = client.get(reverse("wards:neighbourhood-detail", args=[hood_a.pk])).content.decode()
    assert "01/07/2025" in html
    assert "Thôn Đình Hương" in html


def test_ward_page_filters_neighbourhoods_by_status(client, staff_a, ward_a, hood_a):
    from datetime import date

    ended = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Cũ", valid_to=date(2025, 7, 1))
    client.force_login(staff_a)
    url = reverse("wards:ward-detail", args=[ward_a.code])
    assert [n.pk for n in client.get(url + "?status=current").context["page"]] == [hood_a.pk]
    assert [n.pk for n in client.get(url + "?status=ended").context["page"]] == [ended.pk]
    html = client.get(url).content.decode()
    assert 'value="current"' in html and 'value="ended"' in html


def test_unit_pages_show_each_party_cells_latest_rating(client, staff_a, ward_a, hood_a, cell_a):
    from decimal import Decimal

    from campaigns.movement.models import PartyCellRating

    PartyCellRating.objects.create(party_cell=cell_a, year=2024, scale="levels", level="good", members=30)
    PartyCellRating.objects.create(
        party_cell=cell_a, year=2025, scale="points", score=Decimal("91.5"), level="excellent", members=31
    )
    client.force_login(staff_a)
    client.cookies["django_language"] = "en"
    html = " ".join(client.get(reverse("wards:ward-detail", args=[ward_a.code])).content.decode().split())
    assert "2025: Excellently fulfilled (91.50)" in html
    html = " ".join(client.get(reverse("wards:neighbourhood-detail", args=[hood_a.pk])).content.decode().split())
    assert "2025: Excellently fulfilled" in html
