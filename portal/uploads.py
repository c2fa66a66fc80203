"""Checks of uploaded files: what they really are, how large they are, and a name fit to keep.

One validator for every upload of the portal (evidence photos and PDFs, task attachments, commitment scans,
Excel workbooks, neighbourhood files). Each caller states its own `UploadRule`, with its own messages, so the
words users read stay those of the page they use.

The type is read from the content, never from the name: `filetype` recognises photos and PDFs by their first
bytes; a zip-based file is opened just far enough to read its directory, which says whether it is an .xlsx
workbook and how much it unpacks to (a zip bomb is a few kilobytes that unpack to gigabytes).
"""

import re
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

MB = 1024 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ZIP_MAGIC = b"PK\x03\x04"
_HEAD = 262  # bytes filetype needs to recognise a type
_FOLDERS = re.compile(r"[/\\]")


@dataclass(frozen=True)
class UploadRule:
    """What a file must be to be accepted, and what to say when it is not.

    Checked in this order, each only when set: the name's extension, the size, the type read from the
    content, the unpacked size of a zip-based file. A message may name the file with %(name)s.
    """

    extensions: tuple[str, ...] = ()  # lower case, with the dot: (".csv", ".xlsx")
    wrong_extension: str = ""
    max_bytes: int | None = None
    too_large: str = ""
    types: Collection[str] = ()  # content types, e.g. (JPEG, PNG, PDF)
    wrong_type: str = ""
    max_unpacked_bytes: int | None = None
    too_large_unpacked: str = _("The file is too large once unpacked.")


def check_upload(upload: File, rule: UploadRule) -> str:
    """The file's content type as read from its content ("" when the rule accepts any type).

    Raises ValidationError with the rule's message for the first check the file fails.
    """
    name = upload.name or ""
    if rule.extensions and not name.lower().endswith(rule.extensions):
        raise _refused(rule.wrong_extension, name)
    if rule.max_bytes is not None and upload.size > rule.max_bytes:
        raise _refused(rule.too_large, name)
    if not rule.types:
        return ""
    kind, unpacked = _sniff(upload)
    if kind not in rule.types:
        raise _refused(rule.wrong_type, name)
    if rule.max_unpacked_bytes is not None and unpacked > rule.max_unpacked_bytes:
        raise _refused(rule.too_large_unpacked, name)
    return kind


def check_content(name: str, content: bytes, rule: UploadRule) -> str:
    """check_upload for a file already read into memory (a kept upload, a file given to a command)."""
    return check_upload(ContentFile(content, name=name or ""), rule)


def nothing_saved_message(errors: int) -> str:
    """What an all-or-nothing import says when a file has errors (each is listed below it)."""
    return ngettext(
        "The file has %(count)s error; nothing was saved.",
        "The file has %(count)s errors; nothing was saved.",
        errors,
    ) % {"count": errors}


def safe_name(name: str | None, *, max_length: int = 255) -> str:
    """The name a user gave a file, fit to keep and show: no folders, no control characters, NFC.

    Control and format characters go too: a right-to-left override can make "gpj.exe" read as "exe.jpg".
    """
    name = _FOLDERS.split(unicodedata.normalize("NFC", name or ""))[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    return name.strip()[:max_length]


def _refused(message: str, name: str) -> ValidationError:
    return ValidationError(message % {"name": name})


def _sniff(upload: File) -> tuple[str | None, int]:
    """The content type read from the first bytes, and what a zip-based file unpacks to (0 otherwise)."""
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(upload)
    kind = filetype.guess(head)
    return (kind.mime if kind else None), 0


def _zip_kind(upload: File) -> tuple[str | None, int]:
    """XLSX or ZIP by the zip's directory, with the sum of the sizes it declares (zipfile enforces them).

    None for a file that only starts like a zip.
    """
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None, 0
    finally:
        upload.seek(0)
    names = {info.filename for info in infos}
    unpacked = sum(info.file_size for info in infos)
    return (XLSX if "xl/workbook.xml" in names else ZIP), unpacked
