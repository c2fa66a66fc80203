"""Uploads awaiting confirmation, kept on the server with an expiry rather than in the session.

An upload that passed every check becomes an ExcelPreview: the file in the default storage, who
uploaded it for which ward and period, and what each of its rows was checked against (`base`). The
session holds its token only, so a preview costs the pages of its user nothing. Confirming checks the
file again under the ward's lock (upload_apply) and saves nothing when a row it changes moved on since
the preview, typically because a colleague confirmed another file for the same ward and month: the
differences are shown and the preview is kept, to upload again or to confirm knowingly. A preview
lives PREVIEW_LIFETIME; an expired one is refused, and the hourly cleanup (previews_delete_expired)
removes it with its file.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.results.excel.outcome import UploadResult
from campaigns.results.excel.upload import upload_apply
from campaigns.results.models import ExcelPreview, Period
from portal.uploads import safe_name
from wards.models import Ward

PREVIEW_LIFETIME = timedelta(hours=2)
MAX_PENDING = 3  # previews a user keeps at once; a new one pushes out the oldest


class PreviewUnavailable(Exception):
    """The preview expired or its file is gone; nothing was saved. The message says what to do."""


def preview_keep(
    *, user, ward: Ward, period: Period, filename: str, content: bytes, result: UploadResult, programme=None
) -> ExcelPreview:
    """Keep a checked upload until it is confirmed; it replaces the user's earlier one for the ward and period."""
    now = timezone.now()
    mine = ExcelPreview.objects.filter(user=user)
    replaced = list(mine.filter(Q(ward=ward, period=period) | Q(expires_at__lte=now)))
    others = list(mine.exclude(pk__in=[p.pk for p in replaced]).order_by("-created_at"))
    _delete(replaced + others[MAX_PENDING - 1 :])
    preview = ExcelPreview(
        token=secrets.token_urlsafe(32),
        ward=ward,
        period=period,
        programme=programme,
        user=user,
        filename=safe_name(filename, max_length=200),
        sha256=hashlib.sha256(content).hexdigest(),
        base=result.base,
        created_at=now,
        expires_at=now + PREVIEW_LIFETIME,
    )
    preview.file.save("preview.xlsx", ContentFile(content), save=False)
    preview.save()
    return preview


def preview_confirm(*, user, preview: ExcelPreview, digest: str) -> UploadResult:
    """Save the changes of a preview, all or nothing, unless what is saved moved on since it was shown.

    `digest` is the one of the changes the confirmed page showed. Raises PreviewUnavailable, and
    deletes the preview, when it has expired or its file is gone. When the saved values moved on
    (result.needs_review) the preview is kept, now against what is saved, so that confirming it again
    replaces them knowingly; otherwise it is done with and deleted.
    """
    if preview.is_expired:
        _delete([preview])
        raise PreviewUnavailable(_("This preview has expired; nothing was saved. Upload the file again."))
    content = _content(preview)
    if content is None:
        _delete([preview])
        raise PreviewUnavailable(_("The uploaded file is no longer available; upload it again."))
    result = upload_apply(
        user=user,
        ward=preview.ward,
        period=preview.period,
        filename=preview.filename,
        content=content,
        base=preview.base,
        digest=digest,
        programme=preview.programme,
    )
    if result.needs_review:
        ExcelPreview.objects.filter(pk=preview.pk).update(base=result.base)
    else:
        _delete([preview])
    return result


def previews_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the previews past their expiry and their files; how many. Run hourly by Celery beat."""
    expired = list(ExcelPreview.objects.expired(now).only("pk", "file"))
    _delete(expired)
    return len(expired)


def _content(preview: ExcelPreview) -> bytes | None:
    try:
        with preview.file.open("rb") as f:
            content = f.read()
    except (OSError, ValueError):
        return None
    return content if hashlib.sha256(content).hexdigest() == preview.sha256 else None


def _delete(previews: list[ExcelPreview]) -> None:
    """The rows, then their files once the deletion is committed."""
    if not previews:
        return
    files = [(p.file.storage, p.file.name) for p in previews if p.file]
    ExcelPreview.objects.filter(pk__in=[p.pk for p in previews]).delete()

    def delete_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
