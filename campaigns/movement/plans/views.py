"""Pages of plan targets: a ward's plan and the city's plan for a year, adding, changing and deleting targets,
entering achieved values, copying last year's targets.

Who may do what is in querysets (can_set_plan, can_enter_achieved): outside the user's scope is 404,
visible but not theirs to change 403. A plan's page makes the same number of queries whatever the number of
its targets and units: the targets in one, each computed metric it uses in one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement.plans import metrics, services
from campaigns.movement.plans.forms import AchievedForm, TargetForm
from campaigns.movement.plans.models import PlanTarget
from campaigns.movement.plans.querysets import can_enter_achieved, can_set_plan
from portal import scope
from portal.models import HistoryEntry
from wards.models import City, Ward
from wards.selectors import get_city_for_user, get_ward_for_user

EARLIEST_YEAR = 2000


def _year(year: int) -> int:
    if not EARLIEST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    return year


def _plan_url(city: City, ward: Ward | None, year: int) -> str:
    if ward is not None:
        return reverse("campaigns:plan-ward", args=[ward.code, year])
    return reverse("campaigns:plan-city", args=[city.code, year])


def _owner(request, kind: str, code: str) -> tuple[City, Ward | None]:
    if kind == "ward":
        ward = get_ward_for_user(request.user, code)
        return ward.city, ward
    return get_city_for_user(request.user, code), None


def _target_for_user(user, pk: int) -> PlanTarget:
    return get_object_or_404(PlanTarget.objects.visible_to(user).select_related("city", "ward"), pk=pk)


@login_required
def plan_home(request):
    """The menu's entry: this year's city plan for city leaders and administrators, else the user's ward's."""
    year = timezone.localdate().year
    current = scope.scope_of(request.user)
    if current.is_admin or current.is_city_leader:
        city = City.objects.visible_to(request.user).order_by("search_key").first()
        if city is not None:
            return redirect("campaigns:plan-city", code=city.code, year=year)
    ward = Ward.objects.visible_to(request.user).order_by("search_key").first()
    if ward is None:
        raise Http404
    return redirect("campaigns:plan-ward", code=ward.code, year=year)


@login_required
def plan_page(request, kind: str, code: str, year: int):
    """One plan: its targets with their achieved values, share and whether reached, and "x/y reached"."""
    _year(year)
    city, ward = _owner(request, kind, code)
    visible = PlanTarget.objects.visible_to(request.user)
    targets = list(visible.of_plan(city=city, ward=ward, year=year))
    rows = metrics.evaluate(targets, city=city, ward=ward, year=year)
    can_set = can_set_plan(request.user, city=city, ward=ward)
    last_year = visible.of_plan(city=city, ward=ward, year=year - 1).count() if can_set else 0
    wards = list(Ward.objects.visible_to(request.user).filter(city=city).order_by("search_key")) if not ward else []
    return render(
        request,
        "campaigns/plans/plan.html",
        {
            "city": city,
            "ward": ward,
            "year": year,
            "rows": rows,
            "reached": sum(r.reached for r in rows),
            "can_set": can_set,
            "can_enter": can_enter_achieved(request.user, city=city, ward=ward),
            "last_year_count": last_year,
            "wards": wards,
            "has_examples": any(r.target.is_example for r in rows),
            "kind": kind,
            "code": code,
            "this_year": timezone.localdate().year,
        },
    )


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@login_required
def target_create(request, kind: str, code: str, year: int):
    """Add a target to a plan."""
    _year(year)
    city, ward = _owner(request, kind, code)
    if not can_set_plan(request.user, city=city, ward=ward):
        raise PermissionDenied
    if request.method == "POST":
        form = TargetForm(request.POST, city=city, ward=ward, year=year)
        if form.is_valid():
            try:
                services.target_save(user=request.user, city=city, ward=ward, year=year, data=form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Target added."))
                return redirect(_plan_url(city, ward, year))
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        count = PlanTarget.objects.visible_to(request.user).of_plan(city=city, ward=ward, year=year).count()
        form = TargetForm(city=city, ward=ward, year=year, initial={"order": count + 1})
    return _render_target(request, form, city=city, ward=ward, year=year)


def _render_target(request, form, *, city, ward, year, **more):
    return render(
        request,
        "campaigns/plans/target_form.html",
        {"form": form, "city": city, "ward": ward, "year": year, "plan_url": _plan_url(city, ward, year), **more},
    )


@login_required
def target_edit(request, pk: int):
    """Change a target; a change made by someone else since it was opened is shown, never overwritten."""
    target = _target_for_user(request.user, pk)
    city, ward, year = target.city, target.ward, target.year
    if not can_set_plan(request.user, city=city, ward=ward):
        raise PermissionDenied
    saved_now = None
    if request.method == "POST":
        form = TargetForm(request.POST, city=city, ward=ward, year=year, target=target)
        if form.is_valid():
            try:
                services.target_save(
                    user=request.user,
                    city=city,
                    ward=ward,
                    year=year,
                    data=form.cleaned_data,
                    target=target,
                    version=form.cleaned_data["version"],
                )
            except services.TargetChanged as exc:
                saved_now = PlanTarget.objects.visible_to(request.user).filter(pk=pk).first()
                if saved_now is None:
                    messages.error(request, exc.messages[0])
                    return redirect(_plan_url(city, ward, year))
                data = request.POST.copy()
                data["version"] = str(saved_now.version)
                form = TargetForm(data, city=city, ward=ward, year=year, target=saved_now)
                form.is_valid()
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Target saved."))
                return redirect(_plan_url(city, ward, year))
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = TargetForm(city=city, ward=ward, year=year, target=target)
        form.initial_from(target)
    return _render_target(
        request,
        form,
        city=city,
        ward=ward,
        year=year,
        target=target,
        saved_now=saved_now,
        history=HistoryEntry.objects.for_object(target)[:20],
    )


@login_required
def target_achieved(request, pk: int):
    """Enter the achieved value of an entered target, with a note."""
    target = _target_for_user(request.user, pk)
    city, ward, year = target.city, target.ward, target.year
    if not can_enter_achieved(request.user, city=city, ward=ward):
        raise PermissionDenied
    if target.is_computed:
        messages.info(request, _("This target's achieved value is computed from the portal's data."))
        return redirect(_plan_url(city, ward, year))
    saved_now = None
    if request.method == "POST":
        form = AchievedForm(request.POST)
        if form.is_valid():
            try:
                services.achieved_enter(
                    user=request.user, target=target, data=form.cleaned_data, version=form.cleaned_data["version"]
                )
            except services.TargetChanged as exc:
                saved_now = PlanTarget.objects.visible_to(request.user).filter(pk=pk).first()
                if saved_now is None:
                    messages.error(request, exc.messages[0])
                    return redirect(_plan_url(city, ward, year))
                data = request.POST.copy()
                data["version"] = str(saved_now.version)
                form = AchievedForm(data)
                form.is_valid()
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Achieved value saved."))
                return redirect(_plan_url(city, ward, year))
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = AchievedForm(initial={"achieved": target.achieved, "note": target.note, "version": target.version})
    return render(
        request,
        "campaigns/plans/achieved_form.html",
        {
            "form": form,
            "target": target,
            "saved_now": saved_now,
            "city": city,
            "ward": ward,
            "year": year,
            "plan_url": _plan_url(city, ward, year),
        },
    )


@login_required
def target_delete(request, pk: int):
    """Ask, then delete a target read at the version the page showed."""
    target = _target_for_user(request.user, pk)
    city, ward, year = target.city, target.ward, target.year
    if not can_set_plan(request.user, city=city, ward=ward):
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request,
            "campaigns/plans/target_delete.html",
            {"target": target, "plan_url": _plan_url(city, ward, year)},
        )
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.target_delete(user=request.user, target=target, version=version)
    except services.TargetChanged as exc:
        messages.error(request, exc.messages[0])
        return redirect(_plan_url(city, ward, year))
    messages.success(request, _("Target deleted."))
    return redirect(_plan_url(city, ward, year))


@login_required
@require_POST
def plan_copy(request, kind: str, code: str, year: int):
    """Copy last year's targets into this plan (not their achieved values)."""
    _year(year)
    city, ward = _owner(request, kind, code)
    if not can_set_plan(request.user, city=city, ward=ward):
        raise PermissionDenied
    copied = services.plan_copy(user=request.user, city=city, ward=ward, year=year)
    if copied:
        messages.success(request, _("%(count)s targets copied from %(year)s.") % {"count": copied, "year": year - 1})
    else:
        messages.info(request, _("Nothing to copy: last year's targets are all in this plan already."))
    return redirect(_plan_url(city, ward, year))
