import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = [m for m in admin.site._registry if m._meta.app_label in {"portal", "wards", "campaigns"}]


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_admin_lists_and_searches_every_model(client, admin_user, world, model):
    client.force_login(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "dong"}).status_code == 200


def test_admin_search_ignores_accents(client, admin_user, world):
    client.force_login(admin_user)
    response = client.get(reverse("admin:wards_ward_changelist"), {"q": "dong quang"})
    assert [w.code for w in response.context["cl"].result_list] == ["16417"]


def test_ward_staff_cannot_open_the_admin(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
