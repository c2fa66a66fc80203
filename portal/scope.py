"""What a user may see and change. This module decides it, and nothing else does.

- administrator: everything, reads and writes;
- city leader: every unit of their city, read only;
- ward leader: their ward(s), read, and reviews what staff submit;
- ward staff: their ward(s), read and write.

It knows users and the ids of the cities and wards they belong to, never the models above it: each
scoped model's QuerySet applies these rules by its own path to a ward (`visible_to(user)`, built on
`WardScopedQuerySet` or `ward_filter`), so views, exports, form choices and tasks fetch through the
model and this module imports nothing upward.

Outside a user's scope is 404 (the object does not exist for them); visible but not theirs to change
is 403.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role in a unit (wards.Membership rows carry it)."""

    WARD_STAFF = "ward_staff", _("Ward staff")
    WARD_LEADER = "ward_leader", _("Ward leader")
    CITY_LEADER = "city_leader", _("City leader")
    ADMIN = "admin", _("Administrator")


WARD_ROLES = (Role.WARD_STAFF, Role.WARD_LEADER)


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    city_ids: frozenset[int] = field(default_factory=frozenset)  # read every ward of these cities
    read_ward_ids: frozenset[int] = field(default_factory=frozenset)
    edit_ward_ids: frozenset[int] = field(default_factory=frozenset)
    review_ward_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_city_leader(self) -> bool:
        return bool(self.city_ids)

    @property
    def is_empty(self) -> bool:
        return not (self.is_admin or self.city_ids or self.read_ward_ids)

    def ward_q(self, prefix: str = "") -> Q:
        """A filter on wards (or on a relation to a ward, given `prefix`) for what this scope reads."""
        if self.is_admin:
            return Q()
        return Q(**{f"{prefix}id__in": self.read_ward_ids}) | Q(**{f"{prefix}city_id__in": self.city_ids})

    def edit_ward_q(self, prefix: str = "") -> Q:
        """A filter on wards (or on a relation to a ward) for what this scope may change."""
        if self.is_admin:
            return Q()
        return Q(**{f"{prefix}id__in": self.edit_ward_ids})


_NOTHING = Scope()


def scope_of(user) -> Scope:
    """The user's scope, computed once per user object (one query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOTHING
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    rows = list(user.memberships.values_list("role", "city_id", "ward_id"))
    is_admin = user.is_superuser or any(role == Role.ADMIN for role, _c, _w in rows)
    scope = Scope(
        is_admin=is_admin,
        city_ids=frozenset(c for role, c, _w in rows if role == Role.CITY_LEADER and c),
        read_ward_ids=frozenset(w for role, _c, w in rows if role in WARD_ROLES and w),
        edit_ward_ids=frozenset(w for role, _c, w in rows if role == Role.WARD_STAFF and w),
        review_ward_ids=frozenset(w for role, _c, w in rows if role == Role.WARD_LEADER and w),
    )
    user._portal_scope = scope
    return scope


# --- filters that scoped QuerySets apply -------------------------------------------------------


def _prefix(via: str) -> str:
    return f"{via}__" if via else ""


def ward_filter(user, *, via: str) -> Q:
    """Rows whose ward, reached through the relation path `via` ("" for wards themselves), the user reads."""
    return scope_of(user).ward_q(_prefix(via))


def edit_ward_filter(user, *, via: str) -> Q:
    """Rows whose ward, reached through `via`, the user may change (ward staff of it, administrators)."""
    return scope_of(user).edit_ward_q(_prefix(via))


class WardScopedQuerySet(models.QuerySet):
    """Rows that belong to a ward through `ward_path`; subclasses name the path."""

    ward_path = "ward"

    def visible_to(self, user):
        """What the user reads: nothing outside their ward(s) or city."""
        return self.filter(ward_filter(user, via=self.ward_path))

    def editable_by(self, user):
        """What the user may change: their ward's rows for ward staff, everything for administrators."""
        return self.filter(edit_ward_filter(user, via=self.ward_path))


# --- permissions on one unit -----------------------------------------------------------------------


def can_edit_ward(user, ward) -> bool:
    """May the user enter and change data of this ward and its units?"""
    scope = scope_of(user)
    return scope.is_admin or ward.pk in scope.edit_ward_ids


def can_review_ward(user, ward) -> bool:
    """May the user approve or return what this ward's staff submitted?"""
    scope = scope_of(user)
    return scope.is_admin or ward.pk in scope.review_ward_ids


def require_edit(user, ward) -> None:
    if not can_edit_ward(user, ward):
        raise PermissionDenied


def can_build_report(user, *, city, ward) -> bool:
    """Leaders press "build now": a city leader for the city and its wards, a ward leader for the ward."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if city.pk in scope.city_ids:
        return True
    return ward is not None and ward.pk in scope.review_ward_ids


def can_manage_campaign(user, *, city, ward) -> bool:
    """Launch or change a campaign: administrators for the city; a ward's staff and leader for their ward's."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    return ward is not None and (ward.pk in scope.edit_ward_ids or ward.pk in scope.review_ward_ids)


def can_work_on_task(user, task) -> bool:
    """Post updates and mark done: the ward's staff (and administrators)."""
    return can_edit_ward(user, task.ward)


def can_decide_recognition(user, ward) -> bool:
    """Confirm or reject a title: the city's leaders (it is their decision) and administrators."""
    scope = scope_of(user)
    return scope.is_admin or ward.city_id in scope.city_ids
