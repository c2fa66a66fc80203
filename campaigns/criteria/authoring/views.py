"""Pages where administrators author a criteria set: upload its YAML, or fill in its form (a new set, or a new
version of one); then a preview that evaluates a sample unit, and the save.

The text of the set travels with the preview as a hidden field and is validated again at every step, the save
included: nothing reaches campaigns.criteria.loading that set_problems has not passed. Only administrators.
"""

from datetime import date

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.criteria.authoring import preview
from campaigns.criteria.authoring.forms import SetAuthoring, UploadForm
from campaigns.criteria.authoring.prefill import blank_set, form_data, next_version_data
from campaigns.criteria.evaluation import IndicatorKind
from campaigns.criteria.loading import criteria_set_load
from campaigns.criteria.models import CriteriaSet, Indicator, Programme
from campaigns.criteria.problems import Problem
from campaigns.criteria.validation import as_version, earlier_set, parse_yaml, set_problems
from campaigns.criteria.views import threshold_text
from portal import scope
from portal.models import history_record
from portal.numbers import number_input, parse_id
from wards.models import Neighbourhood, Ward

UPLOAD, NEW = "upload", "new"  # where a preview came from; a set's id: a new version of that set
KIND_LABELS = dict(Ward.Kind.choices + Neighbourhood.Kind.choices)


def _require_admin(user) -> None:
    if not scope.scope_of(user).is_admin:
        raise PermissionDenied


def read_set(text: str) -> tuple[dict | None, list[Problem]]:
    """The set a YAML text holds and every mistake in it (a syntax error alone, when it cannot be read)."""
    data, problems = parse_yaml(text)
    if problems or data is None:
        return None, problems
    return data, set_problems(data)


def replacement_problems(data: dict, base: CriteriaSet | None) -> list[Problem]:
    """A set that replaces another comes into force after it: the replaced one ends the day the new one begins.

    `base` is the set a new version is made of; otherwise the set `replaces` names, if it exists.
    """
    start = data.get("effective_from")
    replaced = base
    if replaced is None and isinstance(data.get("replaces"), str) and isinstance(data.get("code"), str):
        replaced = earlier_set(data["replaces"].strip(), data["code"], as_version(data.get("version", 1)) or 1)
    if replaced is None or not isinstance(start, date) or start > replaced.effective_from:
        return []
    message = _(
        "the new version must come into force after the set it replaces (%(code)s version %(version)s, in force "
        "from %(date)s); write a later day"
    ) % {
        "code": replaced.code,
        "version": replaced.version,
        "date": date_format(replaced.effective_from, "SHORT_DATE_FORMAT"),
    }
    return [Problem("effective_from", message, ("effective_from",))]


def _merge(reading: list[Problem], checked: list[Problem]) -> list[Problem]:
    """The problems of reading the form's boxes, then the validation's, except those of a box already named."""
    named = {tuple(p.path) for p in reading if p.path}
    return reading + [p for p in checked if not p.path or tuple(p.path) not in named]


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def _latest(criteria_set: CriteriaSet) -> CriteriaSet:
    return (
        CriteriaSet.objects.select_related("replaces", "extends")
        .filter(code=criteria_set.code)
        .order_by("-version")
        .first()
    )


def _origin_set(origin: str) -> CriteriaSet | None:
    """The set a new version is made of, for an origin that names one (404 when it does not exist)."""
    if origin in (UPLOAD, NEW):
        return None
    pk = parse_id(origin)
    if pk is None:
        raise Http404
    return _latest(get_object_or_404(CriteriaSet, pk=pk))


# --- the upload ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def set_upload(request):
    _require_admin(request.user)
    problems = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["text"]
            data, problems = read_set(text)
            if not problems:
                problems = replacement_problems(data, None)
            if not problems:
                return _preview(request, text=text, data=data, origin=UPLOAD)
            if request.FILES:  # the file's text, to correct on the page
                form = UploadForm({"text": text})
    else:
        form = UploadForm()
    return _upload_page(request, form, problems)


def _upload_page(request, form: UploadForm, problems: list[Problem]):
    return render(request, "campaigns/criteria/authoring/upload.html", {"form": form, "problems": problems})


# --- the form -----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def set_create(request):
    _require_admin(request.user)
    return _authoring(request, base=None)


@login_required
@require_http_methods(["GET", "POST"])
def set_edit_new_version(request, pk: int):
    _require_admin(request.user)
    return _authoring(request, base=_latest(get_object_or_404(CriteriaSet, pk=pk)))


def _authoring(request, base: CriteriaSet | None):
    origin = str(base.pk) if base else NEW
    if request.method == "GET":
        data = next_version_data(base, base.version) if base else blank_set()
        return _form_page(request, SetAuthoring(form_data(data)), base, [])
    add = request.POST.get("add")
    if add:  # "add a criterion", "add an indicator": the same form with one more row, nothing checked yet
        return _form_page(request, SetAuthoring(SetAuthoring.with_row(request.POST, add)), base, [])
    authoring = SetAuthoring(request.POST)
    data, reading = authoring.set_data()
    problems = _merge(reading, set_problems(data))
    if not problems:
        problems = replacement_problems(data, base)
    if problems:
        authoring.attach(problems)
        return _form_page(request, authoring, base, problems)
    return _preview(request, text=_dump(data), data=data, origin=origin)


def _form_page(request, authoring: SetAuthoring, base: CriteriaSet | None, problems: list[Problem]):
    return render(
        request,
        "campaigns/criteria/authoring/set_form.html",
        {
            "authoring": authoring,
            "base": base,
            "problems": problems,
            "zones": Ward.Zone.choices,
        },
    )


# --- the preview and the save ---------------------------------------------------------------------------------------


@login_required
@require_POST
def set_preview(request):
    """The preview's own buttons: evaluate a unit or typed values, go back to edit, save."""
    _require_admin(request.user)
    text, origin = request.POST.get("text", ""), request.POST.get("origin", UPLOAD)
    base = _origin_set(origin)
    data, problems = read_set(text)
    if not problems:
        problems = replacement_problems(data, base)
    action = request.POST.get("action", "")
    if action == "edit" or problems:
        return _back_to_edit(request, text, data, origin, base, problems)
    if action == "save":
        return _save(request, text, data, origin)
    return _preview(request, text=text, data=data, origin=origin, posted=request.POST)


def _back_to_edit(request, text: str, data: dict | None, origin: str, base, problems: list[Problem]):
    if origin == UPLOAD or data is None:
        return _upload_page(request, UploadForm({"text": text}), problems)
    authoring = SetAuthoring(form_data(data))
    authoring.set_data()  # which row each part of the dict is, for the problems to find their boxes
    if problems:
        authoring.attach(problems)
    return _form_page(request, authoring, base, problems)


def _save(request, text: str, data: dict, origin: str):
    try:
        with transaction.atomic():
            criteria_set, outcome = criteria_set_load(data)
            Programme.objects.for_set(criteria_set)  # every set's results belong to a programme
            if outcome != "unchanged":
                history_record(
                    obj=criteria_set,
                    user=request.user,
                    action="create" if outcome == "created" else "update",
                    reason=_("Written in the portal") if origin != UPLOAD else _("Uploaded in the portal"),
                )
    except ValidationError as error:
        refused = [Problem("", message) for message in error.messages]
        return _preview(request, text=text, data=data, origin=origin, posted=request.POST, refused=refused)
    except IntegrityError:  # the same code and version saved by someone else at the same moment
        refused = [Problem("", _("Someone else has just saved this set and version. Look at it before saving again."))]
        return _preview(request, text=text, data=data, origin=origin, posted=request.POST, refused=refused)
    if outcome == "unchanged":
        messages.info(request, _("This set was already saved exactly so: nothing was changed."))
    else:
        messages.success(
            request,
            _("“%(name)s” version %(version)s saved, with %(count)s criteria.")
            % {"name": criteria_set.name, "version": criteria_set.version, "count": len(data.get("criteria") or [])},
        )
    return redirect("campaigns:set-detail", pk=criteria_set.pk)


def _preview(request, *, text: str, data: dict, origin: str, posted=None, refused=None):
    """The set as it would be saved, and the sample unit (or typed values) evaluated against it."""
    draft = preview.draft(data)
    criteria_set = draft.criteria_set
    posted = posted or {}
    sample = _sample(request, draft, posted)
    outcomes = sample["outcomes"]
    existing = CriteriaSet.objects.filter(code=criteria_set.code, version=criteria_set.version).first()
    return render(
        request,
        "campaigns/criteria/authoring/preview.html",
        {
            **sample,
            "text": text,
            "origin": origin,
            "set": criteria_set,
            "rows": _rows(draft, outcomes, sample["source"], sample["typed"], sample["typed_problems"]),
            "met_count": sum(1 for o in outcomes or [] if o.status == preview.MET),
            "no_data_count": sum(1 for o in outcomes or [] if o.status == preview.NO_DATA),
            "zones": Ward.Zone.choices,
            "existing": existing,
            "existing_has_results": bool(existing and existing.has_results),
            "refused": refused or [],
            "replaces": _named(data.get("replaces"), criteria_set),
            "extends": _named(data.get("extends"), criteria_set),
            "kinds": [KIND_LABELS.get(k, k) for k in criteria_set.unit_kinds],
        },
    )


def _sample(request, draft: preview.Draft, posted) -> dict:
    """The sample unit (looked up among the units the user sees: 404 otherwise), the units to choose from, and
    the outcome: of the values typed ("typed"), else of the unit's latest counted results."""
    criteria_set = draft.criteria_set
    action = posted.get("action", "")
    model = preview.unit_model(criteria_set.level)
    unit = None
    if posted.get("unit") and action != "search":
        pk = parse_id(posted.get("unit"))
        if pk is None:
            raise Http404
        related = "ward" if model is not Ward else "city"
        unit = get_object_or_404(model.objects.visible_to(request.user).select_related(related), pk=pk)
    search = (posted.get("q") or "").strip()[:100]
    units = preview.unit_choices(request.user, criteria_set, search, chosen=unit)
    source, outcomes, typed, typed_problems, zone = None, None, {}, {}, None
    if action == "typed":
        values, typed, typed_problems = preview.typed_values(draft, posted)
        zone = posted.get("zone") if posted.get("zone") in Ward.Zone.values else None
        zone = zone or (preview.unit_zone(unit) if unit else Ward.Zone.PLAINS)
        outcomes = preview.evaluate(draft, values, zone)
    elif unit is not None:
        source = preview.unit_results(unit, criteria_set)
        zone = preview.unit_zone(unit)
        if source.submission is not None:
            outcomes = preview.evaluate(draft, source.values, zone)
    return {
        "unit": unit,
        "unit_label": preview.unit_label(unit) if unit else "",
        "units": [(u.pk, preview.unit_label(u)) for u in units],
        "units_capped": len(units) >= preview.UNITS_SHOWN,
        "search": search,
        "source": source,
        "outcomes": outcomes,
        "typed": typed,
        "typed_problems": typed_problems,
        "typed_mode": action == "typed",
        "zone": zone,
        "zone_label": dict(Ward.Zone.choices).get(zone, ""),
    }


def _named(code, criteria_set: CriteriaSet) -> CriteriaSet | None:
    if not isinstance(code, str) or not code.strip():
        return None
    return earlier_set(code.strip(), criteria_set.code, criteria_set.version)


def _zone_rows(indicator: Indicator) -> list[tuple[str, str]]:
    labels = dict(Ward.Zone.choices)
    return [
        (labels.get(zone, zone), threshold_text(indicator, preview._decimal(value)))
        for zone, value in (indicator.zone_thresholds or {}).items()
    ]


def _rows(draft, outcomes, source, typed: dict, typed_problems: dict) -> list[dict]:
    """Each criterion with its indicators as the preview shows them, with the sample's outcome when there is one."""
    rows, n = [], 0
    for index, (criterion, indicators) in enumerate(draft.criteria):
        outcome = outcomes[index] if outcomes else None
        items = []
        for i_index, indicator in enumerate(indicators):
            result = outcome.indicators[i_index] if outcome else None
            if indicator.code in typed:
                box = typed[indicator.code]
            elif source is not None and indicator.code in source.values:
                raw = source.values[indicator.code]
                box = raw if indicator.kind == IndicatorKind.TEXT else number_input(raw)
            else:
                box = ""
            items.append(
                {
                    "indicator": indicator,
                    "threshold": threshold_text(indicator, indicator.threshold),
                    "zones": _zone_rows(indicator),
                    "result": result,
                    "input_name": f"value-{n}",
                    "input_value": box,
                    "input_problem": typed_problems.get(indicator.code, ""),
                }
            )
            n += 1
        rows.append({"criterion": criterion, "outcome": outcome, "indicators": items})
    return rows
