"""Every page × every role → the status a user of that role must get.

Inside scope 200, visible but not theirs to change 403, outside scope 404,
anonymous a redirect to the login page.
"""

import pytest
from django.urls import reverse

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

# page name → how to build its URL from the world, then the expected status per role.
READ_A = {"staff_a": OK, "leader_a": OK, "staff_b": NOT_FOUND, "city_leader": OK, "admin": OK, "no_role": NOT_FOUND}
EDIT_A = {
    "staff_a": OK,
    "leader_a": FORBIDDEN,
    "staff_b": NOT_FOUND,
    "city_leader": FORBIDDEN,
    "admin": OK,
    "no_role": NOT_FOUND,
}
EVERYONE = {"staff_a": OK, "leader_a": OK, "staff_b": OK, "city_leader": OK, "admin": OK, "no_role": OK}

PAGES = [
    ("home", lambda w: reverse("home"), EVERYONE),
    ("city-list", lambda w: reverse("wards:city-list"), EVERYONE),
    ("search", lambda w: reverse("wards:search") + "?q=dinh+huong", EVERYONE),
    (
        "city-detail",
        lambda w: reverse("wards:city-detail", args=[w["ward_a"].city.code]),
        {**EVERYONE, "no_role": NOT_FOUND},
    ),
    ("ward-detail", lambda w: reverse("wards:ward-detail", args=[w["ward_a"].code]), READ_A),
    ("neighbourhood-detail", lambda w: reverse("wards:neighbourhood-detail", args=[w["hood_a"].pk]), READ_A),
    ("ward-profile-edit", lambda w: reverse("wards:ward-profile-edit", args=[w["ward_a"].code, 2026]), EDIT_A),
    (
        "neighbourhood-profile-edit",
        lambda w: reverse("wards:neighbourhood-profile-edit", args=[w["hood_a"].pk, 2026]),
        EDIT_A,
    ),
    ("neighbourhood-import", lambda w: reverse("wards:neighbourhood-import", args=[w["ward_a"].code]), EDIT_A),
]
ROLES = ["staff_a", "leader_a", "staff_b", "city_leader", "admin", "no_role"]


@pytest.fixture
def actors(world, no_role_user):
    return {**world, "no_role": no_role_user}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_answers_each_role_by_its_scope(client, actors, page, url, expected, role):
    client.force_login(actors[role])
    response = client.get(url(actors))
    assert response.status_code == expected[role], f"{page} as {role}"


@pytest.mark.parametrize(("page", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(client, world, page, url, expected):
    target = url(world)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


POSTS = [
    ("ward-profile-edit", lambda w: reverse("wards:ward-profile-edit", args=[w["ward_a"].code, 2026])),
    ("neighbourhood-profile-edit", lambda w: reverse("wards:neighbourhood-profile-edit", args=[w["hood_a"].pk, 2026])),
]
PROFILE = {
    "households": "500",
    "people": "1.800",
    "poor_households": "3",
    "near_poor_households": "4",
    "party_members": "60",
    "version": "",
}


@pytest.mark.parametrize(("page", "url"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff_b", NOT_FOUND), ("leader_a", FORBIDDEN), ("city_leader", FORBIDDEN), ("no_role", NOT_FOUND)],
)
def test_forbidden_posts_change_nothing(client, actors, page, url, role, expected):
    from wards.models import Profile

    before = list(Profile.objects.values_list("pk", "households", "version"))
    client.force_login(actors[role])
    response = client.post(url(actors), PROFILE)
    assert response.status_code == expected
    assert list(Profile.objects.values_list("pk", "households", "version")) == before
