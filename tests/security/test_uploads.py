"""Finding 2: upload bombs. Every upload — the Excel bulk entry, the neighbourhood import, evidence (and task
attachments and commitment scans, which share its check) — is refused at the first cap it passes, with a
message naming the cap, in under 5 seconds and a few megabytes, whatever the file says about itself.

The bombs are built here, lazily and once each: deflate compresses one chunk, flushed so that its block stands
alone, and that block is repeated (a 1.2 GB sheet is 2 MB, made in about a second); the parts are then put in
a zip written by hand, whose directory may lie about what they unpack to.
"""

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from campaigns.movement.models import Commitment, TaskAttachment, TaskUpdate, Topic
from campaigns.movement.services.commitments import commitment_record
from campaigns.movement.services.tasks import task_update_post
from campaigns.results import services
from campaigns.results.excel import upload_check
from campaigns.results.forms import check_evidence
from campaigns.results.models import Evidence
from portal.uploads import XLSX, safe_name
from tests.security.conftest import VIETNAMESE
from wards.imports import import_neighbourhoods
from wards.models import Neighbourhood, Ward

MB = 1024 * 1024
SECONDS, TRACED = 5, 50 * MB  # what a refusal may take: the "5 s", well under its 300 MB

UNPACKED = "The file unpacks to more than 50 MB."
ROWS = "The sheet has more than 20,000 rows, counting empty and formatted ones."
COLUMNS = "The sheet has more than 100 columns."
CELL = "A cell holds more than 10,000 characters."
STRINGS = "The file holds more than 100,000 different texts."
PARTS = "The file’s formatting or settings are larger than 2 MB; copy its data into a new file."
NOT_VALID = "The file is not a valid Excel (.xlsx) workbook."
NOT_EVIDENCE = "“%s” is not a JPG or PNG photo or a PDF document."

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + MAIN + b"><sheetData>"
SHEET_TAIL = b"</sheetData></worksheet>"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS_PART = "xl/sharedStrings.xml"
STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared with their English msgids (the pages are checked in Vietnamese separately)."""
    with translation.override("en"):
        yield


# --- building bombs ------------------------------------------------------------------------------------------


class Part(NamedTuple):
    name: str
    deflated: bytes
    crc: int
    size: int  # what it unpacks to


def part(name: str, data: bytes) -> Part:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def repeated(name: str, head: bytes, chunk: bytes, size: int, tail: bytes) -> Part:
    """A part of about `size` bytes: `chunk` repeated between `head` and `tail`, deflated at ~1000:1."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)  # the same bytes for every repeat
    end = packer.compress(tail) + packer.flush()
    times = max(1, (size - len(head) - len(tail)) // len(chunk))
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return Part(name, start + block * times + end, zlib.crc32(tail, crc), len(head) + times * len(chunk) + len(tail))


def zip_of(parts: list[Part], *, declared: dict[str, int] | None = None) -> bytes:
    """A zip of deflated parts; `declared` makes its headers and directory claim other unpacked sizes."""
    out, directory = io.BytesIO(), []
    for p in parts:
        name, size, offset = p.name.encode(), (declared or {}).get(p.name, p.size), out.tell()
        fields = (20, 0, 8, 0, 33, p.crc, len(p.deflated), size, len(name))  # version, flags, deflate, time, date
        out.write(struct.pack("<4s5H3LHH", b"PK\x03\x04", *fields, 0) + name + p.deflated)
        directory.append(struct.pack("<4sH5H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), out.tell() - start, start, 0))
    return out.getvalue()


@cache
def _empty_workbook() -> dict[str, bytes]:
    out = io.BytesIO()
    Workbook().save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx(*replaced: Part) -> bytes:
    """An empty workbook of openpyxl with some parts replaced or added (shared strings are declared)."""
    parts = dict(_empty_workbook())
    if any(p.name == STRINGS_PART for p in replaced):
        override = b'<Override PartName="/' + STRINGS_PART.encode() + b'" ContentType="' + STRINGS_TYPE + b'"/>'
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", override + b"</Types>")
    built = {name: part(name, data) for name, data in parts.items()}
    built.update({p.name: p for p in replaced})
    return zip_of(list(built.values()))


def sheet(body: bytes) -> Part:
    return part(SHEET, SHEET_HEAD + body + SHEET_TAIL)


@cache
def empty_rows(size: int) -> bytes:
    """A sheet of nothing but empty rows (`<row/>`), `size` bytes unpacked: the bulk entry's 217 KB file."""
    return xlsx(repeated(SHEET, SHEET_HEAD, b"<row/>" * 174_763, size, SHEET_TAIL))


@cache
def one_cell(size: int) -> bytes:
    """One cell of `size` characters: the neighbourhood import's 297 KB file was one of 300 MB."""
    head = SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    return xlsx(repeated(SHEET, head, b"x" * MB, size, b"</t></is></c></row>" + SHEET_TAIL))


@cache
def wide_row() -> bytes:
    """One row of about 300,000 cells (openpyxl would build every one before handing the row over)."""
    return xlsx(repeated(SHEET, SHEET_HEAD + b"<row>", b"<c><v>1</v></c>" * 10_000, 4 * MB, b"</row>" + SHEET_TAIL))


@cache
def shared_strings(size: int, *, one: bool) -> bytes:
    """Shared strings of `size` bytes: tiny ones by the million, or a single huge one."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst ' + MAIN + b">"
    if one:
        strings = repeated(STRINGS_PART, head + b"<si><t>", b"x" * MB, size, b"</t></si></sst>")
    else:
        strings = repeated(STRINGS_PART, head, b"<si><t>ab</t></si>" * 50_000, size, b"</sst>")
    cell = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return xlsx(strings, sheet(cell))


@cache
def styles(size: int) -> bytes:
    """A stylesheet of `size` bytes of cell formats (openpyxl reads it whole into objects ~10 times larger)."""
    before, tag, after = _empty_workbook()["xl/styles.xml"].partition(b"<cellXfs")
    attributes, _gt, rest = after.partition(b">")
    fmt = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    return xlsx(repeated("xl/styles.xml", before + tag + attributes + b">", fmt * 10_000, size, rest))


@cache
def lying_directory() -> bytes:
    """140 MB of empty rows whose zip headers and directory say the sheet unpacks to 1 KB."""
    bomb = repeated(SHEET, SHEET_HEAD, b"<row/>" * 174_763, 140 * MB, SHEET_TAIL)
    parts = [part(name, data) for name, data in _empty_workbook().items() if name != SHEET] + [bomb]
    return zip_of(parts, declared={SHEET: 1024})


def cells(*rows: bytes) -> bytes:
    return xlsx(sheet(b"".join(rows)))


BOMBS = {
    # The files of the finding, each refused by the directory before anything is unpacked.
    "140MB-of-empty-rows": (lambda: empty_rows(140 * MB), UNPACKED),
    "1.2GB-of-empty-rows": (lambda: empty_rows(1200 * MB), UNPACKED),
    "one-300MB-cell": (lambda: one_cell(300 * MB), UNPACKED),
    # Under the unpacked cap: the stream stops at the first cap passed.
    "40MB-of-empty-rows": (lambda: empty_rows(40 * MB), ROWS),
    "a-row-numbered-1048576": (lambda: cells(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'), ROWS),
    "one-40MB-cell": (lambda: one_cell(40 * MB), CELL),
    "a-row-of-300000-cells": (wide_row, COLUMNS),
    "a-cell-in-column-XFD": (lambda: cells(b'<row r="1"><c r="XFD1"><v>1</v></c></row>'), COLUMNS),
    "40MB-of-tiny-shared-strings": (lambda: shared_strings(40 * MB, one=False), STRINGS),
    "one-40MB-shared-string": (lambda: shared_strings(40 * MB, one=True), CELL),
    "10MB-of-styles": (lambda: styles(10 * MB), PARTS),
    # Its directory lies: the sheet yields what it declared, then fails its check.
    "a-directory-that-lies": (lying_directory, NOT_VALID),
}


def refused_quickly(call: Callable[[], list]) -> list:
    """What `call` returns (or the ValidationError it raises, raised again), once it is known to take under
    SECONDS and, run again with tracemalloc (which slows it), to trace under TRACED bytes of memory."""

    def run():
        try:
            return call()
        except ValidationError as exc:
            return exc

    start = time.perf_counter()
    outcome = run()
    took = time.perf_counter() - start
    assert took < SECONDS, f"{took:.1f} s"
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < TRACED, f"{peak / MB:.0f} MB"
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


# --- the Excel bulk entry and the neighbourhood import -----------------------------------------------------


def bulk_entry(w, content: bytes) -> list[str]:
    result = upload_check(user=w.staff_a, ward=w.ward_a, period=w.period, filename="ket-qua.xlsx", content=content)
    return [e.message for e in result.errors]


def neighbourhood_import(w, content: bytes, filename: str = "thon.xlsx") -> list[str]:
    wards = Ward.objects.editable_by(w.staff_a)
    result = import_neighbourhoods(user=w.staff_a, filename=filename, content=content, year=2026, wards=wards)
    return [e.message for e in result.errors]


@pytest.mark.parametrize("bomb", BOMBS)
@pytest.mark.parametrize("read", [bulk_entry, neighbourhood_import], ids=["bulk-entry", "neighbourhood-import"])
def test_every_bomb_is_refused_at_its_cap_quickly_and_in_little_memory(hostile_world, read, bomb):
    build, message = BOMBS[bomb]
    content = build()
    assert len(content) < 5 * MB  # under the cap on what is uploaded: the content is what refuses it
    hoods = Neighbourhood.objects.count()
    assert refused_quickly(lambda: read(hostile_world, content)) == [message]
    assert Neighbourhood.objects.count() == hoods


def test_the_unpacked_cap_holds_while_reading_when_the_directory_lies(hostile_world, settings, monkeypatch):
    """The directory check is bypassed (as if the sizes it declares were believed and false): unpacking stops
    at the cap all the same, in a file that passes every other cap."""
    settings.UPLOAD_MAX_UNPACKED_BYTES = MB
    monkeypatch.setattr("portal.uploads._zip_kind", lambda upload: (XLSX, 0))
    row = b"<row>" + b'<c t="inlineStr"><is><t>' + b"x" * 9_000 + b"</t></is></c></row>"
    content = cells(row * 300)  # 2.7 MB: 300 rows of one cell of 9,000 characters
    assert refused_quickly(lambda: bulk_entry(hostile_world, content)) == ["The file unpacks to more than 1 MB."]
    assert refused_quickly(lambda: neighbourhood_import(hostile_world, content)) == [
        "The file unpacks to more than 1 MB."
    ]


def test_the_caps_are_settings(hostile_world, settings):
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS, settings.UPLOAD_MAX_CELL_CHARS = 3, 2, 5
    four_rows = cells(*(b"<row/>" for _ in range(4)))
    assert neighbourhood_import(hostile_world, four_rows) == [
        "The sheet has more than 3 rows, counting empty and formatted ones."
    ]
    assert neighbourhood_import(hostile_world, cells(b"<row><c/><c/><c/></row>")) == [
        "The sheet has more than 2 columns."
    ]
    long = cells('<row><c t="inlineStr"><is><t>sáu chữ</t></is></c></row>'.encode())
    assert neighbourhood_import(hostile_world, long) == ["A cell holds more than 5 characters."]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([","] * 20_001, ROWS),  # blank rows count
        ([",".join(["a"] * 101)], COLUMNS),
        (["x" * 10_001], CELL),
        (["x" * 200_000], CELL),  # past the csv module's own cap on a field
        (["\n" * 4_000_000], ROWS),  # empty lines too
    ],
    ids=["rows", "columns", "cell", "huge-cell", "blank-lines"],
)
def test_a_csv_is_held_to_the_same_caps(hostile_world, rows, message):
    content = "\n".join(rows).encode()
    assert refused_quickly(lambda: neighbourhood_import(hostile_world, content, "thon.csv")) == [message]


def test_files_larger_than_5_mb_are_refused_before_they_are_read(hostile_world):
    big = b"\n" * (5 * MB + 1)
    assert neighbourhood_import(hostile_world, big, "thon.csv") == ["The file is larger than 5 MB."]
    assert bulk_entry(hostile_world, big) == ["The file is larger than 5 MB."]


def test_a_workbook_within_every_cap_is_still_read(hostile_world):
    """The scan counts the rows a real file has: a 10,000-neighbourhood import (the largest allowed) passes it."""
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã phường/xã</t></is></c></row>'.encode()
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(2, 10_002))
    messages = refused_quickly(lambda: neighbourhood_import(hostile_world, cells(header + rows)))
    assert messages and all(m not in (ROWS, COLUMNS, CELL, UNPACKED) for m in messages)  # read, then checked


# --- through the pages, in Vietnamese ------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", ["140MB-of-empty-rows", "1.2GB-of-empty-rows", "one-300MB-cell"])
@pytest.mark.parametrize("page", ["bulk-entry", "neighbourhood-import"])
def test_the_pages_refuse_the_bombs_of_the_finding_with_a_vietnamese_message(hostile_world, client_as, page, bomb):
    w = hostile_world
    upload = SimpleUploadedFile("ket-qua.xlsx", BOMBS[bomb][0](), content_type=XLSX)
    if page == "bulk-entry":
        url, data = reverse("campaigns:excel-upload", args=[w.ward_a.code, w.period.pk]), {"file": upload}
    else:
        url, data = reverse("wards:neighbourhood-import", args=[w.ward_a.code]), {"file": upload, "year": "2026"}
    client = client_as("staff_a")
    response = refused_quickly(lambda: [client.post(url, data)])[0]
    assert response.status_code == 200
    with translation.override("vi"):
        expected = translation.gettext("The file unpacks to more than %(max)s.") % {"max": "50 MB"}
    assert VIETNAMESE.search(expected)
    assert expected in response.content.decode()


# --- evidence, task attachments, commitment scans ------------------------------------------------------------


EVIDENCE_BOMBS = ["140MB-of-empty-rows", "1.2GB-of-empty-rows", "one-300MB-cell"]


@pytest.mark.parametrize("bomb", EVIDENCE_BOMBS)
@pytest.mark.parametrize("name", ["anh.png", "bien-ban.pdf", "ket-qua.xlsx"])
def test_a_bomb_sent_as_evidence_is_refused_by_its_content_without_being_unpacked(name, bomb):
    upload = SimpleUploadedFile(name, BOMBS[bomb][0]())
    with pytest.raises(ValidationError) as caught:
        refused_quickly(lambda: [check_evidence(upload)])
    assert caught.value.messages == [NOT_EVIDENCE % name]


def test_a_bomb_attached_to_evidence_saves_nothing(hostile_world):
    w = hostile_world
    submission = services.submission_for(w.hood_a, w.period)
    upload = SimpleUploadedFile("anh.png", empty_rows(1200 * MB))
    with pytest.raises(ValidationError) as caught:
        refused_quickly(
            lambda: services.evidence_add(
                user=w.staff_a, submission=submission, indicator=w.indicators["I.3"], uploads=[upload]
            )
        )
    assert caught.value.messages == [NOT_EVIDENCE % "anh.png"]
    assert not Evidence.objects.exists()


def test_a_bomb_attached_to_a_task_update_saves_nothing(hostile_world):
    w = hostile_world
    upload = SimpleUploadedFile("anh.jpg", one_cell(300 * MB))
    with pytest.raises(ValidationError) as caught:
        refused_quickly(lambda: task_update_post(user=w.staff_a, task=w.task, text="Đã lắp biển", files=[upload]))
    assert caught.value.message_dict == {"files": [NOT_EVIDENCE % "anh.jpg"]}
    assert not TaskUpdate.objects.exists() and not TaskAttachment.objects.exists()


def test_a_bomb_sent_as_a_commitment_scan_saves_nothing(hostile_world):
    w = hostile_world
    data = {
        "ward": w.ward_a,
        "topic": Topic.ENVIRONMENT,
        "signer": "Nguyễn Văn An",
        "signer_title": "Chủ tịch UBND phường",
        "signed_on": w.period.start,
        "period_start": w.period.start,
        "period_end": w.period.end,
    }
    upload = SimpleUploadedFile("cam-ket.pdf", empty_rows(140 * MB))
    with pytest.raises(ValidationError) as caught:
        refused_quickly(lambda: [commitment_record(user=w.staff_a, data=data, document=upload)])
    assert caught.value.messages == [NOT_EVIDENCE % "cam-ket.pdf"]
    assert not Commitment.objects.exists()


# --- names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("ảnh tổ dân phố " * 30 + ".png", None),  # 480 characters, 660 bytes: cut to 200 bytes, ".png" kept
        ("..\\..\\biên bản\u202egnp.exe", "biên bảngnp.exe"),
        ("bie\u0302\u0301n ba\u0309n\ufffe.pdf", "biến bản.pdf"),
    ],
)
def test_an_accepted_file_is_kept_under_a_safe_name_that_fits_its_field(name, kept):
    png = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4)).save(png, format="PNG")
    upload = SimpleUploadedFile(name, png.getvalue())
    check_evidence(upload)
    assert upload.name == safe_name(name)
    assert len(upload.name.encode()) <= 200
    if kept is None:
        assert upload.name.endswith(".png") and upload.name.startswith("ảnh tổ dân phố")
    else:
        assert upload.name == kept
