"""Who reads and changes plan targets.

A ward's plan is read by everyone who reads the ward; its leader sets the targets (the plan is the leader's),
its staff and leader enter the achieved values of entered targets. The city's plan is read by everyone of the
city (its wards' people too: their work adds up to it); its leaders set its targets and enter its values.
Administrators do everything.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from portal import scope
from wards.models import Ward


def can_set_plan(user, *, city, ward) -> bool:
    """Add, change, delete and copy the targets of this plan (`ward` None: the city's)."""
    current = scope.scope_of(user)
    if current.is_admin:
        return True
    if ward is None:
        return city.pk in current.city_ids
    return ward.pk in current.review_ward_ids


def can_enter_achieved(user, *, city, ward) -> bool:
    """Enter the achieved value of an entered target of this plan: who sets it, and the ward's staff."""
    if can_set_plan(user, city=city, ward=ward):
        return True
    return ward is not None and ward.pk in scope.scope_of(user).edit_ward_ids


class PlanTargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Targets of the wards' plans the user reads, and of the city plans of the cities they read."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        own_ward_in_city = Ward.objects.filter(city_id=OuterRef("city_id"), id__in=current.read_ward_ids)
        return self.filter(
            (Q(ward__isnull=False) & scope.ward_filter(user, via="ward"))
            | Q(ward__isnull=True, city_id__in=current.city_ids)
            | (Q(ward__isnull=True) & Exists(own_ward_in_city))
        )

    def of_plan(self, *, city, ward, year: int):
        """The targets of one plan: the ward's (or the city's, `ward` None) for `year`, in their order."""
        plan = self.filter(year=year, city=city)
        plan = plan.filter(ward=ward) if ward is not None else plan.filter(ward__isnull=True)
        return plan.order_by("order", "pk")
