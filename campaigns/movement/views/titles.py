"""The title's life: the titles of a programme and year with their state, the decision that awards them to the
units the city verified, one title with its two decisions and history, and its withdrawal (thu hồi).

Everyone reads the titles of the units in their scope (ward users their ward's, city users their city's);
the city's leaders and administrators decide and withdraw (ward users: 403; outside the scope: 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.criteria.models import Programme
from campaigns.movement import permissions
from campaigns.movement.forms.titles import DecisionForm, WithdrawForm
from campaigns.movement.inspections.models import InspectionRound
from campaigns.movement.models import Recognition
from campaigns.movement.services import title_figures
from campaigns.movement.services import titles as title_services
from campaigns.movement.services.ratings import RATING_YEARS
from campaigns.movement.services.title_reminders import REMIND_ACTION
from portal import scope
from portal.models import HistoryEntry
from wards.models import City, Ward
from wards.selectors import get_city_for_user, get_ward_for_user

PAGE_SIZE = 100
State = title_services.State


def _year_or_404(year: int) -> int:
    if not RATING_YEARS[0] <= year <= RATING_YEARS[1]:
        raise Http404
    return year


def _reader(request) -> scope.Scope:
    """Anyone with a scope reads titles; a user with no role finds nothing here."""
    current = scope.scope_of(request.user)
    if current.is_empty:
        raise Http404
    return current


def _deciding_city(request) -> City:
    """The city whose titles a leader decides: ?city=<code>, else the first they lead. Ward users: 403."""
    current = _reader(request)
    if not (current.is_admin or current.is_city_leader):
        raise PermissionDenied
    cities = permissions.cities_led_by(request.user)
    code = request.POST.get("city") or request.GET.get("city")
    city = cities.filter(code=code).first() if code else cities.order_by("search_key").first()
    if city is None:
        raise Http404
    return city


def _show_errors(request, form, exc: ValidationError) -> None:
    """The service's refusal: beside the field it concerns when there is one, and at the top."""
    messages.error(request, " ".join(exc.messages))
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = {"signer": "signer_name", "decision_number": "decision_number"}.get(field, field)
            if target in form.fields:
                form.add_error(target, errors)


def _is_stale(exc: ValidationError) -> bool:
    return not hasattr(exc, "error_dict") and any(e.code == "stale" for e in exc.error_list)


# --- the titles of the scope --------------------------------------------------------------------------------------


@login_required
def title_index(request):
    """Programmes and years with titles in the user's scope, their count by state; for the city's leaders also
    the years the city verified units in, with the way to the decision."""
    current = _reader(request)
    today = timezone.localdate()
    visible = title_services.titles(Recognition.objects.visible_to(request.user)).filter(programme__isnull=False)
    rows = {
        (r["programme_id"], r["year"]): r
        for r in visible.values("programme_id", "year")
        .annotate(all=Count("pk"), **{s: Count("pk", filter=title_services.state_q(s, today)) for s in State.ALL})
        .order_by()
    }
    can_decide = current.is_admin or current.is_city_leader
    if can_decide:
        rounds = InspectionRound.objects.visible_to(request.user).filter(level=InspectionRound.Level.CITY)
        if not current.is_admin:
            rounds = rounds.filter(city_id__in=current.city_ids)
        for programme_id, year in rounds.values_list("programme_id", "year").distinct().order_by():
            rows.setdefault((programme_id, year), {"programme_id": programme_id, "year": year, "all": 0})
    programmes = Programme.objects.in_bulk({pid for pid, _y in rows})
    table = sorted(
        ({**row, "programme": programmes[row["programme_id"]]} for row in rows.values()),
        key=lambda r: (-r["year"], r["programme"].name),
    )
    return render(
        request,
        "campaigns/movement/title_index.html",
        {"rows": table, "can_decide": can_decide, "states": State.LABELS, "days": title_services.EXPIRING_DAYS},
    )


@login_required
def title_list(request, programme: str, year: int):
    """The programme's titles for the year in the user's scope, each with its state; filter by state and ward."""
    _year_or_404(year)
    current = _reader(request)
    programme = get_object_or_404(Programme, code=programme)
    today = timezone.localdate()
    scoped = title_services.titles(Recognition.objects.visible_to(request.user)).filter(programme=programme, year=year)
    wards = Ward.objects.visible_to(request.user).filter(pk__in=scoped.values("ward_id")).order_by("search_key")
    ward = request.GET.get("ward", "")
    if ward:
        scoped = scoped.filter(ward__code=ward)
    counts = title_services.state_counts(scoped, today)
    state = request.GET.get("state", "")
    shown = scoped.filter(title_services.state_q(state, today)) if state in State.ALL else scoped
    shown = shown.select_related("ward", "neighbourhood").order_by(
        "ward__search_key", F("neighbourhood__search_key").asc(nulls_first=True), "pk"
    )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.state = title_services.title_state(row, today)
    return render(
        request,
        "campaigns/movement/title_list.html",
        {
            "programme": programme,
            "year": year,
            "page": page,
            "counts": counts,
            "state": state if state in State.ALL else "",
            "states": State.LABELS,
            "wards": wards,
            "ward": ward,
            "can_decide": current.is_admin or current.is_city_leader,
            "days": title_services.EXPIRING_DAYS,
            "valid_until": programme.valid_until(year),
        },
    )


# --- the decision ----------------------------------------------------------------------------------------------


@login_required
def title_decide(request, programme: str, year: int):
    """The units the city verified for the programme and year; tick them and record the decision."""
    _year_or_404(year)
    city = _deciding_city(request)
    programme = get_object_or_404(Programme, code=programme)
    wards = Ward.objects.visible_to(request.user).filter(city=city)
    rows = title_services.decision_rows(programme=programme, year=year, wards=wards)
    open_ids = [r["visit"].pk for r in rows if r["decided"] is None]
    if request.method == "POST":
        form = DecisionForm(request.POST, visit_ids=open_ids)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decided = title_services.titles_decide(
                    user=request.user,
                    programme=programme,
                    year=year,
                    city=city,
                    visit_ids=data["units"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    signer=data["signer"],
                )
            except ValidationError as exc:
                _show_errors(request, form, exc)
            else:
                messages.success(
                    request,
                    _("Decision %(number)s recorded: %(count)s units awarded “%(title)s”.")
                    % {"number": data["decision_number"], "count": len(decided), "title": programme.title},
                )
                url = reverse("campaigns:title-list", args=[programme.code, year])
                return redirect(url)
        else:
            messages.error(request, _("Nothing was saved: check the fields marked below."))
    else:
        form = DecisionForm(visit_ids=open_ids, initial={"units": open_ids})
    ticked = {str(v) for v in (form["units"].value() or [])}
    return render(
        request,
        "campaigns/movement/title_decide.html",
        {
            "programme": programme,
            "year": year,
            "city": city,
            "cities": permissions.cities_led_by(request.user),
            "rows": rows,
            "ticked": ticked,
            "open_count": len(open_ids),
            "form": form,
            "valid_until": programme.valid_until(year),
        },
    )


# --- one title and its withdrawal ------------------------------------------------------------------------------


def _title_or_404(request, pk: int) -> Recognition:
    qs = title_services.titles(Recognition.objects.visible_to(request.user))
    return get_object_or_404(qs.select_related("ward", "neighbourhood", "programme", "visit__round"), pk=pk)


def _detail(request, title: Recognition, form: WithdrawForm | None = None):
    may_withdraw = title_services.may_decide(request.user, title) and title.status == Recognition.Status.CONFIRMED
    if may_withdraw and form is None:
        form = WithdrawForm(initial={"status": title.status, "withdrawn_on": timezone.localdate()})
    title.state = title_services.title_state(title, timezone.localdate())
    return render(
        request,
        "campaigns/movement/title_detail.html",
        {
            "title": title,
            "unit": title.neighbourhood or title.ward,
            "history": HistoryEntry.objects.for_object(title).filter(~Q(action=REMIND_ACTION))[:50],
            "form": form if may_withdraw else None,
            "states": State.LABELS,
        },
    )


@login_required
def title_detail(request, pk: int):
    """One title: its unit, the decision that awarded it, its term and state, its withdrawal, its history."""
    return _detail(request, _title_or_404(request, pk))


@login_required
@require_POST
def title_withdraw(request, pk: int):
    """Withdraw a title by decision (number, date, signer, reason). Ward users: 403; outside the scope: 404."""
    title = _title_or_404(request, pk)
    if not title_services.may_decide(request.user, title):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            title_services.title_withdraw(
                user=request.user,
                recognition=title,
                withdrawal_number=data["withdrawal_number"],
                withdrawn_on=data["withdrawn_on"],
                signer=data["signer"],
                reason=data["reason"],
                seen_status=data.get("status") or None,
            )
        except ValidationError as exc:
            _show_errors(request, form, exc)
            if _is_stale(exc):  # withdrawn meanwhile: show the title as it now stands
                return redirect("campaigns:title-detail", pk=title.pk)
        else:
            messages.success(request, _("The title was withdrawn; both decisions are kept in its history."))
            return redirect("campaigns:title-detail", pk=title.pk)
    else:
        messages.error(request, _("Nothing was saved: check the fields marked below."))
    return _detail(request, title, form)


# --- the dashboards' panel ----------------------------------------------------------------------------------------


@login_required
def title_panel(request):
    """Registered against reached this year (title_figures.title_panel) for ?ward=<code> or ?city=<code>: the
    panel the dashboards load after the page (htmx), or a page of its own. Outside the scope: 404."""
    ward_code, city_code = request.GET.get("ward"), request.GET.get("city")
    if ward_code:
        wards = Ward.objects.visible_to(request.user).filter(pk=get_ward_for_user(request.user, ward_code).pk)
    elif city_code:
        wards = Ward.objects.visible_to(request.user).filter(city=get_city_for_user(request.user, city_code))
    else:
        raise Http404
    context = {"title_panel": title_figures.title_panel(wards, timezone.localdate().year)}
    if request.headers.get("HX-Request"):
        return render(request, "campaigns/movement/title_panel.html", context)
    return render(request, "campaigns/movement/title_panel_page.html", context)
