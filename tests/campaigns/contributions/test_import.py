"""The contributions' Excel import: the template, every error listed with its row and column, all or nothing,
numbers written the Vietnamese way, the same file never twice, hostile files, the confirmation's scope."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaigns.movement.contributions import excel
from campaigns.movement.contributions.excel import layout
from campaigns.movement.contributions.models import Contribution, ContributionImport
from portal.models import HistoryEntry
from tests.campaigns.contributions.conftest import workbook

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, ward, content: bytes, name="dong-gop.xlsx"):
    return client.post(
        reverse("campaigns:contribution-import", args=[ward.code]),
        {"file": SimpleUploadedFile(name, content, content_type=XLSX)},
    )


def confirm(client, pending_pk: int):
    return client.post(reverse("campaigns:contribution-import-confirm", args=[pending_pk]))


GOOD = [
    ["10/04/2026", "Tổ dân phố Đình Hương 1", "Tiền (đồng)", "Nhân dân", "1.234.000", "", "Các hộ dân", "", ""],
    [datetime(2026, 4, 20), "", "đất hiến", "nhan dan", "12,5", "Mở rộng ngõ 3", "Hộ ông Hòa", "", ""],
    ["05/05/2026", "", "Ngày công", "Nhân dân", "1 234 000", "", "", "", ""],
    [
        "02/04/2026",
        "to dan pho dinh huong 1",
        "Vật tư (quy ra đồng)",
        "Doanh nghiệp",
        36000000,
        "20 tấn xi măng",
        "Công ty TNHH Vật liệu",
        "60 ngày cao điểm xây dựng phố, thôn kiểu mẫu năm 2026",
        "",
    ],
]


def test_the_template_has_vietnamese_headers_an_example_row_and_the_wards_lists(
    client_for, staff_a, ward_a, hood_a, peak, b_only
):
    from openpyxl import load_workbook

    response = client_for(staff_a).get(reverse("campaigns:contribution-import-template", args=[ward_a.code]))
    assert response.status_code == OK and response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [layout.SHEET, layout.LISTS_SHEET, layout.GUIDE_SHEET]
    ws = wb[layout.SHEET]
    assert [c.value for c in ws[1]] == [c[1] for c in layout.COLUMNS]
    assert ws["C2"].value == "Tiền (đồng)" and ws["I2"].value == layout.EXAMPLE_NOTE
    assert {str(dv.sqref)[0] for dv in ws.data_validations.dataValidation} == {"B", "C", "D", "H"}
    lists = wb[layout.LISTS_SHEET]
    column = {c[0].value: [x.value for x in c[1:] if x.value] for c in lists.iter_cols()}
    assert column["Loại"] == list(layout.KIND_LABELS.values())
    assert column["Nguồn"] == list(layout.SOURCE_LABELS.values())
    assert column["Thôn, tổ dân phố"] == [hood_a.name]
    assert column["Phong trào"] == [peak.name]  # never another ward's campaign


def test_the_templates_example_row_is_refused_until_deleted(client_for, staff_a, ward_a):
    template = client_for(staff_a).get(reverse("campaigns:contribution-import-template", args=[ward_a.code])).content
    response = upload(client_for(staff_a), ward_a, template)
    with translation.override("en"):
        shown = [str(e) for e in response.context["check"].errors]
    assert shown == ["Row 2, column I (Ghi chú): This is the template's example row: delete it before uploading."]
    assert not ContributionImport.objects.exists()


def test_a_valid_file_is_previewed_then_saved_whole_with_vietnamese_numbers(client_for, staff_a, ward_a, hood_a, peak):
    client = client_for(staff_a)
    preview = upload(client, ward_a, workbook(GOOD))
    assert preview.status_code == OK
    check, pending = preview.context["check"], preview.context["pending"]
    assert check.errors == [] and len(check.rows) == 4 and pending.status == "pending"
    assert not Contribution.objects.exists()  # nothing before the confirmation
    done = confirm(client, pending.pk)
    assert done.status_code == REDIRECT
    saved = {(c.kind, c.amount, c.neighbourhood_id, c.campaign_id) for c in Contribution.objects.all()}
    assert saved == {
        ("money", Decimal(1_234_000), hood_a.pk, None),
        ("land", Decimal("12.5"), None, None),
        ("labour", Decimal(1_234_000), None, None),
        ("materials", Decimal(36_000_000), hood_a.pk, peak.pk),
    }
    pending.refresh_from_db()
    assert pending.status == "done" and bytes(pending.content) == b"" and pending.rows == 4
    assert Contribution.objects.filter(imported_from=pending).count() == 4
    entry = HistoryEntry.objects.filter(action="create").first()
    assert entry.reason == "Imported from the Excel file “dong-gop.xlsx”."


def test_every_error_is_listed_in_vietnamese_with_its_row_and_column_and_nothing_is_saved(
    client_for, staff_a, ward_a, hood_a, b_only
):
    rows = [
        GOOD[0],
        ["31/02/2026", "Thôn Không Có", "Tiền", "Nhân dân", "-5", "", "", "", ""],
        ["2026-04-01", "", "Vàng", "Xổ số", "abc", "", "", "Chỉnh trang đô thị Đông Quang", ""],
        ["01/04/2026", "", "Vật tư", "Khác", "1.234,5", "", "", "", ""],
        ["01/12/2026", "", "Tiền", "Khác", "=1+1", "", "", "", ""],
        ["", "", "", "", "", "", "", "", ""],
        ["01/04/2026", "", "Tiền", "Khác", "", "", "", "", ""],
    ]
    response = upload(client_for(staff_a, "vi"), ward_a, workbook(rows))
    with translation.override("vi"):
        errors = [str(e) for e in response.context["check"].errors]
    assert errors == [
        "Dòng 3, cột A (Ngày nhận (dd/mm/yyyy)): “31/02/2026” không phải là ngày; ghi theo dạng dd/mm/yyyy, "
        "ví dụ 15/03/2026.",
        "Dòng 3, cột B (Thôn, tổ dân phố (để trống: cả phường, xã)): “Thôn Không Có” không phải là thôn, tổ dân phố "
        "của Phường Hạc Thành.",
        "Dòng 3, cột E (Số lượng): Số lượng không được âm.",
        "Dòng 4, cột A (Ngày nhận (dd/mm/yyyy)): “2026-04-01” không phải là ngày; ghi theo dạng dd/mm/yyyy, "
        "ví dụ 15/03/2026.",
        "Dòng 4, cột C (Loại): “Vàng” không phải là loại đóng góp; ghi một trong: Tiền (đồng), Đất hiến (m²), "
        "Ngày công, Vật tư (quy ra đồng).",
        "Dòng 4, cột D (Nguồn): “Xổ số” không phải là nguồn; ghi một trong: Ngân sách nhà nước, Nhân dân, "
        "Doanh nghiệp, Khác.",
        "Dòng 4, cột E (Số lượng): “abc” không phải là số. Ghi như 1.234.000 hoặc 2,5.",
        "Dòng 4, cột H (Phong trào): “Chỉnh trang đô thị Đông Quang” không phải là phong trào mà phường, xã tham gia.",
        "Dòng 5, cột E (Số lượng): Số tiền (đồng) phải là số nguyên.",
        "Dòng 5, cột F (Nội dung, vật tư): Ghi rõ vật tư đã đóng góp, ví dụ 20 tấn xi măng.",
        "Dòng 6, cột E (Số lượng): Không chấp nhận công thức; hãy nhập giá trị.",
        "Dòng 6, cột A (Ngày nhận (dd/mm/yyyy)): Ngày không được ở tương lai.",
        "Dòng 8, cột E (Số lượng): Nhập số lượng.",
    ]
    assert "13 lỗi" in response.content.decode()
    assert response.context["pending"] is None
    assert not Contribution.objects.exists() and not ContributionImport.objects.exists()


def test_a_date_in_the_future_and_a_missing_column_are_refused(client_for, staff_a, ward_a):
    future = upload(
        client_for(staff_a), ward_a, workbook([["21/11/2026", "", "Tiền", "Nhân dân", "5", "", "", "", ""]])
    )
    assert [e.message for e in future.context["check"].errors] == ["The date cannot be in the future."]
    missing = upload(client_for(staff_a), ward_a, workbook([["x"]], header=["Ngày nhận", "Loại", "Nguồn"]))
    assert [e.message for e in missing.context["check"].errors] == ["Missing column “Số lượng”."]


def test_the_same_file_or_the_same_rows_cannot_be_imported_twice(client_for, staff_a, leader_a, ward_a, hood_a, peak):
    content = workbook(GOOD)
    first = upload(client_for(staff_a), ward_a, content)
    confirm(client_for(staff_a), first.context["pending"].pk)
    assert Contribution.objects.count() == 4
    again = upload(client_for(leader_a), ward_a, content, name="lan-2.xlsx")
    [error] = again.context["check"].errors
    assert error.message.startswith("This file was already imported on 20/11/2026 (“dong-gop.xlsx”, 4 rows)")
    reordered = upload(client_for(leader_a), ward_a, workbook(list(reversed(GOOD))))  # other bytes, same rows
    assert len(reordered.context["check"].errors) == 1 and reordered.context["pending"] is None
    assert Contribution.objects.count() == 4


def test_two_previews_of_one_file_save_it_once(client_for, staff_a, leader_a, ward_a, hood_a, peak):
    content = workbook(GOOD)
    one = upload(client_for(staff_a), ward_a, content).context["pending"]
    two = upload(client_for(leader_a), ward_a, content).context["pending"]
    assert confirm(client_for(staff_a), one.pk).status_code == REDIRECT
    late = confirm(client_for(leader_a), two.pk)
    assert late.status_code == OK and "already imported" in str(late.context["check"].errors[0])
    assert Contribution.objects.count() == 4
    assert confirm(client_for(staff_a), one.pk).status_code == NOT_FOUND  # done: no longer pending


def test_a_preview_is_confirmed_only_by_its_uploader_in_scope(client_for, staff_a, leader_a, staff_b, ward_a, hood_a):
    pending = upload(client_for(staff_a), ward_a, workbook(GOOD[:1])).context["pending"]
    for user in (leader_a, staff_b):
        assert confirm(client_for(user), pending.pk).status_code == NOT_FOUND
    assert confirm(client_for(staff_a), 999_999).status_code == NOT_FOUND
    assert not Contribution.objects.exists()


def test_an_expired_preview_saves_nothing(client_for, staff_a, ward_a, hood_a):
    pending = upload(client_for(staff_a), ward_a, workbook(GOOD[:1])).context["pending"]
    ContributionImport.objects.filter(pk=pending.pk).update(expires_at=pending.created_at - timedelta(seconds=1))
    response = confirm(client_for(staff_a), pending.pk)
    assert response.status_code == REDIRECT and not Contribution.objects.exists()
    assert not ContributionImport.objects.exists()


def test_hostile_files_are_refused_with_a_message(client_for, staff_a, ward_a, monkeypatch, settings):
    client = client_for(staff_a)
    not_xlsx = upload(client, ward_a, b"MZ\x90\x00 not a workbook", name="virus.xlsx")
    assert "not an Excel workbook" in str(not_xlsx.context["check"].errors[0])
    csv = upload(client, ward_a, b"a,b,c", name="dong-gop.csv")
    assert "not an Excel workbook" in str(csv.context["check"].errors[0])
    monkeypatch.setattr(layout, "MAX_ROWS", 3)
    many = upload(client, ward_a, workbook([GOOD[1]] * 5))
    assert [str(e) for e in many.context["check"].errors] == ["The file has more than 3 rows."]
    settings.UPLOAD_MAX_ROWS = 10
    huge = upload(client, ward_a, workbook([[None]] * 20 + [GOOD[1]]))
    assert "more than 10 rows" in str(huge.context["check"].errors[0])
    settings.UPLOAD_MAX_SHEET_BYTES = 100
    large = upload(client, ward_a, workbook(GOOD))
    assert "larger than" in str(large.context["check"].errors[0])
    assert not ContributionImport.objects.exists()


def test_import_check_reads_amounts_as_excel_shows_them(ward_a):
    rows = [[date(2026, 4, 1), "", "Đất hiến (m²)", "Nhân dân", 2.3000000000000003, "", "", "", ""]]
    check = excel.import_check(ward=ward_a, filename="a.xlsx", content=workbook(rows))
    assert check.ok and check.rows[0].data["amount"] == Decimal("2.30")
