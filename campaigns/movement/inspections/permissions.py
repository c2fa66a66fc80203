"""Who may do what on the way to a title. Reading goes through the QuerySets' visible_to (404 outside);
these say who of those who read may also write (403 otherwise).

- registrations and a ward's own inspection rounds: that ward's staff and its leader, administrators;
- a city verification round and its visits: the city's leaders and administrators.
"""

from portal import scope


def works_for_ward(user, ward) -> bool:
    """The ward's staff or leader, or an administrator: registers its units and runs its own inspection."""
    current = scope.scope_of(user)
    return current.is_admin or ward.pk in current.edit_ward_ids or ward.pk in current.review_ward_ids


def leads_city(user, city_id: int) -> bool:
    current = scope.scope_of(user)
    return current.is_admin or city_id in current.city_ids


def can_manage_round(user, round_) -> bool:
    """Edit a round, its team and its visits (scores, conclusion, photos)."""
    if round_.level == "ward":
        return works_for_ward(user, round_.ward)
    return leads_city(user, round_.city_id)


def may_create_rounds(user) -> bool:
    current = scope.scope_of(user)
    return current.is_admin or bool(current.city_ids or current.edit_ward_ids or current.review_ward_ids)
