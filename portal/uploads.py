"""Checks of uploaded files: what they really are, how large they are, and a name fit to keep.

One validator for every upload of the portal (evidence photos and PDFs, task attachments, commitment scans,
Excel workbooks, neighbourhood files). Each caller states its own `UploadRule`, with its own messages, so the
words users read stay those of the page they use; a message may name the cap it enforces with %(max)s.

The type is read from the content, never from the name: `filetype` recognises photos and PDFs by their first
bytes; a zip-based file is opened just far enough to read its directory, which says whether it is an .xlsx
workbook and how much it unpacks to (a zip bomb is a few kilobytes that unpack to gigabytes). Every zip-based
upload is held to the unpacked cap (settings.UPLOAD_MAX_UNPACKED_BYTES unless its rule sets one), whatever
its rule asks otherwise. What a workbook holds is then read by portal.spreadsheets, which enforces the same
cap again while unpacking, since a directory can lie.
"""

import re
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.text import strip_illegal

KB = 1024
MB = 1024 * 1024
# What a kept file's name may take, in UTF-8 bytes: with the folder a FileField puts it in (max_length 300)
# and the 8 characters storage adds to a name already taken, it stays under the 255 bytes a file system allows.
NAME_BYTES = 200

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
    content; then, for any zip-based file, its unpacked size (the setting's cap when the rule sets none).
    A message may name the file with %(name)s and the cap it enforces with %(max)s ("5 MB").
    """

    extensions: tuple[str, ...] = ()  # lower case, with the dot: (".csv", ".xlsx")
    wrong_extension: str = ""
    max_bytes: int | None = None
    too_large: str = ""
    types: Collection[str] = ()  # content types, e.g. (JPEG, PNG, PDF)
    wrong_type: str = ""
    max_unpacked_bytes: int | None = None  # None: settings.UPLOAD_MAX_UNPACKED_BYTES
    too_large_unpacked: str = _("The file unpacks to more than %(max)s.")


def check_upload(upload: File, rule: UploadRule) -> str:
    """The file's content type as read from its content ("" when the rule accepts any type).

    Raises ValidationError with the rule's message for the first check the file fails. A file that passes
    is given its safe_name, the name it is kept and shown under.
    """
    name = upload.name or ""
    if rule.extensions and not name.lower().endswith(rule.extensions):
        raise _refused(rule.wrong_extension, name)
    if rule.max_bytes is not None and upload.size > rule.max_bytes:
        raise _refused(rule.too_large, name, rule.max_bytes)
    kind, unpacked = _sniff(upload)
    if rule.types and kind not in rule.types:
        raise _refused(rule.wrong_type, name)
    max_unpacked = settings.UPLOAD_MAX_UNPACKED_BYTES if rule.max_unpacked_bytes is None else rule.max_unpacked_bytes
    if unpacked > max_unpacked:
        raise _refused(rule.too_large_unpacked, name, max_unpacked)
    upload.name = safe_name(name) or name
    return kind if rule.types else ""


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


def safe_name(name: str | None, *, max_length: int = NAME_BYTES) -> str:
    """The name a user gave a file, fit to keep and show: no folders, no control characters, NFC, and at most
    `max_length` bytes in UTF-8, its extension kept when it is cut.

    Control and format characters go too: a right-to-left override can make "gpj.exe" read as "exe.jpg".
    The default length fits a FileField of the portal and a file system's name (see NAME_BYTES).
    """
    name = _FOLDERS.split(unicodedata.normalize("NFC", strip_illegal(name or "")))[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs")).strip()
    if len(name.encode()) <= max_length:
        return name
    stem, dot, extension = name.rpartition(".")
    extension = dot + extension
    room = max_length - len(extension.encode())
    if stem and 0 < len(extension) <= 16 and room > 0:
        return _cut(stem, room).rstrip() + extension
    return _cut(name, max_length).rstrip()


def readable_size(size: int) -> str:
    """A size as a message names it: "5 MB", "1,5 MB", "800 KB" (the language's decimal mark)."""
    value, unit = (round(size / MB, 1), "MB") if size >= MB else (round(size / KB, 1), "KB")
    return f"{number_format(value, 0 if value.is_integer() else 1)} {unit}"


def _cut(text: str, size: int) -> str:
    """The longest start of `text` that takes at most `size` bytes in UTF-8 (no character cut in two)."""
    return text.encode()[:size].decode("utf-8", "ignore")


def _refused(message: str, name: str, cap: int | None = None) -> ValidationError:
    return ValidationError(message % {"name": name, "max": readable_size(cap) if cap is not None else ""})


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
