"""Criteria sets in the portal.

Everyone with a scope reads the sets, their criteria and thresholds. Administrators
copy a set into a new version and change an indicator's thresholds (both in
campaigns.criteria.services), the thresholds only on a set no result points at yet:
a set with results is a legal instrument that was applied, so it changes by a new version.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.criteria.evaluation import IndicatorKind, display
from campaigns.criteria.extension import loosens
from campaigns.criteria.forms import IndicatorThresholdForm, NewVersionForm
from campaigns.criteria.models import CriteriaSet, Indicator, Level
from campaigns.criteria.services import criteria_set_new_version, indicator_threshold_change
from portal import scope
from portal.models import HistoryEntry
from wards.models import Neighbourhood, Ward

HISTORY_SHOWN = 50


def _require_reader(user) -> None:
    if scope.scope_of(user).is_empty:
        raise PermissionDenied


def _require_admin(user) -> None:
    if not scope.scope_of(user).is_admin:
        raise PermissionDenied


def _in_force_on(criteria_set: CriteriaSet, day) -> bool:
    return criteria_set.effective_from <= day and (criteria_set.effective_to is None or criteria_set.effective_to > day)


def _latest_version(criteria_set: CriteriaSet) -> int:
    return CriteriaSet.objects.filter(code=criteria_set.code).aggregate(v=Max("version"))["v"]


def threshold_text(indicator: Indicator, value) -> str:
    """What meets the indicator, as people read it: “≥ 90 %”, “Yes”, “any value”."""
    if indicator.kind == IndicatorKind.TEXT:
        return _("something written")
    if indicator.kind == IndicatorKind.BOOLEAN:
        return display(IndicatorKind.BOOLEAN, 1 if value is None else value)
    if value is None:
        return _("any value")
    return f"{indicator.get_comparator_display()} {display(indicator.kind, value)} {indicator.unit}".strip()


def _zone_rows(indicator: Indicator) -> list[tuple[str, str]]:
    labels = dict(Ward.Zone.choices)
    return [
        (labels.get(zone, zone), threshold_text(indicator, Decimal(str(value))))
        for zone, value in (indicator.zone_thresholds or {}).items()
    ]


# --- pages ---------------------------------------------------------------------


@login_required
def set_list(request):
    _require_reader(request.user)
    today = timezone.localdate()
    sets = list(
        CriteriaSet.objects.annotate(
            criteria_count=Count("criteria", distinct=True),
            indicator_count=Count("criteria__indicators", distinct=True),
            # Through the reverse relation: the criteria layer never imports the results it is used by.
            results_exist=Exists(CriteriaSet.objects.filter(pk=OuterRef("pk"), submissions__isnull=False)),
        ).order_by("level", "code", "-version")
    )
    for criteria_set in sets:
        criteria_set.in_force_now = _in_force_on(criteria_set, today)
    return render(request, "campaigns/criteria/sets_list.html", {"sets": sets, "today": today})


@login_required
def set_detail(request, pk: int):
    _require_reader(request.user)
    return _detail(request, get_object_or_404(CriteriaSet.objects.select_related("replaces", "extends"), pk=pk))


def _detail(request, criteria_set: CriteriaSet, form: NewVersionForm | None = None):
    is_admin = scope.scope_of(request.user).is_admin
    latest = _latest_version(criteria_set)
    if form is None and is_admin:
        form = NewVersionForm(
            criteria_set=criteria_set, latest_version=latest, initial={"effective_from": timezone.localdate()}
        )
    criteria = list(criteria_set.criteria.prefetch_related("indicators"))
    indicators = {i.pk: i for c in criteria for i in c.indicators.all()}
    rows = _criteria_rows(criteria_set, criteria)
    kinds = dict((Ward.Kind if criteria_set.level == Level.WARD else Neighbourhood.Kind).choices)
    history = list(
        HistoryEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(CriteriaSet), object_id=criteria_set.pk)
            | Q(content_type=ContentType.objects.get_for_model(Indicator), object_id__in=list(indicators))
        ).select_related("user", "content_type")[:HISTORY_SHOWN]
    )
    for entry in history:
        indicator = indicators.get(entry.object_id) if entry.content_type.model == "indicator" else None
        entry.subject_label = indicator.code if indicator else _("the set")
    submissions = criteria_set.submissions.count()
    return render(
        request,
        "campaigns/criteria/set_detail.html",
        {
            "set": criteria_set,
            "rows": rows,
            "unit_kinds": [kinds.get(k, k) for k in criteria_set.unit_kinds],
            "replaced_by": list(criteria_set.replaced_by.all()),
            "extensions": list(criteria_set.extensions.all()),
            "submission_count": submissions,
            "has_results": submissions > 0,
            "in_force_now": _in_force_on(criteria_set, timezone.localdate()),
            "latest_version": latest,
            "is_admin": is_admin,
            "form": form,
            "history": history,
            # Where each criterion and indicator comes from: said on a set made of more than its own decision.
            "shows_decisions": criteria_set.extends_id is not None
            or any(c.decision for c in criteria)
            or any(i.decision for i in indicators.values()),
            "example_count": sum(item["indicator"].threshold_is_example for row in rows for item in row["indicators"]),
        },
    )


def _criteria_rows(criteria_set: CriteriaSet, criteria: list) -> list[dict]:
    """Each criterion with its indicators as the page shows them: thresholds, zones, the decision each comes
    from (blank in the database: the set's own), and, in a set extending another, the parent's threshold an
    indicator tightens (one query for the parent's indicators, whatever the number of criteria)."""
    own, frame, parent = criteria_set.document_number, criteria_set.extends, {}
    if frame is not None:
        parent = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set_id=criteria_set.extends_id)}
    rows = []
    for criterion in criteria:
        items = []
        for i in criterion.indicators.all():
            item = {
                "indicator": i,
                "threshold": threshold_text(i, i.threshold),
                "zones": _zone_rows(i),
                "decision": i.decision or own,  # blank: the set's own decision, even in a criterion it took
                "tightened": None,
            }
            before = parent.get(i.code)
            if before is not None and not i.decision and _tightened(before, i):
                item["tightened"] = {
                    "threshold": threshold_text(before, before.threshold),
                    "zones": _zone_rows(before),
                    "decision": before.decision or frame.document_number,
                }
            items.append(item)
        rows.append({"criterion": criterion, "decision": criterion.decision or own, "indicators": items})
    return rows


def _tightened(before: Indicator, after: Indicator) -> bool:
    """Whether an indicator's thresholds differ from those of the frame's indicator it overrides, and none is
    looser (the loader refuses a looser one; a threshold edited since is not called tightened)."""
    zones = set(before.zone_thresholds or {}) | set(after.zone_thresholds or {})
    pairs = [(before.threshold, after.threshold)] + [(before.threshold_for(z), after.threshold_for(z)) for z in zones]
    return any(old != new for old, new in pairs) and not any(
        loosens(after.kind, after.comparator, old, new) for old, new in pairs
    )


@login_required
@require_POST
def set_new_version(request, pk: int):
    _require_admin(request.user)
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("replaces", "extends"), pk=pk)
    form = NewVersionForm(request.POST, criteria_set=criteria_set, latest_version=_latest_version(criteria_set))
    if not form.is_valid():
        return _detail(request, criteria_set, form=form)
    day = form.cleaned_data["effective_from"]
    try:
        copy = criteria_set_new_version(criteria_set=criteria_set, user=request.user, effective_from=day)
    except IntegrityError:  # someone made the same version at the same moment
        messages.error(
            request, _("Someone else has just made a new version of this set. Look at it before making another.")
        )
        return redirect("campaigns:set-detail", pk=criteria_set.pk)
    messages.success(
        request,
        _(
            "Version %(new)s created, in force from %(date)s. Version %(old)s is no longer in force from that day; "
            "the results entered against it stay with it."
        )
        % {"new": copy.version, "old": criteria_set.version, "date": date_format(day, "SHORT_DATE_FORMAT")},
    )
    return redirect("campaigns:set-detail", pk=copy.pk)


def _refuse_changes(request, criteria_set: CriteriaSet):
    messages.error(
        request,
        _(
            "“%(set)s” version %(version)s already has results, so its thresholds cannot be changed: results "
            "entered against it would no longer mean what they meant. Make a new version first (below), then "
            "change the new version."
        )
        % {"set": criteria_set.name, "version": criteria_set.version},
    )
    return redirect(reverse("campaigns:set-detail", args=[criteria_set.pk]) + "#new-version")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int):
    _require_admin(request.user)
    indicator = get_object_or_404(Indicator.objects.select_related("criterion__criteria_set"), pk=pk)
    criteria_set = indicator.criterion.criteria_set
    if criteria_set.has_results:
        return _refuse_changes(request, criteria_set)
    if request.method == "POST":
        form = IndicatorThresholdForm(request.POST, indicator=indicator)
        if form.is_valid():
            changed = indicator_threshold_change(
                user=request.user,
                indicator=indicator,
                threshold=form.cleaned_data["threshold"],
                zone_thresholds=form.zone_thresholds(),
                threshold_is_example=form.cleaned_data["threshold_is_example"],
                reason=form.cleaned_data["reason"].strip(),
            )
            if changed:
                messages.success(request, _("Indicator %(code)s saved.") % {"code": indicator.code})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("campaigns:set-detail", pk=criteria_set.pk)
    else:
        form = IndicatorThresholdForm(indicator=indicator)
    return render(
        request,
        "campaigns/criteria/indicator_form.html",
        {
            "form": form,
            "indicator": indicator,
            "criterion": indicator.criterion,
            "set": criteria_set,
            "threshold": threshold_text(indicator, indicator.threshold),
            "zones": _zone_rows(indicator),
            "history": HistoryEntry.objects.for_object(indicator)[:HISTORY_SHOWN],
        },
    )
