"""The title pages: scope (right role, another ward's title or a forged id 404, read-only roles 403, anonymous to
the login page), bad input kept with its messages, a stale withdrawal, the unit pages' title history, and
queries that do not grow with the number of units. Clock pinned to 20/11/2026 (Hà Nội)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaigns.movement.models import Recognition
from tests.campaigns.movement import test_titles as base
from tests.factories import NeighbourhoodFactory

# The fixtures and helpers of test_titles, shared by name (pytest finds fixtures in the module's namespace).
_november_2026, programme, city_round, visits, titles, client_for = (
    base._november_2026,
    base.programme,
    base.city_round,
    base.visits,
    base.titles,
    base.client_for,
)
decide, withdraw, verify, messages_of, YEAR = base.decide, base.withdraw, base.verify, base.messages_of, base.YEAR
OK, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_ALLOWED = 200, 403, 404, 302, 405
LIST = "campaigns:title-list"


def list_url(programme, year=YEAR):
    return reverse(LIST, args=[programme.code, year])


def decide_url(programme, year=YEAR):
    return reverse("campaigns:title-decide", args=[programme.code, year])


def decision_post(visits, **changes):
    return {
        "units": [str(v.pk) for v in visits],
        "decision_number": "1234/QĐ-UBND",
        "decision_date": "15/12/2025",
        "signer_name": "Nguyễn Văn An",
        "signer_position": "Chủ tịch UBND tỉnh",
        **changes,
    }


def withdrawal_post(**changes):
    return {
        "withdrawal_number": "56/QĐ-UBND",
        "withdrawn_on": "20/03/2026",
        "signer_name": "Nguyễn Văn An",
        "signer_position": "Chủ tịch UBND tỉnh",
        "reason": "Để xảy ra vụ việc mất an ninh trật tự.",
        "status": "confirmed",
        **changes,
    }


# --- scope -------------------------------------------------------------------------------------------------------


def test_every_title_page_sends_anonymous_people_to_log_in(client_for, titles, programme):
    title = titles["14797"]
    urls = [
        reverse("campaigns:title-index"),
        list_url(programme),
        decide_url(programme),
        reverse("campaigns:title-detail", args=[title.pk]),
    ]
    for url in urls:
        response = client_for(None).get(url)
        assert response.status_code == REDIRECT and response["Location"].startswith(reverse("login")), url
    response = client_for(None).post(reverse("campaigns:title-withdraw", args=[title.pk]), withdrawal_post())
    assert response.status_code == REDIRECT and response["Location"].startswith(reverse("login"))
    assert Recognition.objects.get(pk=title.pk).status == "confirmed"


def test_the_titles_page_shows_each_user_their_scope(client_for, titles, programme, staff_a, staff_b, city_leader):
    def shown(user):
        response = client_for(user).get(list_url(programme))
        assert response.status_code == OK
        return sorted(t.ward.code for t in response.context["page"])

    assert shown(staff_a) == ["14797"]
    assert shown(staff_b) == ["16417"]
    assert shown(city_leader) == ["14797", "16417"]


def test_people_with_no_role_find_no_title_page(client_for, titles, programme, no_role_user):
    for url in (reverse("campaigns:title-index"), list_url(programme), decide_url(programme)):
        assert client_for(no_role_user).get(url).status_code == NOT_FOUND, url
    detail = reverse("campaigns:title-detail", args=[titles["14797"].pk])
    assert client_for(no_role_user).get(detail).status_code == NOT_FOUND


def test_an_unknown_programme_or_a_year_out_of_range_is_404(client_for, titles, programme, city_leader):
    client = client_for(city_leader)
    assert client.get(reverse(LIST, args=["khong-co", YEAR])).status_code == NOT_FOUND
    assert client.get(reverse(LIST, args=[programme.code, 1999])).status_code == NOT_FOUND
    assert client.get(reverse("campaigns:title-decide", args=[programme.code, 2101])).status_code == NOT_FOUND


def test_the_titles_page_filters_by_state_and_ward(client_for, titles, programme, city_leader):
    withdraw(city_leader, titles["16417"])
    client = client_for(city_leader)
    response = client.get(list_url(programme), {"state": "withdrawn"})
    assert [t.ward.code for t in response.context["page"]] == ["16417"]
    assert response.context["counts"] == {"all": 2, "valid": 0, "expiring": 1, "expired": 0, "withdrawn": 1}
    response = client.get(list_url(programme), {"ward": "14797"})
    assert [t.state for t in response.context["page"]] == ["expiring"]


def test_the_index_lists_programmes_and_years_and_offers_the_decision_to_leaders(
    client_for, titles, programme, staff_a, city_leader
):
    response = client_for(staff_a).get(reverse("campaigns:title-index"))
    assert [(r["programme"].code, r["year"], r["all"]) for r in response.context["rows"]] == [(programme.code, YEAR, 1)]
    assert decide_url(programme) not in response.content.decode()
    response = client_for(city_leader).get(reverse("campaigns:title-index"))
    assert response.context["rows"][0]["all"] == 2 and decide_url(programme) in response.content.decode()


def test_ward_people_may_not_open_or_post_the_decision(client_for, visits, programme, staff_a, leader_a, staff_b):
    for user in (staff_a, leader_a, staff_b):
        client = client_for(user)
        assert client.get(decide_url(programme)).status_code == FORBIDDEN
        assert client.post(decide_url(programme), decision_post(visits.values())).status_code == FORBIDDEN
    assert not Recognition.objects.exists()


def test_a_title_of_another_ward_or_a_forged_id_is_404(client_for, titles, staff_b, city_leader):
    title = titles["14797"]
    client = client_for(staff_b)
    assert client.get(reverse("campaigns:title-detail", args=[title.pk])).status_code == NOT_FOUND
    assert client.post(reverse("campaigns:title-withdraw", args=[title.pk]), withdrawal_post()).status_code == 404
    forged = client_for(city_leader).get(reverse("campaigns:title-detail", args=[title.pk + 999]))
    assert forged.status_code == NOT_FOUND
    proposal = Recognition.objects.create(ward=title.ward, year=YEAR, title="Giấy khen")  # not a title yet
    assert client_for(city_leader).get(reverse("campaigns:title-detail", args=[proposal.pk])).status_code == 404


def test_the_wards_people_read_their_title_but_may_not_withdraw_it(client_for, titles, staff_a, leader_a):
    title = titles["14797"]
    for user in (staff_a, leader_a):
        client = client_for(user)
        response = client.get(reverse("campaigns:title-detail", args=[title.pk]))
        assert response.status_code == OK and response.context["form"] is None
        posted = client.post(reverse("campaigns:title-withdraw", args=[title.pk]), withdrawal_post())
        assert posted.status_code == FORBIDDEN
    assert Recognition.objects.get(pk=title.pk).status == "confirmed"


def test_withdraw_is_a_post(client_for, titles, city_leader):
    response = client_for(city_leader).get(reverse("campaigns:title-withdraw", args=[titles["14797"].pk]))
    assert response.status_code == NOT_ALLOWED


# --- deciding and withdrawing through the pages ------------------------------------------------------------------


def test_the_leader_decides_through_the_page(client_for, visits, programme, city_leader):
    client = client_for(city_leader)
    page = client.get(decide_url(programme))
    assert page.status_code == OK and len(page.context["rows"]) == 2
    response = client.post(decide_url(programme), decision_post(visits.values()))
    assert response.status_code == REDIRECT and response["Location"] == list_url(programme)
    decided = Recognition.objects.get(neighbourhood=visits["a"].neighbourhood)
    assert decided.signer == "Nguyễn Văn An, Chủ tịch UBND tỉnh" and decided.decision_date == date(2025, 12, 15)
    page = client.get(decide_url(programme))
    assert all(r["decided"] for r in page.context["rows"]) and 'name="units"' not in page.content.decode()


def test_a_bad_decision_keeps_what_was_typed_and_says_what_is_wrong(client_for, visits, programme, city_leader):
    client = client_for(city_leader)
    posted = decision_post([visits["a"]], decision_number="", decision_date="31/02/2025", signer_name="Lê Văn Bình")
    response = client.post(decide_url(programme), posted)
    assert response.status_code == OK and not Recognition.objects.exists()
    form = response.context["form"]
    with translation.override("en"):
        assert "decision_number" in form.errors and "Enter the date as dd/mm/yyyy" in str(form.errors["decision_date"])
    html = response.content.decode()
    assert 'value="Lê Văn Bình"' in html and 'value="31/02/2025"' in html
    assert response.context["ticked"] == {str(visits["a"].pk)}
    assert "Nothing was saved" in " ".join(messages_of(response))


def test_a_decision_made_meanwhile_is_reported_not_doubled(client_for, visits, programme, city, city_leader):
    client = client_for(city_leader)
    client.get(decide_url(programme))
    decide(city_leader, programme, city, [visits["a"]])  # another leader, in between
    response = client.post(decide_url(programme), decision_post(visits.values(), decision_number="9/QĐ-UBND"))
    assert response.status_code == OK
    with translation.override("en"):
        assert "no longer among the units the city verified" in str(response.context["form"].errors["units"])
    assert Recognition.objects.filter(decision_number="9/QĐ-UBND").count() == 0


def test_the_leader_withdraws_through_the_page(client_for, titles, city_leader):
    title = titles["14797"]
    url = reverse("campaigns:title-withdraw", args=[title.pk])
    response = client_for(city_leader).post(url, withdrawal_post())
    assert response.status_code == REDIRECT
    title.refresh_from_db()
    assert title.status == "withdrawn" and title.withdrawal_signer == "Nguyễn Văn An, Chủ tịch UBND tỉnh"
    page = client_for(city_leader).get(reverse("campaigns:title-detail", args=[title.pk]))
    html = page.content.decode()
    assert "1234/QĐ-UBND" in html and "56/QĐ-UBND" in html and "Để xảy ra vụ việc" in html
    assert page.context["form"] is None


def test_a_bad_withdrawal_keeps_what_was_typed(client_for, titles, city_leader):
    url = reverse("campaigns:title-withdraw", args=[titles["14797"].pk])
    response = client_for(city_leader).post(url, withdrawal_post(reason="", signer_name="Lê Văn Bình"))
    assert response.status_code == OK and "reason" in response.context["form"].errors
    html = response.content.decode()
    assert 'value="56/QĐ-UBND"' in html and 'value="Lê Văn Bình"' in html
    response = client_for(city_leader).post(url, withdrawal_post(withdrawn_on="01/01/2025"))
    with translation.override("en"):
        assert "before the decision that awarded the title" in str(response.context["form"].errors["withdrawn_on"])
    assert "Để xảy ra vụ việc" in response.content.decode()
    assert Recognition.objects.get(pk=titles["14797"].pk).status == "confirmed"


def test_a_title_withdrawn_meanwhile_is_not_withdrawn_twice(client_for, titles, city_leader, admin_user):
    title = titles["14797"]
    url = reverse("campaigns:title-withdraw", args=[title.pk])
    assert client_for(city_leader).post(url, withdrawal_post()).status_code == REDIRECT
    response = client_for(admin_user).post(url, withdrawal_post(withdrawal_number="99/QĐ-UBND"), follow=True)
    assert "already withdrawn by decision 56/QĐ-UBND of 20/03/2026" in " ".join(messages_of(response))
    assert Recognition.objects.get(pk=title.pk).withdrawal_number == "56/QĐ-UBND"


# --- the unit pages -----------------------------------------------------------------------------------------------


def test_the_unit_pages_show_every_title_with_its_withdrawal(client_for, titles, city_leader, staff_a, hood_a):
    withdraw(city_leader, titles["14797"])
    Recognition.objects.create(
        ward=hood_a.ward,
        neighbourhood=hood_a,
        year=2020,
        title="Thôn, tổ dân phố kiểu mẫu",
        status="confirmed",
        decision_number="48/QĐ-UBND",
        decision_date=date(2020, 12, 30),
    )
    Recognition.objects.create(ward=hood_a.ward, neighbourhood=hood_a, year=2026, title="Đề nghị")  # a proposal
    for url in (reverse("wards:neighbourhood-detail", args=[hood_a.pk]), reverse("wards:ward-detail", args=["14797"])):
        response = client_for(staff_a).get(url)
        rows = response.context["titles"]
        assert [(t.year, t.state) for t in rows] == [(2025, "withdrawn"), (2020, "valid")], url
        html = response.content.decode()
        assert "56/QĐ-UBND" in html and "Để xảy ra vụ việc mất an ninh trật tự." in html and "48/QĐ-UBND" in html


def _grow(programme, city_round, ward, n):
    for i in range(n):
        hood = NeighbourhoodFactory(ward=ward, name=f"Phố mới {i}")
        verify(city_round, hood)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as counted:
        fn()
    return len(counted)


def test_the_pages_queries_do_not_grow_with_the_units(
    client_for, titles, programme, city, city_round, ward_a, hood_a, city_leader, django_assert_max_num_queries
):
    client = client_for(city_leader)
    ward_page = reverse("wards:ward-detail", args=["14797"])
    hood_page = reverse("wards:neighbourhood-detail", args=[hood_a.pk])
    pages = [reverse("campaigns:title-index"), list_url(programme), decide_url(programme), ward_page, hood_page]
    for url in pages:
        client.get(url)  # warm the caches (content types, sessions)
    small = {url: _count(lambda url=url: client.get(url)) for url in pages}
    _grow(programme, city_round, ward_a, 12)
    from campaigns.movement.services import titles as title_services

    open_ids = [r["visit"].pk for r in title_services.decision_rows(programme=programme, year=YEAR, wards=[ward_a])]
    decide(city_leader, programme, city, [v for v in city_round.visits.filter(pk__in=open_ids, recognitions=None)])
    assert Recognition.objects.filter(programme=programme).count() == 14
    for url in pages:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == OK
