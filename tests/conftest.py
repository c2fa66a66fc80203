"""One cast of actors for every test: two real wards of Thanh Hóa and the people of each role."""

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import (
    CityFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    PartyCellFactory,
    ProfileFactory,
    UserFactory,
    WardFactory,
)
from wards.models import Membership, Ward

Role = Membership.Role

# Property tests judge behaviour, never speed: on a busy 2-core CI machine one slow draw (a garbage
# collection, a first import) must not fail a run. Speed is measured by `make bench`.
hypothesis_settings.register_profile(
    "portal", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
)
hypothesis_settings.load_profile("portal")


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process in tests, except in the one test that starts a real worker."""
    from portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def city(db):
    return CityFactory()


@pytest.fixture
def ward_a(city):
    return WardFactory(city=city, code="14797", name="Phường Hạc Thành", kind=Ward.Kind.WARD)


@pytest.fixture
def ward_b(city):
    return WardFactory(city=city, code="16417", name="Phường Đông Quang", kind=Ward.Kind.WARD)


@pytest.fixture
def hood_a(ward_a):
    hood = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 1")
    ProfileFactory(neighbourhood=hood, year=2026, households=234, people=785)
    return hood


@pytest.fixture
def hood_b(ward_b):
    hood = NeighbourhoodFactory(ward=ward_b, name="Tổ dân phố Đông Cương 3")
    ProfileFactory(neighbourhood=hood, year=2026, households=310, people=1002)
    return hood


@pytest.fixture
def cell_a(ward_a, hood_a):
    return PartyCellFactory(ward=ward_a, neighbourhood=hood_a, name="Chi bộ Đình Hương 1")


@pytest.fixture
def cell_b(ward_b, hood_b):
    return PartyCellFactory(ward=ward_b, neighbourhood=hood_b, name="Chi bộ Đông Cương 3")


def _member(username, role, *, ward=None, city=None, first_name=""):
    user = UserFactory(username=username, first_name=first_name)
    MembershipFactory(user=user, role=role, ward=ward, city=city)
    return user


@pytest.fixture
def staff_a(ward_a):
    return _member("canbo1", Role.WARD_STAFF, ward=ward_a, first_name="Hoa")


@pytest.fixture
def leader_a(ward_a):
    return _member("phuong1", Role.WARD_LEADER, ward=ward_a, first_name="Hùng")


@pytest.fixture
def staff_b(ward_b):
    return _member("canbo2", Role.WARD_STAFF, ward=ward_b, first_name="Minh")


@pytest.fixture
def city_leader(city):
    return _member("lanhdao", Role.CITY_LEADER, city=city, first_name="Thành")


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="khach")


@pytest.fixture
def world(ward_a, ward_b, hood_a, hood_b, cell_a, cell_b, staff_a, leader_a, staff_b, city_leader, admin_user):
    """Everything above at once, for matrices."""
    return {
        "ward_a": ward_a,
        "ward_b": ward_b,
        "hood_a": hood_a,
        "hood_b": hood_b,
        "staff_a": staff_a,
        "leader_a": leader_a,
        "staff_b": staff_b,
        "city_leader": city_leader,
        "admin": admin_user,
    }
