"""The rating of party cells (đánh giá, xếp loại chi bộ): ward staff rate their ward's party cells for a year,
everyone in scope reads them."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
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
    """Save the rating posted for `cell`: None once saved, else its form with the errors."""
    form = RatingForm(request.POST, year=year, prefix=f"c{cell.pk}")
    if form.is_valid():
        try:
            rating_services.party_cell_rate(
                user=request.user,
                party_cell=cell,
                year=year,
                score=form.cleaned_data.get("score"),
                level=form.cleaned_data.get("level"),
                members=form.cleaned_data["members"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(cell)s: rating saved.") % {"cell": cell.name})
            return None
    return form


@login_required
def party_cells(request, code: str, year: int):
    """The ward's party cells with their rating for the year; the ward's staff rate them, others read."""
    ward = get_ward_for_user(request.user, code)
    _year_or_404(year)
    can_edit = scope.can_edit_ward(request.user, ward)
    cells = _cells_of_year(ward, year)
    ratings = {
        r.party_cell_id: r
        for r in PartyCellRating.objects.visible_to(request.user).filter(party_cell__in=cells, year=year)
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
            return redirect("campaigns:party-cells", code=ward.code, year=year)
        bound = (cell.pk, form)
    rows = []
    for cell in cells:
        rating = ratings.get(cell.pk)
        form = None
        if can_edit:
            if bound and bound[0] == cell.pk:
                form = bound[1]
            else:
                form = RatingForm(initial=RatingForm.initial_for(rating), year=year, prefix=f"c{cell.pk}")
        rows.append({"cell": cell, "rating": rating, "form": form})
    by_level = {level: 0 for level in PartyCellRating.Level.values}
    for rating in ratings.values():
        by_level[rating.level] += 1
    return render(
        request,
        "campaigns/movement/party_cells.html",
        {
            "ward": ward,
            "year": year,
            "rows": rows,
            "can_edit": can_edit,
            "scale": PartyCellRating.Scale(PartyCellRating.scale_for(year)),
            "uses_points": PartyCellRating.scale_for(year) == PartyCellRating.Scale.POINTS,
            "levels": [(PartyCellRating.Level(k).label, n) for k, n in by_level.items()],
            "rated": len(ratings),
            "years": [year - 1, year + 1] if year + 1 <= YEARS[1] else [year - 1],
        },
    )
