"""What of the title path each user reads: registrations, visits, their photos and scores by their ward;
rounds by their ward, and a city's verification rounds by everyone of that city."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from portal import scope
from portal.scope import WardScopedQuerySet


class RegistrationQuerySet(WardScopedQuerySet):
    def in_year(self, year: int):
        """Registrations whose term covers `year` and which were not withdrawn."""
        return self.filter(first_year__lte=year, last_year__gte=year, status="registered")


class InspectionRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Ward rounds of the wards the user reads (a city leader: every ward of the city); city rounds of the
        cities the user reads or whose wards the user reads (a ward sees the city's verification of its own units)."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        wards = current.read_ward_ids
        return self.filter(
            Q(ward_id__in=wards)
            | Q(ward__city_id__in=current.city_ids)
            | Q(ward__isnull=True, city_id__in=current.city_ids)
            | Q(ward__isnull=True, city__wards__id__in=wards)
        ).distinct()


class TeamMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The teams of the rounds the user reads."""
        rounds = apps.get_model("inspections", "InspectionRound").objects.visible_to(user)
        return self.filter(round__in=rounds.values("pk"))


class VisitQuerySet(WardScopedQuerySet):
    pass


class VisitPhotoQuerySet(WardScopedQuerySet):
    ward_path = "visit__ward"


class ScoreQuerySet(WardScopedQuerySet):
    ward_path = "visit__ward"
