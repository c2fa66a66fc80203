"""The one upload validator: the type read from the content, the size, the unpacked size and a safe name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook
from PIL import Image

from portal.uploads import JPEG, PDF, PNG, XLSX, ZIP, UploadRule, check_content, check_upload, safe_name

EVIDENCE = UploadRule(
    max_bytes=1000,
    too_large="“%(name)s” is too large.",
    types=(JPEG, PNG, PDF),
    wrong_type="“%(name)s” is not a photo.",
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared with their English msgids."""
    with translation.override("en"):
        yield


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def zip_bomb(unpacked: int) -> bytes:
    """A few kilobytes that unpack to `unpacked` bytes of zeros, next to a workbook's own parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        target.writestr("xl/media/zeros.bin", b"\0" * unpacked)
    return out.getvalue()


def refusal(upload, rule) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, rule)
    return caught.value.messages[0]


def test_a_png_is_accepted_and_its_real_type_returned():
    upload = SimpleUploadedFile("anh.png", png_bytes(), content_type="text/plain")
    assert check_upload(upload, EVIDENCE) == PNG
    assert upload.read() == png_bytes()  # left at its start, ready to be saved


def test_an_exe_renamed_png_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 300
    assert refusal(SimpleUploadedFile("anh.png", exe), EVIDENCE) == "“anh.png” is not a photo."


def test_a_png_named_pdf_is_accepted_as_the_png_it_is():
    assert check_upload(SimpleUploadedFile("bien-ban.pdf", png_bytes()), EVIDENCE) == PNG


def test_an_empty_file_has_no_type():
    assert refusal(SimpleUploadedFile("trong.png", b""), EVIDENCE) == "“trong.png” is not a photo."


def test_an_oversize_file_is_refused_before_its_content_is_read():
    big = png_bytes() + b"\0" * 1000
    assert refusal(SimpleUploadedFile("lon.png", big), EVIDENCE) == "“lon.png” is too large."


def test_the_extension_is_checked_first_when_the_rule_asks_for_one():
    rule = UploadRule(extensions=(".csv", ".xlsx"), wrong_extension="Only .csv and .xlsx.", max_bytes=10)
    assert refusal(SimpleUploadedFile("thon.txt", b"x" * 100), rule) == "Only .csv and .xlsx."
    assert check_upload(SimpleUploadedFile("THON.CSV", b"a,b"), rule) == ""  # any type, upper case


def test_an_xlsx_is_told_from_a_plain_zip_by_its_directory():
    rule = UploadRule(types=(XLSX,), wrong_type="Not a workbook.")
    assert check_content("ket-qua.xlsx", xlsx_bytes(), rule) == XLSX
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(ValidationError, match="Not a workbook."):
        check_content("ket-qua.xlsx", plain.getvalue(), rule)
    assert check_content("a.zip", plain.getvalue(), UploadRule(types=(ZIP,))) == ZIP
    with pytest.raises(ValidationError, match="Not a workbook."):
        check_content("ket-qua.xlsx", b"PK\x03\x04 broken zip", rule)


def test_a_zip_bomb_is_refused_by_what_it_unpacks_to():
    bomb = zip_bomb(5 * 1024 * 1024)
    assert len(bomb) < 64 * 1024
    rule = UploadRule(types=(XLSX,), wrong_type="Not a workbook.", max_unpacked_bytes=1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        check_content("bom.xlsx", bomb, rule)
    assert caught.value.messages == ["The file unpacks to more than 1 MB."]
    assert check_content("ket-qua.xlsx", xlsx_bytes(), rule) == XLSX


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("anh.png", "anh.png"),
        ("C:\\Users\\me\\anh.png", "anh.png"),
        ("../../etc/passwd", "passwd"),
        ("bie\u0302\u0301n ba\u0309n.pdf", "biến bản.pdf"),  # NFD, as macOS names files
        ("anh\x00.png", "anh.png"),
        ("anh\u202egnp.exe", "anhgnp.exe"),  # a right-to-left override hiding ".exe"
        ("  ", ""),
        (None, ""),
    ],
)
def test_safe_name(name, safe):
    assert safe_name(name) == safe


def test_safe_name_is_cut_to_its_length_in_bytes_keeping_the_extension():
    assert safe_name("a" * 300) == "a" * 200
    assert safe_name("ket-qua.xlsx", max_length=5) == "ket-q"  # no room for the extension
    long = "biên bản họp tổ dân phố " * 20 + ".pdf"  # 480 characters, 660 bytes
    assert len(safe_name(long).encode()) <= 200 and safe_name(long).endswith(".pdf")
    assert safe_name("ảnh" * 100 + ".png", max_length=10) == "ảnh.png"  # "ả" takes 3 bytes, never cut in two
