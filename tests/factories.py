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


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "criteria.Programme"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"pho-kieu-mau-{n}")
    name = "Phố, thôn kiểu mẫu"
    title = "Phố kiểu mẫu"
    level = "neighbourhood"
    rhythm = "yearly"
    term_years = 1


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspections.Registration"

    programme = factory.SubFactory(ProgrammeFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    ward = factory.SelfAttribute("neighbourhood.ward")
    first_year = 2026
    last_year = factory.SelfAttribute("first_year")
    registered_on = factory.LazyAttribute(lambda o: __import__("datetime").date(o.first_year, 1, 15))
    pledge = "Giữ vững và phát huy các tiêu chí phố kiểu mẫu."


class InspectionRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspections.InspectionRound"

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2026
    level = "ward"
    ward = factory.SubFactory(WardFactory)
    city = factory.SelfAttribute("ward.city")
    name = factory.Sequence(lambda n: f"Đợt kiểm tra {n}")
    starts_on = factory.LazyAttribute(lambda o: __import__("datetime").date(o.year, 10, 1))
    ends_on = factory.LazyAttribute(lambda o: __import__("datetime").date(o.year, 10, 31))


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspections.Visit"

    round = factory.SubFactory(InspectionRoundFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory, ward=factory.SelfAttribute("..round.ward"))
    ward = factory.SelfAttribute("neighbourhood.ward")
    visited_on = factory.SelfAttribute("round.starts_on")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspections.TeamMember"

    round = factory.SubFactory(InspectionRoundFactory)
    name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    role = "Thành viên"
    organisation = "UBND phường"


class CityRoundFactory(InspectionRoundFactory):
    """A city verification round (phúc tra): level "city", no ward."""

    level = "city"
    ward = None
    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Đợt phúc tra {n}")
    starts_on = factory.LazyAttribute(lambda o: __import__("datetime").date(o.year, 11, 1))
    ends_on = factory.LazyAttribute(lambda o: __import__("datetime").date(o.year, 11, 30))
