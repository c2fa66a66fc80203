"""Who may do what in the emulation movement, built on the reading and editing rights of portal.scope.

Services check these before they change anything; views use them to decide what to offer.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from campaigns.movement.models import Campaign, Commitment
from portal import scope
from wards.models import City, Ward


def task_wards(campaign: Campaign) -> list[int]:
    """Ids of the wards a task of this campaign may be assigned to: participants and the owning ward."""
    ids = set(campaign.wards.values_list("id", flat=True))
    if campaign.ward_id:
        ids.add(campaign.ward_id)
    return sorted(ids)


def can_add_task(user, campaign: Campaign, ward: Ward | None = None) -> bool:
    """The campaign's managers assign tasks to any participant; a ward's staff and leader to their own ward."""
    if scope.can_manage_campaign(user, city=campaign.city, ward=campaign.ward):
        return True
    if ward is None:
        s = scope.scope_of(user)
        return bool(set(task_wards(campaign)) & (s.edit_ward_ids | s.review_ward_ids))
    return ward.pk in task_wards(campaign) and scope.can_manage_campaign(user, city=campaign.city, ward=ward)


def task_ward_choices(user, campaign: Campaign) -> QuerySet[Ward]:
    """The wards this user may assign the campaign's tasks to: every one for its managers, else their own."""
    ids = task_wards(campaign)
    if scope.can_manage_campaign(user, city=campaign.city, ward=campaign.ward):
        return Ward.objects.filter(pk__in=ids)
    s = scope.scope_of(user)
    return Ward.objects.filter(id__in=s.edit_ward_ids | s.review_ward_ids).filter(pk__in=ids)


def can_close_commitment(user, commitment: Commitment) -> bool:
    """Mark kept or breached: the ward's staff and leaders, and administrators."""
    return scope.can_edit_ward(user, commitment.ward) or scope.can_review_ward(user, commitment.ward)


def can_ask_commitments(user, city: City) -> bool:
    """Ask wards to sign: administrators and the city's leaders."""
    s = scope.scope_of(user)
    return s.is_admin or city.pk in s.city_ids


def cities_led_by(user) -> QuerySet[City]:
    """The cities the user leads: every city for an administrator, their own for a city leader.

    They ask the cities' wards to sign commitments and decide the recognitions of their units.
    """
    s = scope.scope_of(user)
    if s.is_admin:
        return City.objects.all()
    return City.objects.filter(id__in=s.city_ids)


def cities_deciding(user, city: City | None = None) -> list[City]:
    """The cities whose recognitions the user decides: `city` if they may, else every one they may.

    Raises PermissionDenied when the user decides for none (or not for `city`).
    """
    if city is not None:
        s = scope.scope_of(user)
        if not (s.is_admin or city.pk in s.city_ids):
            raise PermissionDenied
        return [city]
    cities = list(cities_led_by(user))
    if not cities:
        raise PermissionDenied
    return cities
