import pytest
from django.urls import reverse

from campaigns.results.models import Submission
from tests.reports.conftest import enter, grow


@pytest.mark.parametrize("size", [10, 200])
def test_city_dashboard_queries_stay_fixed(client, city_leader, city, months, size, django_assert_max_num_queries):
    grow(city, size, 2, months[11])
    client.force_login(city_leader)
    # The page reads the rollups (reports.selectors); the months and the wards' own criteria load after it.
    # 12 since issue 11 too: the programmes run in the city are read (the page shows one of them), and the
    # wards' own reports moved to the ward-level programme's tab.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:dashboard"), {"period": months[11].pk})
    assert response.status_code == 200
    assert response.context["ward_count"] == size
    assert response.context["totals"]["units"] == 2 * size
    assert response.context["totals"]["complete"] == size


def test_dashboard_figures_count_reported_results_only(client, city_leader, ward_a, hood_a, months):
    from tests.factories import NeighbourhoodFactory

    draft = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Nháp")
    enter(hood_a, months[11], met=True)
    enter(draft, months[11], met=True, status=Submission.Status.DRAFT)
    client.force_login(city_leader)
    response = client.get(reverse("reports:dashboard"), {"period": months[11].pk})
    page_rows = list(response.context["page"])
    row = next(r for r in page_rows if r["ward"] == ward_a)
    assert (row["units"], row["reported"], row["complete"], row["not_reported"], row["late"]) == (2, 1, 1, 1, 0)
    shares = {s["criterion"].number: (s["met"], s["assessed"]) for s in response.context["shares"]}
    assert shares == {"I": (1, 1), "II": (1, 1), "III": (1, 1)}


def test_ward_staff_get_their_own_ward_dashboard_only(client, staff_a, ward_a, ward_b, hood_a, hood_b, months):
    enter(hood_b, months[11], met=True)
    client.force_login(staff_a)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:ward-dashboard", args=[ward_a.code])
    assert client.get(reverse("reports:ward-dashboard", args=[ward_b.code])).status_code == 404
    html = client.get(reverse("reports:ward-dashboard", args=[ward_a.code])).content.decode()
    assert "Đông Cương" not in html


def test_criterion_drill_down_lists_only_visible_units(
    client, staff_a, city_leader, ward_a, hood_a, hood_b, months, criteria_set
):
    enter(hood_a, months[11], met=False)
    enter(hood_b, months[11], met=False)
    criterion = criteria_set.criteria.get(number="II")
    url = reverse("reports:criterion-units", args=[criterion.pk])
    client.force_login(city_leader)
    assert {o.submission.neighbourhood for o in client.get(url, {"period": months[11].pk}).context["page"]} == {
        hood_a,
        hood_b,
    }
    client.force_login(staff_a)
    assert {o.submission.neighbourhood for o in client.get(url, {"period": months[11].pk}).context["page"]} == {hood_a}


def test_every_chart_has_its_csv(client, city_leader, ward_a, hood_a, months):
    enter(hood_a, months[11], met=True)
    client.force_login(city_leader)
    for table in ("criteria", "trend", "wards"):
        response = client.get(reverse("reports:dashboard"), {"period": months[11].pk, "format": "csv", "table": table})
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
    wards_csv = client.get(
        reverse("reports:dashboard"), {"period": months[11].pk, "format": "csv", "table": "wards"}
    ).content.decode("utf-8-sig")
    assert "14797,Phường Hạc Thành,1,1,1,0,0,0,1,1,1,1,1" in wards_csv.replace("\r", "")


def test_dashboard_filters_narrow_but_never_widen(client, city_leader, staff_a, ward_a, ward_b, months):
    client.force_login(city_leader)
    response = client.get(reverse("reports:dashboard"), {"q": "dong quang"})
    assert [r["ward"].code for r in response.context["page"]] == ["16417"]
