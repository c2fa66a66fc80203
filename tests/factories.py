import factory
from django.contrib.auth import get_user_model

from wards.models import City, Membership, Neighbourhood, PartyCell, Profile, Ward


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("code",)

    code = "38"
    name = "Thanh Hóa"
    kind = City.Kind.PROVINCE


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"{20000 + n:05d}")
    name = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    kind = Ward.Kind.WARD


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"Tổ dân phố {n}")
    kind = Neighbourhood.Kind.RESIDENTIAL_GROUP


class PartyCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyCell

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"Chi bộ số {n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    year = 2026
    households = 234
    people = 785
    poor_households = 2
    near_poor_households = 3
    party_members = 31


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("kieumau2024")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.WARD_STAFF
