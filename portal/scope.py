"""What a user may see and change. Every view, queryset, form choice, export and
task asks this module; nothing else decides scope.

- administrator: everything, reads and writes;
- city leader: every unit of their city, read only;
- ward leader: their ward(s), read, and reviews what staff submit;
- ward staff: their ward(s), read and write.

Outside a user's scope is 404 (the object does not exist for them); visible but
not theirs to change is 403.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from wards.models import City, Membership, Neighbourhood, PartyCell, Profile, Ward

Role = Membership.Role


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
        read_ward_ids=frozenset(w for role, _c, w in rows if role in Membership.WARD_ROLES and w),
        edit_ward_ids=frozenset(w for role, _c, w in rows if role == Role.WARD_STAFF and w),
        review_ward_ids=frozenset(w for role, _c, w in rows if role == Role.WARD_LEADER and w),
    )
    user._portal_scope = scope
    return scope


# --- querysets ---------------------------------------------------------------


def cities_visible_to(user) -> QuerySet[City]:
    scope = scope_of(user)
    if scope.is_admin:
        return City.objects.all()
    return City.objects.filter(Q(id__in=scope.city_ids) | Q(wards__id__in=scope.read_ward_ids)).distinct()


def wards_visible_to(user) -> QuerySet[Ward]:
    scope = scope_of(user)
    if scope.is_empty:
        return Ward.objects.none()
    return Ward.objects.filter(scope.ward_q())


def neighbourhoods_visible_to(user) -> QuerySet[Neighbourhood]:
    scope = scope_of(user)
    if scope.is_empty:
        return Neighbourhood.objects.none()
    return Neighbourhood.objects.filter(scope.ward_q("ward__"))


def party_cells_visible_to(user) -> QuerySet[PartyCell]:
    scope = scope_of(user)
    if scope.is_empty:
        return PartyCell.objects.none()
    return PartyCell.objects.filter(scope.ward_q("ward__"))


def profiles_visible_to(user) -> QuerySet[Profile]:
    scope = scope_of(user)
    if scope.is_empty:
        return Profile.objects.none()
    if scope.is_admin:
        return Profile.objects.all()
    return Profile.objects.filter(scope.ward_q("ward__") | scope.ward_q("neighbourhood__ward__"))


# --- single objects and permissions -------------------------------------------


def get_city_for_user(user, code: str) -> City:
    try:
        return cities_visible_to(user).get(code=code)
    except City.DoesNotExist:
        raise Http404 from None


def get_ward_for_user(user, code: str) -> Ward:
    try:
        return wards_visible_to(user).select_related("city").get(code=code)
    except Ward.DoesNotExist:
        raise Http404 from None


def get_neighbourhood_for_user(user, pk) -> Neighbourhood:
    try:
        return neighbourhoods_visible_to(user).select_related("ward__city").get(pk=pk)
    except (Neighbourhood.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_ward(user, ward: Ward) -> bool:
    """May the user enter and change data of this ward and its units?"""
    scope = scope_of(user)
    return scope.is_admin or ward.pk in scope.edit_ward_ids


def can_review_ward(user, ward: Ward) -> bool:
    """May the user approve or return what this ward's staff submitted?"""
    scope = scope_of(user)
    return scope.is_admin or ward.pk in scope.review_ward_ids


def require_edit(user, ward: Ward) -> None:
    if not can_edit_ward(user, ward):
        raise PermissionDenied


def editable_wards(user) -> QuerySet[Ward]:
    """Wards whose data the user may change: the choices of any import or entry form."""
    scope = scope_of(user)
    if scope.is_admin:
        return Ward.objects.all()
    return Ward.objects.filter(id__in=scope.edit_ward_ids)


# --- results ---------------------------------------------------------------------


def submissions_visible_to(user):
    from campaigns.results.models import Submission

    scope = scope_of(user)
    if scope.is_empty:
        return Submission.objects.none()
    return Submission.objects.filter(scope.ward_q("ward__"))


def results_visible_to(user):
    from campaigns.results.models import Result

    scope = scope_of(user)
    if scope.is_empty:
        return Result.objects.none()
    return Result.objects.filter(scope.ward_q("submission__ward__"))


def evidence_visible_to(user):
    from campaigns.results.models import Evidence

    scope = scope_of(user)
    if scope.is_empty:
        return Evidence.objects.none()
    return Evidence.objects.filter(scope.ward_q("result__submission__ward__"))


# --- reports -----------------------------------------------------------------------


def reports_visible_to(user):
    """City-wide reports hold every ward's figures: only city leaders and administrators read them."""
    from reports.models import Report

    scope = scope_of(user)
    if scope.is_empty:
        return Report.objects.none()
    if scope.is_admin:
        return Report.objects.all()
    return Report.objects.filter(Q(city_id__in=scope.city_ids) | Q(ward_id__in=scope.read_ward_ids))


def can_build_report(user, *, city, ward) -> bool:
    """Leaders press "build now": a city leader for the city and its wards, a ward leader for the ward."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if city.pk in scope.city_ids:
        return True
    return ward is not None and ward.pk in scope.review_ward_ids


# --- the emulation movement: campaigns, tasks, commitments, recognitions, party-cell ratings -------


def campaigns_visible_to(user):
    """City-wide campaigns of the user's city, and ward campaigns their ward owns or takes part in."""
    from campaigns.movement.models import Campaign

    scope = scope_of(user)
    if scope.is_empty:
        return Campaign.objects.none()
    if scope.is_admin:
        return Campaign.objects.all()
    return Campaign.objects.filter(
        Q(city_id__in=scope.city_ids)
        | Q(ward_id__in=scope.read_ward_ids)
        | Q(wards__id__in=scope.read_ward_ids)
        | Q(ward__isnull=True, city__wards__id__in=scope.read_ward_ids)
    ).distinct()


def can_manage_campaign(user, *, city, ward) -> bool:
    """Launch or change a campaign: administrators for the city; a ward's staff and leader for their ward's."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    return ward is not None and (ward.pk in scope.edit_ward_ids or ward.pk in scope.review_ward_ids)


def tasks_visible_to(user):
    """Tasks assigned to units the user reads; ward users never see another ward's tasks."""
    from campaigns.movement.models import Task

    scope = scope_of(user)
    if scope.is_empty:
        return Task.objects.none()
    return Task.objects.filter(scope.ward_q("ward__"))


def can_work_on_task(user, task) -> bool:
    """Post updates and mark done: the ward's staff (and administrators)."""
    return can_edit_ward(user, task.ward)


def commitments_visible_to(user):
    from campaigns.movement.models import Commitment

    scope = scope_of(user)
    if scope.is_empty:
        return Commitment.objects.none()
    return Commitment.objects.filter(scope.ward_q("ward__"))


def commitment_requests_visible_to(user):
    """Administrators see every request, a city leader those of the city, a ward user those asking their ward."""
    from django.db.models import Exists, OuterRef

    from campaigns.movement.models import CommitmentRequest

    scope = scope_of(user)
    if scope.is_empty:
        return CommitmentRequest.objects.none()
    if scope.is_admin:
        return CommitmentRequest.objects.all()
    asked = CommitmentRequest.wards.through.objects.filter(
        commitmentrequest_id=OuterRef("pk"), ward_id__in=scope.read_ward_ids
    )
    return CommitmentRequest.objects.filter(Q(city_id__in=scope.city_ids) | Exists(asked))


def recognitions_visible_to(user):
    from campaigns.movement.models import Recognition

    scope = scope_of(user)
    if scope.is_empty:
        return Recognition.objects.none()
    return Recognition.objects.filter(scope.ward_q("ward__"))


def can_decide_recognition(user, ward) -> bool:
    """Confirm or reject a title: the city's leaders (it is their decision) and administrators."""
    scope = scope_of(user)
    return scope.is_admin or ward.city_id in scope.city_ids


def ratings_visible_to(user):
    from campaigns.movement.models import PartyCellRating

    scope = scope_of(user)
    if scope.is_empty:
        return PartyCellRating.objects.none()
    return PartyCellRating.objects.filter(scope.ward_q("party_cell__ward__"))
