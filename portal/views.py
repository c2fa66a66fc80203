from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import render

from campaigns.results import periods
from campaigns.results.models import Submission
from portal import scope
from wards.models import Profile


@login_required
def home(request):
    """The user's own units and what they still owe."""
    user_scope = scope.scope_of(request.user)
    year = date.today().year
    missing_profile = ~Exists(Profile.objects.filter(neighbourhood=OuterRef("neighbourhoods"), year=year))
    wards = []
    if user_scope.read_ward_ids:
        wards = (
            scope.wards_visible_to(request.user)
            .filter(id__in=user_scope.read_ward_ids)
            .select_related("city")
            .annotate(
                neighbourhood_count=Count(
                    "neighbourhoods", filter=Q(neighbourhoods__valid_to__isnull=True), distinct=True
                ),
                missing_profiles=Count(
                    "neighbourhoods",
                    filter=Q(neighbourhoods__valid_to__isnull=True) & missing_profile,
                    distinct=True,
                ),
                has_ward_profile=Exists(Profile.objects.filter(ward=OuterRef("pk"), year=year)),
            )
            .order_by("search_key")
        )
    cities = []
    if user_scope.is_admin or user_scope.city_ids:
        cities = (
            scope.cities_visible_to(request.user)
            .filter(Q(id__in=user_scope.city_ids) if not user_scope.is_admin else Q())
            .annotate(
                ward_count=Count("wards", distinct=True),
                neighbourhood_count=Count(
                    "wards__neighbourhoods", filter=Q(wards__neighbourhoods__valid_to__isnull=True), distinct=True
                ),
            )
            .order_by("search_key")
        )
    period = periods.current_month()
    returned = to_review = []
    if user_scope.edit_ward_ids:
        # Returned results reach the person who entered them, with the reason.
        returned = (
            scope.submissions_visible_to(request.user)
            .filter(status=Submission.Status.RETURNED, ward_id__in=user_scope.edit_ward_ids)
            .select_related("neighbourhood", "ward", "period", "reviewed_by")
            .order_by("-reviewed_at")[:50]
        )
    if user_scope.review_ward_ids:
        to_review = (
            scope.submissions_visible_to(request.user)
            .filter(status=Submission.Status.SUBMITTED, ward_id__in=user_scope.review_ward_ids)
            .select_related("neighbourhood", "ward", "period", "submitted_by")
            .order_by("submitted_at")[:50]
        )
    return render(
        request,
        "portal/home.html",
        {
            "period": period,
            "returned": returned,
            "to_review": to_review,
            "wards": wards,
            "cities": cities,
            "year": year,
            "user_scope": user_scope,
            "memberships": request.user.memberships.select_related("ward", "city"),
        },
    )
