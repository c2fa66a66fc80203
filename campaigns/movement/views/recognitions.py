"""Recognitions (titles given for a year, with their decision).

City leaders and administrators see the candidates of a year, propose them and record each decision;
everyone reads the recognitions of the units in their scope. Party-cell ratings are in views/ratings.py.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.movement import permissions
from campaigns.movement.forms.recognitions import STATUS_CHOICES, DecideForm, ProposeForm
from campaigns.movement.models import Recognition
from campaigns.movement.services import ratings as rating_services
from campaigns.movement.services import recognitions as recognition_services
from portal import scope
from portal.redirects import next_url
from wards.models import City

PAGE_SIZE = 50
YEARS = rating_services.RATING_YEARS


def _year_or_404(year: int) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        raise Http404
    return year


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- recognitions ---------------------------------------------------------------------------------------------


@login_required
def recognition_list(request):
    """Every recognition in the user's scope, by year and unit; filter by year and status."""
    s = scope.scope_of(request.user)
    qs = Recognition.objects.visible_to(request.user).select_related("ward", "neighbourhood")
    year = _int(request.GET.get("year"))
    status = request.GET.get("status", "")
    if year is not None:
        qs = qs.filter(year=year)
    if status in Recognition.Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    qs = qs.order_by("-year", "ward__search_key", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk")
    years = sorted(set(Recognition.objects.visible_to(request.user).values_list("year", flat=True)), reverse=True)
    can_decide = s.is_admin or s.is_city_leader
    return render(
        request,
        "campaigns/movement/recognition_list.html",
        {
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "year": year,
            "status": status,
            "years": years,
            "statuses": STATUS_CHOICES,
            "can_decide": can_decide,
            "candidate_year": date.today().year - 1,  # titles are decided for the year before
        },
    )


def _deciding_city(request) -> City:
    """The city whose candidates a leader works on: ?city=<code>, else the first they decide for."""
    s = scope.scope_of(request.user)
    if not (s.is_admin or s.is_city_leader):
        if s.is_empty:
            raise Http404
        raise PermissionDenied
    cities = permissions.cities_led_by(request.user)
    code = request.POST.get("city") or request.GET.get("city")
    city = cities.filter(code=code).first() if code else cities.order_by("search_key").first()
    if city is None:
        raise Http404
    return city


@login_required
def recognition_candidates(request, year: int):
    """A year's candidates (latest approved month meets the whole set), proposing them, deciding each."""
    _year_or_404(year)
    city = _deciding_city(request)
    title = " ".join((request.GET.get("title") or recognition_services.RECOGNITION_TITLE).split())
    propose_form = ProposeForm(initial={"title": title})
    if request.method == "POST":
        propose_form = ProposeForm(request.POST)
        if propose_form.is_valid():
            title = propose_form.cleaned_data["title"]
            try:
                created = recognition_services.recognition_propose(user=request.user, year=year, title=title, city=city)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                if created:
                    messages.success(
                        request,
                        _("%(count)s units proposed for “%(title)s”.") % {"count": len(created), "title": title},
                    )
                else:
                    messages.info(request, _("Every candidate has already been proposed."))
            url = reverse("campaigns:recognition-candidates", args=[year])
            return redirect(f"{url}?{urlencode({'city': city.code, 'title': title})}")
    candidates = list(recognition_services.recognition_candidates(city=city, year=year, title=title))
    recognitions = list(
        Recognition.objects.visible_to(request.user)
        .filter(ward__city=city, year=year)
        .select_related("ward", "neighbourhood")
        .order_by("status", "ward__search_key", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk")
    )
    return render(
        request,
        "campaigns/movement/recognition_candidates.html",
        {
            "city": city,
            "cities": permissions.cities_led_by(request.user),
            "year": year,
            "title": title,
            "propose_form": propose_form,
            "decide_form": DecideForm(),
            "candidates": candidates,
            "recognitions": recognitions,
            "proposed_count": sum(r.status == Recognition.Status.PROPOSED for r in recognitions),
            "back": f"{request.path}?{urlencode({'city': city.code, 'title': title})}",
        },
    )


@login_required
@require_POST
def recognition_decide(request, pk: int):
    """Confirm (with the decision) or reject one recognition. Outside the scope: 404; ward users: 403."""
    recognition = get_object_or_404(
        Recognition.objects.visible_to(request.user).select_related("ward", "neighbourhood"), pk=pk
    )
    if not scope.can_decide_recognition(request.user, recognition.ward):
        raise PermissionDenied
    form = DecideForm(request.POST)
    unit = recognition.neighbourhood or recognition.ward
    if form.is_valid():
        try:
            recognition_services.recognition_decide(
                user=request.user,
                recognition=recognition,
                confirm=form.confirm,
                decision_number=form.cleaned_data["decision_number"],
                decision_date=form.cleaned_data["decision_date"],
                signer=form.cleaned_data["signer"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, f"{unit.name}: {_errors(exc)}")
        else:
            if form.confirm:
                messages.success(request, _("%(unit)s: title confirmed.") % {"unit": unit.name})
            else:
                messages.success(request, _("%(unit)s: proposal rejected.") % {"unit": unit.name})
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, f"{unit.name}: {' '.join(errors)}")
    url = reverse("campaigns:recognition-candidates", args=[recognition.year])
    return redirect(next_url(request, f"{url}?{urlencode({'city': recognition.ward.city.code})}"))
