"""Hostile names: a unit name whose search key outgrows its column, and an uploaded file's name over 255 bytes.

Classes of finding 7: a 200-character name overflowing its search key (folding can lengthen a name: a Korean
syllable unfolds into two or three letters) and a file name over 255 bytes, which made the whole entry save
fail (a file system keeps at most 255 bytes of a name; a Vietnamese letter takes up to three).
"""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaigns.movement.models import Commitment, TaskAttachment
from campaigns.results.models import Evidence
from wards.models import Neighbourhood, Ward

# 200 characters, the most a name may have, that fold into more than 200.
LONG_NAMES = ["한" * 200, "Tổ dân phố " + "갈" * 189, "ǅ" * 100 + "한" * 100]
SEARCH_KEY_LENGTH = Neighbourhood._meta.get_field("search_key").max_length


def _import(client, ward, name: str):
    text = io.StringIO()
    header = ["Mã phường/xã", "Tên", "Loại", "Số hộ", "Số nhân khẩu"]
    csv.writer(text).writerows([header, [ward.code, name, "phố", 5, 9]])
    return client.post(
        reverse("wards:neighbourhood-import", args=[ward.code]),
        {"file": SimpleUploadedFile("thon.csv", text.getvalue().encode()), "year": "2026"},
    )


@pytest.mark.parametrize("name", LONG_NAMES, ids=["hangul", "vietnamese-and-hangul", "digraphs-and-hangul"])
def test_long_name_never_overflows_its_search_key(hostile_world, client_as, name):
    w = hostile_world
    client = client_as("staff_a")
    # Through the neighbourhood import, twice: the second time it is the same neighbourhood, found by its key.
    for _ in range(2):
        response = _import(client, w.ward_a, name)
        assert response.status_code == 302, response.context["result"].errors if response.context else ""
    hood = Neighbourhood.objects.get(name=name)
    assert len(hood.search_key) <= SEARCH_KEY_LENGTH
    assert Neighbourhood.objects.filter(name=name).count() == 1
    # Saved directly, as the admin and the unit import do.
    ward = Ward.objects.create(city=w.ward_a.city, code="99999", name=name, kind=Ward.Kind.WARD)
    assert len(ward.search_key) <= SEARCH_KEY_LENGTH
    # And searched for, by every search box: the whole name and a longer text still find it or nothing.
    for url in (
        reverse("wards:search"),
        reverse("wards:city-detail", args=[w.ward_a.city.code]),
        reverse("wards:ward-detail", args=[w.ward_a.code]),
        reverse("reports:dashboard"),
    ):
        for q in (name, name * 3):
            assert client_as("admin").get(url, {"q": q}).status_code == 200, url
    found = client.get(reverse("wards:search"), {"q": name}).context["neighbourhoods"]
    assert hood in list(found)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Over 255 bytes in UTF-8 (each "ệ" takes three), under Django's 255-character cut of an upload's name.
LONG_FILE_NAMES = ["Biên bản nghiệm thu " + "ệ" * 200, "ả" * 250, "a" * 240 + "ệệệệệệ", "ệ" * 120 + "." + "ệ" * 100]


def _stored_names(model, field: str) -> list[str]:
    return [getattr(item, field).name for item in model.objects.all()]


def _fits(stored: str) -> bool:
    path = Path(settings.MEDIA_ROOT) / stored
    return path.is_file() and all(len(part.encode()) <= 255 for part in Path(stored).parts) and len(stored) <= 300


@pytest.mark.parametrize("base", LONG_FILE_NAMES, ids=range(len(LONG_FILE_NAMES)))
def test_file_name_over_255_bytes_is_shortened_and_every_form_saves(hostile_world, client_as, base):
    w = hostile_world
    client = client_as("staff_a")
    # The entry form: the values and the proof are saved together.
    indicator = w.indicators["II.1"]
    response = client.post(
        reverse("campaigns:entry-neighbourhood", args=[w.period.pk, w.hood_a.pk]),
        {f"v_{indicator.pk}": "1", f"f_{indicator.pk}": SimpleUploadedFile(f"{base}.png", _png(), "image/png")},
    )
    assert response.status_code == 302
    (evidence,) = Evidence.objects.all()
    assert _fits(evidence.file.name) and evidence.file.name.endswith(".png")
    assert len(evidence.original_name) <= Evidence._meta.get_field("original_name").max_length
    # A task update's photos.
    response = client.post(
        reverse("campaigns:task-update", args=[w.task.pk]),
        {"text": "Đã lắp biển", "version": w.task.version, "files": SimpleUploadedFile(f"{base}.png", _png())},
    )
    assert response.status_code == 302
    (attachment,) = TaskAttachment.objects.all()
    assert _fits(attachment.file.name) and attachment.file.name.endswith(".png")
    # A commitment's scan.
    response = client.post(
        reverse("campaigns:commitment-create"),
        {
            "ward": w.ward_a.pk,
            "topic": "fireworks",
            "signer": "Lê Văn Nam",
            "signer_title": "Chủ tịch UBND phường",
            "recipient_title": "Chủ tịch UBND thành phố",
            "signed_on": "15/11/2026",
            "period_start": "01/12/2026",
            "period_end": "28/02/2027",
            "document": SimpleUploadedFile(f"{base}.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    (commitment,) = Commitment.objects.all()
    assert _fits(commitment.document.name) and commitment.document.name.endswith(".pdf")
