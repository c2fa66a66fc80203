"""The rating of party cells (đánh giá, xếp loại chi bộ): ward staff rate their ward's party cells for a year
or a quarter, everyone in scope reads them."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.movement.forms.ratings import RatingForm
from campaigns.movement.models import PartyCellRating
from campaigns.movement.services import ratings as rating_services
from campaigns.movement.views.recognitions import YEARS, _int, _year_or_404
from portal import scope
from wards.models import PartyCell, Ward
from wards.selectors import get_ward_for_user

# --- party cells ----------------------------------------------------------------------------------------------


def _cells_of_year(ward: Ward, year: int) -> list[PartyCell]:
    """The ward's party cells that existed at some time during `year`, by name."""
    return list(
        ward.party_cells.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date(year, 12, 31)),
            Q(valid_to__isnull=True) | Q(valid_to__gt=date(year, 1, 1)),
        )
        .select_related("neighbourhood")
        .order_by("search_key", "pk")
    )


def _rate(request, cell: PartyCell, year: int) -> RatingForm | None:
    """Save the rating posted for `cell` (for the year or the quarter posted): None once saved, else its form
    with the errors, what was typed kept."""
    form = RatingForm(request.POST, year=year, prefix=f"c{cell.pk}")
    if form.is_valid():
        try:
            rating_services.party_cell_rate(
                user=request.user,
                party_cell=cell,
                year=year,
                quarter=form.cleaned_data["quarter"],
                score=form.cleaned_data.get("score"),
                level=form.cleaned_data.get("level"),
                members=form.cleaned_data["members"],
                note=form.cleaned_data["note"],
                conditions=form.conditions,
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields and field != "quarter" else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("%(cell)s: rating saved.") % {"cell": cell.name})
            return None
    return form


def _quarter_of(request, year: int) -> int | None:
    """The quarter asked for (?quarter=1…4), None for the year; a bad one is said and the year shown."""
    try:
        return rating_services.check_quarter(year, request.GET.get("quarter"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None


def _switch(ward: Ward, year: int, quarter: int | None) -> list[dict]:
    """The year / quarter switch: the year's rating, then each quarter (from 2025)."""
    base = reverse("campaigns:party-cells", args=[ward.code, year])
    links = [{"label": _("Whole year"), "url": base, "active": quarter is None}]
    if PartyCellRating.scale_for(year) == PartyCellRating.Scale.POINTS:
        links += [
            {"label": _("Quarter %(n)s") % {"n": n}, "url": f"{base}?quarter={n}", "active": quarter == n}
            for n in range(1, 5)
        ]
    return links


def _rows(cells, ratings: dict, year: int, quarter: int | None, can_edit: bool, bound) -> list[dict]:
    """Each cell with its rating and, for those who rate, its form (the one that failed keeps what was typed)."""
    rows = []
    for cell in cells:
        rating = ratings.get(cell.pk)
        form = None
        if can_edit:
            if bound and bound[0] == cell.pk:
                form = bound[1]
            else:
                initial = RatingForm.initial_for(rating, quarter=quarter)
                form = RatingForm(initial=initial, year=year, prefix=f"c{cell.pk}")
        rows.append({"cell": cell, "rating": rating, "form": form})
    return rows


def _caps() -> list[tuple]:
    """The conditions of QĐ 366-QĐ/TW that cap a level, each with the highest level it leaves."""
    return [
        (PartyCellRating._meta.get_field(name).verbose_name, PartyCellRating.Level(level).label)
        for name, level in PartyCellRating.CAPS.items()
    ]


@login_required
def party_cells(request, code: str, year: int):
    """The ward's party cells with their rating for the year or one quarter; the ward's staff rate them, others
    read. A rating lowered by a condition of QĐ 366-QĐ/TW says so and why."""
    ward = get_ward_for_user(request.user, code)
    _year_or_404(year)
    quarter = _quarter_of(request, year)
    can_edit = scope.can_edit_ward(request.user, ward)
    cells = _cells_of_year(ward, year)
    ratings = {
        r.party_cell_id: r
        for r in PartyCellRating.objects.visible_to(request.user).filter(party_cell__in=cells).of_period(year, quarter)
    }
    bound = None  # the cell whose form failed, with its errors
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        cell = next((c for c in cells if c.pk == _int(request.POST.get("cell"))), None)
        if cell is None:
            raise Http404
        form = _rate(request, cell, year)
        if form is None:
            url = reverse("campaigns:party-cells", args=[ward.code, year])
            return redirect(f"{url}?quarter={quarter}" if quarter else url)
        messages.error(request, _("%(cell)s: nothing was saved, see the rating below.") % {"cell": cell.name})
        bound = (cell.pk, form)
    rows = _rows(cells, ratings, year, quarter, can_edit, bound)
    by_level = {level: 0 for level in PartyCellRating.Level.values}
    for rating in ratings.values():
        by_level[rating.level] += 1
    uses_points = PartyCellRating.scale_for(year) == PartyCellRating.Scale.POINTS
    return render(
        request,
        "campaigns/movement/party_cells.html",
        {
            "ward": ward,
            "year": year,
            "quarter": quarter,
            "switch": _switch(ward, year, quarter),
            "rows": rows,
            "can_edit": can_edit,
            "scale": PartyCellRating.Scale(PartyCellRating.scale_for(year)),
            "uses_points": uses_points,
            "caps": _caps() if uses_points else [],
            "levels": [(PartyCellRating.Level(k).label, n) for k, n in by_level.items()],
            "rated": len(ratings),
            "capped": rating_services.capped_count(ratings.values()),
            "years": [year - 1, year + 1] if year + 1 <= YEARS[1] else [year - 1],
        },
    )
