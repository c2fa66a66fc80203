"""An upload, checked as a whole against what is saved now, then saved all at once or not at all."""

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.criteria.models import Programme
from campaigns.results import rollups, services
from campaigns.results.excel.outcome import UploadResult, UploadRow
from campaigns.results.excel.reading import not_xlsx, read_upload
from campaigns.results.excel.rows import RowContext, check_row
from campaigns.results.excel.units import Unit, units_of
from campaigns.results.models import Period
from campaigns.results.programmes import programmes_of_ward
from portal import scope
from portal.uploads import UploadRule, check_content, safe_name
from wards.models import Ward


def upload_rule() -> UploadRule:
    """The name and size an upload must have; what it holds is checked when it is read."""
    return UploadRule(
        extensions=(".xlsx",),
        wrong_extension=not_xlsx(),
        max_bytes=settings.UPLOAD_MAX_SHEET_BYTES,
        too_large=_("The file is larger than %(max)s."),
    )


def upload_check(
    *, user, ward: Ward, period: Period, filename: str, content: bytes, programme: Programme | None = None
) -> UploadResult:
    """Read and check a whole file against what is saved now, in `programme` (default: the first the ward's
    units follow). Writes nothing.

    Raises PermissionDenied when the user may not change the ward's results.
    """
    if not scope.can_edit_ward(user, ward):
        raise PermissionDenied
    result = UploadResult()
    try:
        check_content(filename, content, upload_rule())
    except ValidationError as exc:
        result.error(None, "", exc.messages[0])
        return result
    rows = read_upload(content, result)
    if rows is None:
        return result
    if not rows:
        result.error(None, "", _("The file has no rows under the header."))
        return result
    programme = programme or next(iter(programmes_of_ward(ward)), None)
    if _of_another_programme(result, programme):
        return result
    _warn_of_another_period(result, ward, period)
    units = {u.neighbourhood.pk: u for u in units_of(ward, period, programme)}
    # Units of the ward without a criteria set in the period, to say so rather than "unknown".
    others = {h.pk: h for h in ward.neighbourhoods.current(period.end) if h.pk not in units}
    context = RowContext(result, units, others)
    seen: dict[tuple[int, int], int] = {}
    for number, cells in rows:
        row = check_row(number, cells, context)
        if row is None:
            continue
        key = (row.neighbourhood.pk, row.indicator.pk)
        if key in seen:
            context.error(number, "code", _("Same neighbourhood and indicator as row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = number
        result.rows.append(row)
    _check_editable(result, period, units)
    result.errors.sort(key=lambda e: e.row or 0)
    return result


def _of_another_programme(result: UploadResult, programme: Programme | None) -> bool:
    """A file made for another programme would put its values in this one's reports (the kiểu mẫu set repeats
    the văn hóa codes): refused, saying where it belongs."""
    if not result.origin_programme or programme is None or result.origin_programme == programme.code:
        return False
    other = Programme.objects.filter(code=result.origin_programme).first()
    name = other.name if other else result.origin_programme
    result.error(
        None,
        "",
        _(
            "This file was downloaded for the programme “%(file_programme)s”; upload it on that programme's "
            "page, or download the template of “%(programme)s”."
        )
        % {"file_programme": name, "programme": programme.name},
    )
    return True


def _warn_of_another_period(result: UploadResult, ward: Ward, period: Period) -> None:
    """The template records its ward and period; warn when a file made for another period is uploaded."""
    if not result.origin or result.origin == (ward.code, period.pk):
        return
    origin_period = Period.objects.filter(pk=result.origin[1]).first()
    if result.origin[0] == ward.code and origin_period is not None:
        result.warnings.append(
            _("This file was downloaded for %(file_period)s; its values will be saved for %(period)s.")
            % {"file_period": origin_period.label, "period": period.label}
        )


def _check_editable(result: UploadResult, period: Period, units: dict[int, Unit]) -> None:
    """Changes to results that can no longer be changed: one error per unit, at its first changed row."""
    changed = [r for r in result.rows if r.changed]
    if changed and period.is_locked:
        result.error(None, "", _("This period is locked."))
        return
    reported = set()
    for row in changed:
        unit = units[row.neighbourhood.pk]
        if unit.submission.pk and not unit.submission.is_editable and row.neighbourhood.pk not in reported:
            reported.add(row.neighbourhood.pk)
            result.error(
                row.row,
                result.labels["value"],
                _("The results of %(unit)s are “%(status)s” and can no longer be changed.")
                % {"unit": row.neighbourhood.name, "status": unit.submission.get_status_display()},
            )


def upload_apply(
    *,
    user,
    ward: Ward,
    period: Period,
    filename: str,
    content: bytes,
    base: dict[str, list] | None = None,
    digest: str | None = None,
    programme: Programme | None = None,
) -> UploadResult:
    """Check the file again and save every change in one transaction, or nothing.

    Saves to a ward are serialised: its row is locked first (it exists even for a month with no
    submission yet, when two files would otherwise both create it), so the check sees whatever a
    save before this one wrote. Given `base`, what a preview checked the rows against
    (UploadResult.base), a row the file changes whose saved value moved on since is a conflict
    (result.conflicts) and nothing is saved; given `digest`, changes other than those the preview
    showed save nothing either (result.stale).

    Each result is saved against its current version; results_save writes the history of each
    change with the file's name as the reason and re-evaluates each submission.
    """
    reason = _("Imported from the Excel file “%(name)s”.") % {"name": safe_name(filename, max_length=120)}
    with transaction.atomic():
        Ward.objects.select_for_update(no_key=True).get(pk=ward.pk)
        programme = programme or next(iter(programmes_of_ward(ward)), None)
        result = upload_check(
            user=user, ward=ward, period=period, filename=filename, content=content, programme=programme
        )
        if not result.ok or not result.changes:
            return result
        if base is not None:
            result.conflicts = [r for r in result.changes if r.moved_since(base.get(r.place))]
        result.stale = not result.conflicts and digest is not None and digest != result.digest
        if result.needs_review:
            return result
        try:
            with rollups.refresh_once():  # a savepoint; the ward's rollups counted once, at its end
                result.saved = _save(result.changes, user=user, period=period, reason=reason, programme=programme)
        except services.ResultConflict:
            result.error(
                None,
                "",
                _(
                    "Some of these results were changed while the file was saved; nothing was saved. "
                    "Upload the file again."
                ),
            )
        except ValidationError as exc:
            result.error(None, "", " ".join(exc.messages) + " " + _("Nothing was saved."))
    return result


def _save(changes: list[UploadRow], *, user, period: Period, reason: str, programme: Programme | None) -> int:
    """Save the changes unit by unit, each result against its current version; how many were written."""
    by_unit = defaultdict(list)
    for row in changes:
        by_unit[row.neighbourhood.pk].append(row)
    saved = 0
    for rows in by_unit.values():
        submission = services.submission_for(rows[0].neighbourhood, period, programme=programme)
        current = {r.indicator_id: r for r in submission.results.all()}
        values, versions = {}, {}
        for row in rows:
            values[row.indicator.pk] = {"value": row.value, "text": row.text, "note": row.note}
            existing = current.get(row.indicator.pk)
            versions[row.indicator.pk] = existing.version if existing else None
        changed = services.results_save(
            submission=submission, user=user, values=values, versions=versions, reason=reason
        )
        saved += sum(1 for r in changed if r.indicator_id in values)
    return saved
