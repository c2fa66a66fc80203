"""The caps of an uploaded workbook, and the guards that hold them while it is read (see portal.spreadsheets).

Caps are settings (UPLOAD_MAX_UNPACKED_BYTES, UPLOAD_MAX_ROWS, UPLOAD_MAX_COLUMNS, UPLOAD_MAX_CELL_CHARS);
each refusal is a message naming the cap passed. Two guards hold them:

- GuardedZip, the workbook's zip as openpyxl reads it: what all parts yield together stays under the unpacked
  cap whatever the zip's directory declares; no part is read at once beyond WHOLE_PART_BYTES; and the rows,
  the cells of a row, the shared strings and the runs between tags are counted in the bytes as they come,
  since openpyxl parses on its own (a sheet without <dimension> to its end when the workbook opens, every row
  whole before handing it over);
- scan_sheet and scan_strings, exact streamed passes (expat, counters only) before openpyxl reads a sheet's
  rows or the shared strings: rows and columns by count and by their numbers, characters of each cell, and
  the caller's own limit of non-blank rows (TooManyRows).
"""

import io
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.uploads import MB, readable_size

NOT_VALID = gettext_lazy("The file is not a valid Excel (.xlsx) workbook.")
# What openpyxl may read of one part at once (it parses styles, the workbook and the relations whole, into
# objects about ten times their size); a worksheet and the shared strings are read as streams.
WHOLE_PART_BYTES = 2 * MB
STRINGS_PER_ROW = 5  # different texts a workbook may hold: five per row it may have (a real file has one or two)

_CHUNK = 64 * 1024
_TEXT_TAGS = frozenset({"v", "t", "f"})  # a value, a text (inline or shared), a formula
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si)[\s/>]")  # a row, a cell, a shared string
_TAG_ROOM = 64  # bytes kept back from each read: a tag cut by the read is counted with the next one


class SpreadsheetError(ValueError):
    """The workbook cannot be read; str(error) is the message for the user."""


class TooManyRows(SpreadsheetError):
    """More non-blank rows than the caller allows; the caller words the message (its limit, its way)."""


@dataclass(frozen=True)
class Limits:
    """The caps of a workbook, from the settings at the time it is read."""

    unpacked_bytes: int
    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            unpacked_bytes=settings.UPLOAD_MAX_UNPACKED_BYTES,
            rows=settings.UPLOAD_MAX_ROWS,
            columns=settings.UPLOAD_MAX_COLUMNS,
            cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        )

    def too_many_rows(self) -> str:
        return _("The sheet has more than %(max)s rows, counting empty and formatted ones.") % {
            "max": _count(self.rows)
        }

    def too_many_columns(self) -> str:
        return _("The sheet has more than %(max)s columns.") % {"max": _count(self.columns)}

    def cell_too_long(self) -> str:
        return _("A cell holds more than %(max)s characters.") % {"max": _count(self.cell_chars)}

    def too_many_strings(self) -> str:
        return _("The file holds more than %(max)s different texts.") % {"max": _count(self.rows * STRINGS_PER_ROW)}

    def too_large_unpacked(self) -> str:
        return _("The file unpacks to more than %(max)s.") % {"max": readable_size(self.unpacked_bytes)}


class Overflow(Exception):
    """A cap passed while openpyxl reads the file; not a ValueError, which openpyxl would reword."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GuardedZip(zipfile.ZipFile):
    """The upload's zip, whose members together yield no more than the unpacked cap, whatever its directory
    says, and of which no part is read at once beyond WHOLE_PART_BYTES."""

    def __init__(self, file, limits: Limits) -> None:
        super().__init__(file)
        self.limits = limits
        self._unpacked: dict[str, int] = {}  # the most read of each member: a part read twice counts once

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return stream
        return _CappedStream(stream, self, name.filename if isinstance(name, zipfile.ZipInfo) else name)

    def count(self, name: str, read: int) -> None:
        if read > self._unpacked.get(name, 0):
            self._unpacked[name] = read
            if sum(self._unpacked.values()) > self.limits.unpacked_bytes:
                raise Overflow(self.limits.too_large_unpacked())


class _CappedStream(io.RawIOBase):
    """One member of a GuardedZip as it is unpacked, its bytes and its tags counted as they come."""

    def __init__(self, stream, archive: GuardedZip, name: str) -> None:
        super().__init__()
        self._stream, self._archive, self._name, self._read = stream, archive, name, 0
        self._tags = _Tags(archive.limits)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._read_whole()
        data = self._stream.read(size)
        self._count(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()

    def _read_whole(self) -> bytes:
        parts, size = [], 0
        while chunk := self._stream.read(_CHUNK):
            size += len(chunk)
            self._count(chunk)
            if size > WHOLE_PART_BYTES:
                raise Overflow(
                    _("The file’s formatting or settings are larger than %(max)s; copy its data into a new file.")
                    % {"max": readable_size(WHOLE_PART_BYTES)}
                )
            parts.append(chunk)
        return b"".join(parts)

    def _count(self, data: bytes) -> None:
        self._read += len(data)
        self._archive.count(self._name, self._read)
        self._tags.feed(data)


class _Tags:
    """The rows, the cells of a row and the shared strings in the bytes of one part, counted as openpyxl reads
    them, and the longest run of bytes between two tags; Overflow at the first cap passed.

    The scans below are exact but run before openpyxl reads a sheet's rows; this guards what openpyxl parses on
    its own: when the workbook opens, a sheet that declares no <dimension> is parsed to its end to measure it,
    and a row is parsed whole, every cell of it, before it is handed over.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = self.cells = self.strings = self.run = 0
        self.longest = max(_CHUNK, 16 * limits.cell_chars)  # bytes: a character takes at most ~10 (&#x10FFFF;)
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        self._measure_runs(chunk)
        data, limits = self.tail + chunk, self.limits
        if b"<!DOCTYPE" in data:  # a workbook has none; its entities could multiply text
            raise Overflow(str(NOT_VALID))
        cut = max(0, len(data) - _TAG_ROOM)
        for tag in _TAG.finditer(data):
            if tag.start() >= cut:
                break
            name = tag.group(1)
            if name == b"row":
                self.rows, self.cells = self.rows + 1, 0
                if self.rows > limits.rows:
                    raise Overflow(limits.too_many_rows())
            elif name == b"c":
                self.cells += 1
                if self.cells > limits.columns:
                    raise Overflow(limits.too_many_columns())
            else:
                self.strings += 1
                if self.strings > limits.rows * STRINGS_PER_ROW:
                    raise Overflow(limits.too_many_strings())
        self.tail = data[cut:]

    def _measure_runs(self, data: bytes) -> None:
        last = max(data.rfind(b"<"), data.rfind(b">"))
        if last < 0:
            self.run += len(data)
        else:
            first = min(i for i in (data.find(b"<"), data.find(b">")) if i >= 0)
            if self.run + first > self.longest:
                raise Overflow(self.limits.cell_too_long())
            self.run = len(data) - last - 1
        if self.run > self.longest:
            raise Overflow(self.limits.cell_too_long())


class _Scan:
    """What a streamed pass over one part of the workbook counts; each handler raises at the first cap passed.

    Only local names are looked at (namespaces and prefixes aside), as openpyxl does.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.chars = 0  # of the current cell (or shared string)
        self.in_text = False

    def start(self, name: str, attrs: dict) -> None:
        if name in _TEXT_TAGS:
            self.in_text = True

    def end(self, name: str) -> None:
        if name in _TEXT_TAGS:
            self.in_text = False

    def text(self, data: str) -> None:
        if self.in_text:
            self.chars += len(data)
            if self.chars > self.limits.cell_chars:
                raise Overflow(self.limits.cell_too_long())


class _SheetScan(_Scan):
    """Rows (counted and by their number), cells of a row (counted and by their column), characters of a cell,
    and non-blank rows against the caller's `max_rows`."""

    def __init__(self, limits: Limits, max_rows: int) -> None:
        super().__init__(limits)
        self.max_rows = max_rows
        self.rows = self.filled = self.cells = 0
        self.has_value = False

    def start(self, name: str, attrs: dict) -> None:
        if name == "row":
            self.rows += 1
            self.cells, self.has_value = 0, False
            if max(self.rows, _row_number(attrs.get("r"))) > self.limits.rows:
                raise Overflow(self.limits.too_many_rows())
        elif name == "c":
            self.cells += 1
            self.chars = 0
            if max(self.cells, _column_number(attrs.get("r"))) > self.limits.columns:
                raise Overflow(self.limits.too_many_columns())
        elif name in _TEXT_TAGS:
            self.has_value = True
        super().start(name, attrs)

    def end(self, name: str) -> None:
        if name == "row" and self.has_value:
            self.filled += 1
            if self.filled > self.max_rows:
                raise TooManyRows
        super().end(name)


class _StringsScan(_Scan):
    """The shared strings: how many, and the characters of each."""

    def __init__(self, limits: Limits) -> None:
        super().__init__(limits)
        self.strings = 0

    def start(self, name: str, attrs: dict) -> None:
        if name == "si":
            self.strings += 1
            self.chars = 0
            if self.strings > self.limits.rows * STRINGS_PER_ROW:
                raise Overflow(self.limits.too_many_strings())
        super().start(name, attrs)


def scan_sheet(archive: GuardedZip, path: str, *, max_rows: int) -> None:
    """Scan a worksheet before its rows are read: SpreadsheetError at the first cap passed, TooManyRows past
    `max_rows` non-blank rows (before any row is read into cells)."""
    _scan(archive, path, _SheetScan(archive.limits, max_rows))


def scan_strings(archive: GuardedZip, path: str) -> None:
    """Scan the shared strings before openpyxl reads them all: SpreadsheetError at the first cap passed."""
    _scan(archive, path, _StringsScan(archive.limits))


def _scan(archive: GuardedZip, path: str, scan: _Scan) -> None:
    """Feed one part of the archive to `scan` as a stream; keeps no element, only the scan's counters.

    Raises SpreadsheetError (TooManyRows included) at the first cap passed, or for a part that is not XML.
    Read through the guard, whose runs between tags are short: expat never gathers a huge tag.
    """
    parser = expat.ParserCreate()  # names as written, "row" or "x:row": the prefix is cut off
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attrs: scan.start(name[name.find(":") + 1 :], attrs)
    parser.EndElementHandler = lambda name: scan.end(name[name.find(":") + 1 :])
    parser.CharacterDataHandler = scan.text
    parser.StartDoctypeDeclHandler = _refuse_doctype  # a workbook has none; entities could multiply text
    try:
        with archive.open(path) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except Overflow as exc:
        raise SpreadsheetError(exc.message) from None
    except SpreadsheetError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        raise SpreadsheetError(NOT_VALID) from None


def _refuse_doctype(*_args) -> None:
    raise SpreadsheetError(NOT_VALID)


def _row_number(ref: str | None) -> int:
    """A row's number from its "r" attribute; 0 when it has none, and a number past any cap when too long."""
    if not ref or not ref.isdigit():
        return 0
    return int(ref) if len(ref) < 10 else 10**10


def _column_number(ref: str | None) -> int:
    """The column of a cell's reference ("AB12" is 28); 0 when it has none."""
    letters = (ref or "").rstrip("0123456789")
    if len(letters) > 3:  # past XFD, the last column Excel has
        return 10**10
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - 64)
    return number


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)
