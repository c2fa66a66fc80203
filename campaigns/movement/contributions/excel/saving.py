"""A checked file awaiting confirmation, then saved all at once or not at all.

A valid upload is kept as a pending ContributionImport (the file's bytes, its fingerprints, who uploaded it
for which ward) for PREVIEW_LIFETIME; the user's earlier pending file for the ward is replaced. Confirming
locks the ward's row, checks the file again (a colleague may have imported it meanwhile) and saves every
row through services.contribution_save in one transaction: one refused row saves nothing.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.movement.contributions import services
from campaigns.movement.contributions.excel.checking import ImportCheck, import_check
from campaigns.movement.contributions.models import ContributionImport
from campaigns.movement.contributions.querysets import can_edit_contributions
from portal.uploads import safe_name
from wards.models import Ward

PREVIEW_LIFETIME = timedelta(hours=2)


class ImportUnavailable(Exception):
    """The pending file expired or was already confirmed; nothing was saved. The message says what to do."""


def import_keep(*, user, ward: Ward, filename: str, content: bytes, check: ImportCheck) -> ContributionImport:
    """Keep a checked file until it is confirmed, in place of the user's earlier pending file for the ward."""
    if not can_edit_contributions(user, ward):
        raise PermissionDenied
    now = timezone.now()
    ContributionImport.objects.pending().filter(Q(user=user, ward=ward) | Q(expires_at__lte=now)).delete()
    return ContributionImport.objects.create(
        ward=ward,
        user=user,
        filename=safe_name(filename, max_length=200),
        sha256=check.sha256,
        digest=check.digest,
        rows=len(check.rows),
        content=content,
        created_at=now,
        expires_at=now + PREVIEW_LIFETIME,
    )


def import_confirm(*, user, pending: ContributionImport) -> ImportCheck:
    """Save every row of a pending file, or nothing; the check's errors say why nothing was saved."""
    if not can_edit_contributions(user, pending.ward):
        raise PermissionDenied
    if pending.expires_at <= timezone.now():
        pending.delete()
        raise ImportUnavailable(_("This preview has expired; nothing was saved. Upload the file again."))
    with transaction.atomic():
        Ward.objects.select_for_update(no_key=True).get(pk=pending.ward_id)
        current = ContributionImport.objects.select_for_update().filter(pk=pending.pk, status="pending").first()
        if current is None:
            raise ImportUnavailable(_("This file was already confirmed or replaced; nothing more was saved."))
        check = import_check(ward=pending.ward, filename=current.filename, content=bytes(current.content))
        if not check.ok:
            return check
        try:
            with transaction.atomic():
                _save(user, current, check)
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [_("The file could not be saved.")]
            check.error(None, "", " ".join(messages) + " " + _("Nothing was saved."))
    return check


def _save(user, current: ContributionImport, check: ImportCheck) -> None:
    reason = _("Imported from the Excel file “%(name)s”.") % {"name": current.filename}
    for row in check.rows:
        services.contribution_save(user=user, ward=current.ward, data=row.data, imported_from=current, reason=reason)
    current.status = ContributionImport.Status.DONE
    current.digest = check.digest
    current.content = b""
    current.confirmed_at = timezone.now()
    current.save()


def imports_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the pending files past their expiry; how many."""
    deleted, _by_model = ContributionImport.objects.pending().filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
