"""Finding 10: the report PDF as a state document (Nghị định 30/2020/NĐ-CP).

The place name is the issuing unit's own (a ward's report is not dated from the province), "Nơi nhận:
- Như trên;" stands only under a "Kính gửi", the signer's name is printed, a rebuild keeps the
document number, and leaders set the addressing and signature on a page of their own.
"""

from unittest import mock

import pytest
from django.urls import reverse

from portal.models import HistoryEntry
from reports import services
from reports.documents import document_settings_for
from reports.exports import pdf_bytes, pdf_context
from reports.exports.addressing import place_name
from reports.models import DocumentSettings, Report
from tests.factories import CityFactory, WardFactory
from tests.reports.conftest import enter
from tests.reports.test_exports import ISSUED, MONTHLY, flat, poppler, ward_scope


@pytest.fixture
def november(ward_a, hood_a, hood_b, months):
    enter(hood_a, months[11], met=True)
    enter(hood_b, months[11], met=False)
    return months[11]


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Request a monthly report and run its build (sent on commit) at once."""

    def run(city, period, ward=None) -> Report:
        with django_capture_on_commit_callbacks(execute=True):
            report, _queued = services.report_request(kind=Report.Kind.MONTHLY, city=city, ward=ward, period=period)
        return Report.objects.get(pk=report.pk)

    return run


def _pdf_text(report: Report, tmp_path) -> str:
    with report.pdf.open("rb") as f:
        return flat(poppler("pdftotext", f.read(), tmp_path))


# --- the place name: NĐ 30/2020, Phụ lục I, II.4.a ---------------------------------------------------------


@pytest.mark.parametrize(
    ("ward", "city", "place"),
    [
        ("Phường Hạc Thành", "Thanh Hóa", "Hạc Thành"),
        ("Xã Hoằng Hóa", "Thanh Hóa", "Hoằng Hóa"),
        ("Đặc khu Vân Đồn", "Quảng Ninh", "Vân Đồn"),
        ("Phường 5", "Thành phố Hồ Chí Minh", "Phường 5"),  # named by a number: the full name
        ("Phường Hà Giang 1", "Tuyên Quang", "Phường Hà Giang 1"),
        (None, "Thanh Hóa", "Thanh Hóa"),
        (None, "Thành phố Hà Nội", "Hà Nội"),
        (None, "Hà Nội", "Hà Nội"),
        (None, "Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),  # named after a person: the full name
        (None, "Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ],
)
def test_finding_10_place_name_follows_decree_30(ward, city, place):
    assert place_name({"city": city, "ward": ward, "code": "1"}) == place


def test_finding_10_ward_report_place_is_the_ward_not_the_province(tmp_path):
    assert pdf_context(ward_scope(MONTHLY), issued_on=ISSUED)["place_date"] == "Hạc Thành, ngày 05 tháng 12 năm 2026"
    text = flat(poppler("pdftotext", pdf_bytes(ward_scope(MONTHLY), issued_on=ISSUED), tmp_path))
    assert "Hạc Thành, ngày 05 tháng 12 năm 2026" in text
    assert "Thanh Hóa, ngày" not in text


def test_finding_10_a_configured_place_wins():
    context = pdf_context(ward_scope(MONTHLY), settings={"place": "Phường Điện Biên Phủ"}, issued_on=ISSUED)
    assert context["place_date"] == "Phường Điện Biên Phủ, ngày 05 tháng 12 năm 2026"


# --- Kính gửi and Nơi nhận ---------------------------------------------------------------------------------------


def test_finding_10_addressee_above_recipients(tmp_path):
    text = flat(poppler("pdftotext", pdf_bytes(ward_scope(MONTHLY), issued_on=ISSUED), tmp_path))
    addressee = text.index("Kính gửi: Ủy ban nhân dân tỉnh Thanh Hóa")
    assert text.index("Kết quả thực hiện tiêu chí kiểu mẫu tháng 11/2026") < addressee  # under the title
    assert addressee < text.index("Nơi nhận:") < text.index("- Như trên;") < text.index("- Lưu: VT, VP.")


def test_finding_10_no_like_above_without_an_addressee(tmp_path):
    """A city's report has no addressee by default, so no "Như trên" either."""
    text = flat(poppler("pdftotext", pdf_bytes(MONTHLY, issued_on=ISSUED), tmp_path))
    assert "Kính gửi" not in text and "Như trên" not in text
    assert "- Thường trực Tỉnh ủy (để báo cáo);" in text and "- Lưu: VT, VP." in text
    ward = pdf_context(ward_scope(MONTHLY), settings={"addressee": ""})
    assert ward["addressee"] is None
    assert ward["recipients"] == ["- UBND tỉnh Thanh Hóa (để báo cáo);", "- Lưu: VT, VP."]


def test_finding_10_several_addressees_each_on_a_line():
    context = pdf_context(MONTHLY, settings={"addressee": "Bộ Nội vụ\n- Ban Thi đua - Khen thưởng Trung ương;"})
    assert context["addressee"] == {
        "single": "",
        "lines": ["- Bộ Nội vụ;", "- Ban Thi đua - Khen thưởng Trung ương."],
    }


def test_finding_10_central_city_defaults():
    hanoi = {"city": "Thành phố Hà Nội", "ward": "Phường Ba Đình", "code": "00004"}
    context = pdf_context({**MONTHLY, "scope": hanoi}, issued_on=ISSUED)
    assert context["place_date"].startswith("Ba Đình, ngày")
    assert context["addressee"]["single"] == "Ủy ban nhân dân thành phố Hà Nội"
    hcm = {"city": "Thành phố Hồ Chí Minh", "ward": None, "code": "79"}
    assert pdf_context({**MONTHLY, "scope": hcm}, settings={"addressee": ""})["recipients"][0] == (
        "- Thường trực Thành ủy (để báo cáo);"
    )


# --- the signer ----------------------------------------------------------------------------------------------------


def test_finding_10_signer_name_printed(tmp_path):
    settings = {"signer_title": "KT. Chủ tịch\nPhó Chủ tịch", "signer_name": "Phạm Quốc Hùng"}
    context = pdf_context(ward_scope(MONTHLY), settings=settings, issued_on=ISSUED)
    assert context["signer_lines"] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and context["signer_name"] == "Phạm Quốc Hùng"
    text = flat(poppler("pdftotext", pdf_bytes(ward_scope(MONTHLY), settings=settings, issued_on=ISSUED), tmp_path))
    assert text.index("TM. ỦY BAN NHÂN DÂN") < text.index("PHÓ CHỦ TỊCH") < text.index("Phạm Quốc Hùng")


def test_finding_10_a_ward_build_prints_its_settings(build, city, ward_a, november, leader_a, tmp_path):
    services.document_settings_save(
        city=city,
        ward=ward_a,
        user=leader_a,
        values={"addressee": "Ủy ban nhân dân tỉnh Thanh Hóa", "signer_name": "Phạm Quốc Hùng"},
    )
    report = build(city, november, ward=ward_a)
    assert report.state == Report.State.DONE, report.error
    text = _pdf_text(report, tmp_path)
    assert "Hạc Thành, ngày 20 tháng 11 năm 2026" in text  # the frozen day of the build
    assert "Kính gửi: Ủy ban nhân dân tỉnh Thanh Hóa" in text and "Phạm Quốc Hùng" in text


# --- settings with their defaults ---------------------------------------------------------------------------------


def test_document_settings_for_fills_in_the_defaults(city, ward_a, leader_a, frozen_today):
    assert document_settings_for(city, ward_a) == {
        "place": "Hạc Thành",
        "addressee": "Ủy ban nhân dân tỉnh Thanh Hóa",
        "recipients": ["- Như trên;", "- Lưu: VT, VP."],
        "signer_title": "Chủ tịch",
        "signer_name": "",
    }
    assert document_settings_for(city, None)["addressee"] == ""
    services.document_settings_save(city=city, ward=ward_a, user=leader_a, values={"signer_name": "Phạm Quốc Hùng"})
    saved = document_settings_for(city, ward_a)
    assert saved["addressee"] == "" and saved["recipients"][0] == "- UBND tỉnh Thanh Hóa (để báo cáo);"
    assert saved["signer_name"] == "Phạm Quốc Hùng"


def test_settings_are_one_per_city_and_one_per_ward(city, ward_a, leader_a, city_leader, frozen_today):
    services.document_settings_save(city=city, ward=None, user=city_leader, values={"signer_name": "Lê Văn Thành"})
    services.document_settings_save(city=city, ward=None, user=city_leader, values={"signer_name": "Lê Văn Thành 2"})
    services.document_settings_save(city=city, ward=ward_a, user=leader_a, values={"signer_name": "Phạm Quốc Hùng"})
    assert DocumentSettings.objects.count() == 2
    other = WardFactory(city=CityFactory(code="01", name="Thành phố Hà Nội"))
    with pytest.raises(ValueError):
        services.document_settings_save(city=city, ward=other, user=city_leader, values={})


def test_settings_are_visible_by_scope(city, ward_a, ward_b, staff_a, staff_b, leader_a, city_leader, frozen_today):
    ward_row = services.document_settings_save(city=city, ward=ward_a, user=leader_a, values={"signer_name": "Hùng"})
    city_row = services.document_settings_save(city=city, ward=None, user=city_leader, values={"signer_name": "Thành"})
    assert list(DocumentSettings.objects.visible_to(staff_b)) == []
    assert list(DocumentSettings.objects.visible_to(staff_a)) == [ward_row]
    assert set(DocumentSettings.objects.visible_to(city_leader)) == {ward_row, city_row}


# --- the document number ------------------------------------------------------------------------------------------


def test_finding_10_rebuild_keeps_document_number(
    build, city, november, city_leader, tmp_path, django_capture_on_commit_callbacks
):
    first = build(city, november)
    with django_capture_on_commit_callbacks(execute=True):  # a worker renders the PDF again
        services.report_number_set(report_id=first.pk, number="15/BC-UBND", user=city_leader)
    first.refresh_from_db()
    assert first.number == "15/BC-UBND"
    assert "Số: 15/BC-UBND" in _pdf_text(first, tmp_path)  # the stored PDF is rendered again with it
    assert HistoryEntry.objects.for_object(first).filter(action="update").exists()

    second = build(city, november)
    assert second.pk != first.pk and second.is_current and second.number == "15/BC-UBND"
    assert "Số: 15/BC-UBND" in _pdf_text(second, tmp_path)
    third = build(city, november)
    assert third.number == "15/BC-UBND"


def test_numbering_a_report_of_an_older_snapshot_shape_builds_it_again(
    build, city, november, city_leader, django_capture_on_commit_callbacks
):
    old = build(city, november)
    Report.objects.filter(pk=old.pk).update(snapshot={"kind": "monthly", "scope": {}, "totals": {"late": 1}})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.report_number_set(report_id=old.pk, number="16/BC-UBND", user=city_leader)
    assert callbacks  # the render was queued after the commit
    rebuilt = Report.objects.get(kind=old.kind, city=city, ward=None, period=november, is_current=True)
    assert rebuilt.pk != old.pk and rebuilt.number == "16/BC-UBND" and "units" in rebuilt.snapshot


def test_a_rebuild_takes_the_latest_number_when_the_current_report_has_none(build, city, november):
    first = build(city, november)
    Report.objects.filter(pk=first.pk).update(number="3/BC-UBND", is_current=False)
    second = build(city, november)
    Report.objects.filter(pk=second.pk).update(number="")
    assert build(city, november).number == "3/BC-UBND"


def test_a_number_typed_during_the_build_is_kept_and_printed(build, city, november, tmp_path):
    real = pdf_bytes
    calls = []

    def typing_office(snapshot, **kwargs):
        if not calls:  # the office types the number while the first PDF renders
            Report.objects.filter(state=Report.State.RUNNING).update(number="7/BC-UBND")
        calls.append(kwargs["number"])
        return real(snapshot, **kwargs)

    with mock.patch("reports.exports.pdf_bytes", side_effect=typing_office):
        report = build(city, november)
    assert calls == ["", "7/BC-UBND"]
    assert report.number == "7/BC-UBND" and "Số: 7/BC-UBND" in _pdf_text(report, tmp_path)


def test_the_office_sets_the_number_on_the_report_page(build, client, city, ward_a, november, leader_a, staff_a):
    report = build(city, november, ward=ward_a)
    url = reverse("reports:report-number", args=[report.pk])
    client.force_login(staff_a)
    assert b"report-number-form" not in client.get(reverse("reports:report-detail", args=[report.pk])).content
    assert client.post(url, {"number": "9"}).status_code == 403
    client.force_login(leader_a)
    assert client.post(url, {"number": "9"}).status_code == 302
    report.refresh_from_db()
    assert report.number == "9"
    too_long = client.post(url, {"number": "9" * 41})
    assert too_long.status_code == 200 and "9" * 41 in too_long.content.decode()


# --- the settings page --------------------------------------------------------------------------------------------

FORM = {
    "addressee": "Ủy ban nhân dân tỉnh Thanh Hóa",
    "recipients": "Như trên;\n- Thường trực Đảng ủy phường;\n- Lưu: VT, VP.",
    "signer_title": "KT. Chủ tịch\nPhó Chủ tịch",
    "signer_name": "Phạm  Quốc Hùng",
    "place": "",
}


def test_ward_leader_saves_the_settings_of_their_ward(client, ward_a, leader_a, frozen_today):
    url = reverse("reports:document-settings", args=[ward_a.code])
    client.force_login(leader_a)
    page = client.get(url)
    assert page.status_code == 200
    assert "Ủy ban nhân dân tỉnh Thanh Hóa" in page.content.decode()  # the default addressee to start from
    assert client.post(url, FORM)["Location"] == url
    row = DocumentSettings.objects.get(ward=ward_a)
    assert row.recipients == "- Như trên;\n- Thường trực Đảng ủy phường;\n- Lưu: VT, VP."
    assert row.signer_name == "Phạm Quốc Hùng" and row.updated_by == leader_a
    entry = HistoryEntry.objects.for_object(row).get()
    assert entry.action == "create" and entry.changes["signer_name"] == [None, "Phạm Quốc Hùng"]
    client.post(url, {**FORM, "signer_name": "Lê Thị Mai"})
    assert HistoryEntry.objects.for_object(row).filter(action="update").count() == 1
    assert "Lê Thị Mai" in client.get(url).content.decode()


def test_city_leader_sets_the_city_and_its_wards(client, city, ward_a, city_leader, admin_user, frozen_today):
    client.force_login(city_leader)
    for code in (city.code, ward_a.code):
        url = reverse("reports:document-settings", args=[code])
        assert client.get(url).status_code == 200
        assert client.post(url, FORM).status_code == 302
    assert DocumentSettings.objects.filter(city=city).count() == 2
    client.force_login(admin_user)
    assert client.get(reverse("reports:document-settings", args=[city.code])).status_code == 200


def test_ward_staff_get_403_and_another_ward_404(client, city, ward_a, ward_b, staff_a, leader_a, frozen_today):
    client.force_login(staff_a)
    assert client.get(reverse("reports:document-settings", args=[ward_a.code])).status_code == 403
    assert client.post(reverse("reports:document-settings", args=[ward_a.code]), FORM).status_code == 403
    assert client.get(reverse("reports:document-settings", args=[city.code])).status_code == 403
    client.force_login(leader_a)
    assert client.get(reverse("reports:document-settings", args=[ward_b.code])).status_code == 404
    assert client.get(reverse("reports:document-settings", args=[city.code])).status_code == 403
    assert client.get(reverse("reports:document-settings", args=["99999"])).status_code == 404
    assert not DocumentSettings.objects.exists()


def test_anonymous_is_sent_to_login(client, ward_a):
    response = client.get(reverse("reports:document-settings", args=[ward_a.code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_bad_post_keeps_what_was_typed(client, ward_a, leader_a, frozen_today):
    client.force_login(leader_a)
    url = reverse("reports:document-settings", args=[ward_a.code])
    typed = {**FORM, "addressee": "\n".join(f"Cơ quan số {n}" for n in range(1, 9)), "signer_name": "Trần Văn B"}
    page = client.post(url, typed)
    html = page.content.decode()
    assert page.status_code == 200 and "Cơ quan số 8" in html and "Trần Văn B" in html
    assert "is-invalid" in html
    assert not DocumentSettings.objects.exists()


def test_the_report_list_links_to_the_settings_for_leaders_only(client, ward_a, leader_a, staff_a, frozen_today):
    link = reverse("reports:document-settings", args=[ward_a.code])
    client.force_login(leader_a)
    assert link in client.get(reverse("reports:report-list"), {"ward": ward_a.code}).content.decode()
    client.force_login(staff_a)
    assert link not in client.get(reverse("reports:report-list"), {"ward": ward_a.code}).content.decode()
