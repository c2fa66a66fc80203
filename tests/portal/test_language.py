from django.urls import reverse


def test_vietnamese_even_when_the_browser_asks_for_english(client, staff_a, ward_a):
    client.force_login(staff_a)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"


def test_the_switch_keeps_english_for_the_session(client, staff_a, ward_a):
    client.force_login(staff_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"


def test_years_are_not_written_with_a_thousands_separator(client, staff_a, ward_a, hood_a):
    client.force_login(staff_a)
    html = client.get(reverse("wards:ward-detail", args=[ward_a.code]) + "?year=2026").content.decode()
    assert "2026" in html
    assert "2.026" not in html and "2,026" not in html


def test_counts_use_vietnamese_grouping(client, city_leader, ward_a, hood_a):
    client.force_login(city_leader)
    html = client.get(reverse("wards:ward-detail", args=[ward_a.code]) + "?year=2026").content.decode()
    assert ">785<" in html.replace(" ", "")
    from wards.models import Profile

    Profile.objects.filter(neighbourhood=hood_a).update(people=12809)
    html = client.get(reverse("wards:ward-detail", args=[ward_a.code]) + "?year=2026").content.decode()
    assert "12.809" in html
