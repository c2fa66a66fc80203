"""Who reads and records commendations, and the reads the pages ask for.

Everyone reads the commendations of the wards in their scope. The ward's staff and its leader record their
ward's; a city's leaders record any of their city's wards (commendations are the city's to give as much as
the ward's); administrators record any.
"""

from django.db.models import Q

from portal import scope
from portal.scope import WardScopedQuerySet
from portal.vietnamese import fold


def can_record_commendations(user, ward) -> bool:
    """May the user record, correct and delete the commendations of this ward?"""
    current = scope.scope_of(user)
    if current.is_admin or ward.city_id in current.city_ids:
        return True
    return ward.pk in current.edit_ward_ids or ward.pk in current.review_ward_ids


class CommendationQuerySet(WardScopedQuerySet):
    ward_path = "ward"

    def search(self, text: str):
        """The recipient's name containing `text`, accents and case aside ("nguyen van an" finds "Nguyễn Văn An"):
        the person or head of household, else the party cell, the neighbourhood or the ward commended."""
        key = fold(text)
        if not key:
            return self
        return self.filter(
            Q(person_key__contains=key)
            | Q(person_name="", party_cell__search_key__contains=key)
            | Q(person_name="", recipient="neighbourhood", neighbourhood__search_key__contains=key)
            | Q(recipient="ward", ward__search_key__contains=key)
        )

    def of_group(self, group: str):
        """Collectives (ward, neighbourhood, party cell), households or individuals."""
        if group == "collective":
            return self.filter(recipient__in=("ward", "neighbourhood", "party_cell"))
        return self.filter(recipient=group)
