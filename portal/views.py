from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import render

from campaigns.results import periods
from campaigns.results.models import Submission
from portal import scope
from wards.models import City, Profile, Ward


def _own_wards(user, user_scope: scope.Scope, year: int) -> QuerySet[Ward] | list:
    """The wards the user belongs to, with their neighbourhoods and how many still lack this year's profile."""
    if not user_scope.read_ward_ids:
        return []
    profiles = Profile.objects.visible_to(user).filter(year=year)
    missing_profile = ~Exists(profiles.filter(neighbourhood=OuterRef("neighbourhoods")))
    return (
        Ward.objects.visible_to(user)
        .filter(id__in=user_scope.read_ward_ids)
        .select_related("city")
        .annotate(
            neighbourhood_count=Count("neighbourhoods", filter=Q(neighbourhoods__valid_to__isnull=True), distinct=True),
            missing_profiles=Count(
                "neighbourhoods",
                filter=Q(neighbourhoods__valid_to__isnull=True) & missing_profile,
                distinct=True,
            ),
            has_ward_profile=Exists(profiles.filter(ward=OuterRef("pk"))),
        )
        .order_by("search_key")
    )


def _own_cities(user, user_scope: scope.Scope) -> QuerySet[City] | list:
    """The cities the user leads (every city for an administrator), with their wards and neighbourhoods counted."""
    if not (user_scope.is_admin or user_scope.city_ids):
        return []
    return (
        City.objects.visible_to(user)
        .filter(Q(id__in=user_scope.city_ids) if not user_scope.is_admin else Q())
        .annotate(
            ward_count=Count("wards", distinct=True),
            neighbourhood_count=Count(
                "wards__neighbourhoods", filter=Q(wards__neighbourhoods__valid_to__isnull=True), distinct=True
            ),
        )
        .order_by("search_key")
    )


def _returned(user, user_scope: scope.Scope) -> QuerySet[Submission] | list:
    """Returned results reach the person who entered them, with the reason."""
    if not user_scope.edit_ward_ids:
        return []
    return (
        Submission.objects.visible_to(user)
        .filter(status=Submission.Status.RETURNED, ward_id__in=user_scope.edit_ward_ids)
        .select_related("neighbourhood", "ward", "period", "reviewed_by")
        .order_by("-reviewed_at")[:50]
    )


def _to_review(user, user_scope: scope.Scope) -> QuerySet[Submission] | list:
    """Submissions waiting for the user's review, oldest first."""
    if not user_scope.review_ward_ids:
        return []
    return (
        Submission.objects.visible_to(user)
        .filter(status=Submission.Status.SUBMITTED, ward_id__in=user_scope.review_ward_ids)
        .select_related("neighbourhood", "ward", "period", "submitted_by")
        .order_by("submitted_at")[:50]
    )


@login_required
def home(request):
    """The user's own units and what they still owe."""
    user_scope = scope.scope_of(request.user)
    year = date.today().year
    return render(
        request,
        "portal/home.html",
        {
            "period": periods.current_month(),
            "returned": _returned(request.user, user_scope),
            "to_review": _to_review(request.user, user_scope),
            "wards": _own_wards(request.user, user_scope, year),
            "cities": _own_cities(request.user, user_scope),
            "year": year,
            "user_scope": user_scope,
            "memberships": request.user.memberships.select_related("ward", "city"),
        },
    )
