"""A city-wide report of many wards, built as parts joined at the end, is the report built in one task."""

from unittest import mock

import pytest

from campaigns.results.models import Period, Submission
from reports import fanout, services
from reports.models import Report, ReportPart
from tests.factories import NeighbourhoodFactory, ProfileFactory, WardFactory
from tests.reports.conftest import enter, grow
from wards.models import Ward


@pytest.fixture
def province(city, months, frozen_today):
    """Seven wards with units (one with none), reports in October and November that differ."""
    wards = grow(city, 6, 3, months[10], complete_every=2)
    for number, ward in enumerate(wards):
        for h, hood in enumerate(ward.neighbourhoods.order_by("pk")):
            if (number + h) % 4 == 3:
                continue  # no report for November: "not reported"
            status = Submission.Status.SUBMITTED if h == 1 else Submission.Status.APPROVED
            enter(hood, months[11], met=(number + h) % 3 != 0, status=status)
    late = WardFactory(city=city, name="Xã Đông Tiến", kind=Ward.Kind.COMMUNE)
    hood = NeighbourhoodFactory(ward=late, name="Thôn Đình Hương")
    ProfileFactory(neighbourhood=hood, year=2026)
    enter(hood, months[11], met=True, status=Submission.Status.RETURNED)
    WardFactory(city=city, name="Phường Không Có Thôn")  # no units: in no row
    return city


def _build(city, kind, period, capture):
    with capture(execute=True):
        report, queued = services.report_request(kind=kind, city=city, ward=None, period=period)
    assert queued
    report.refresh_from_db()
    return report


def _both(province, kind, period, settings, capture):
    """The report built in one task, then in parts of three wards; the parts read, counted."""
    settings.REPORT_FANOUT_MIN_WARDS = 1000
    single = _build(province, kind, period, capture)
    settings.REPORT_FANOUT_MIN_WARDS, settings.REPORT_FANOUT_CHUNK = 3, 3
    with mock.patch.object(fanout, "report_part_build", wraps=fanout.report_part_build) as part:
        parted = _build(province, kind, period, capture)
    single.refresh_from_db()
    return single, parted, part.call_count


def test_a_monthly_report_in_parts_is_the_report_in_one_task(
    province, months, settings, django_capture_on_commit_callbacks
):
    single, parted, parts = _both(
        province, Report.Kind.MONTHLY, months[11], settings, django_capture_on_commit_callbacks
    )
    assert parts == 3  # 8 wards, 3 a part
    assert single.state == parted.state == Report.State.DONE and parted.is_current and not single.is_current
    assert parted.snapshot == single.snapshot and parted.snapshot_hash == single.snapshot_hash
    snapshot = parted.snapshot
    assert len(snapshot["reporting"]) == 7 and snapshot["totals"]["units"] == 19
    assert snapshot["not_reported"]["count"] > 0 and snapshot["gaps"] and snapshot["newly_complete"]["count"] >= 0
    assert parted.xlsx.name and parted.pdf.name and not ReportPart.objects.exists()


def test_an_annual_report_in_parts_is_the_report_in_one_task(
    province, months, settings, django_capture_on_commit_callbacks
):
    year = Period.objects.get(kind=Period.Kind.YEAR, year=2026)
    single, parted, parts = _both(province, Report.Kind.ANNUAL, year, settings, django_capture_on_commit_callbacks)
    assert parts == 3
    assert single.state == parted.state == Report.State.DONE
    assert parted.snapshot == single.snapshot and parted.snapshot_hash == single.snapshot_hash
    assert len(parted.snapshot["ranking"]) == 7 and parted.snapshot["totals"]["reached"] > 0


def test_a_small_city_and_a_ward_report_stay_one_task(province, months, settings, django_capture_on_commit_callbacks):
    settings.REPORT_FANOUT_MIN_WARDS = 8  # the province has 8 wards: not more than that
    with mock.patch.object(fanout, "report_fanout_start") as start:
        report = _build(province, Report.Kind.MONTHLY, months[11], django_capture_on_commit_callbacks)
        settings.REPORT_FANOUT_MIN_WARDS = 0
        ward = Ward.objects.filter(city=province, neighbourhoods__isnull=False).first()
        with django_capture_on_commit_callbacks(execute=True):
            services.report_request(kind=Report.Kind.MONTHLY, city=province, ward=ward, period=months[11])
    assert report.state == Report.State.DONE and not start.called


def test_the_chunks_follow_the_report_order_of_wards(province, settings):
    settings.REPORT_FANOUT_CHUNK = 3
    chunks = fanout.ward_chunks(province.pk)
    ordered = list(Ward.objects.filter(city=province).order_by("search_key", "code").values_list("pk", flat=True))
    assert [pk for chunk in chunks for pk in chunk] == ordered
    assert [len(chunk) for chunk in chunks] == [3, 3, 2]


def test_a_failed_part_fails_the_report_with_its_reason_and_a_new_build_can_start(
    province, months, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_FANOUT_MIN_WARDS, settings.REPORT_FANOUT_CHUNK = 3, 3
    real = fanout.report_part_build

    def second_part_breaks(**kwargs):
        if kwargs["chunk"] == 1:
            raise ValueError("chunk 1 broke")
        return real(**kwargs)

    with mock.patch.object(fanout, "report_part_build", side_effect=second_part_breaks):
        report = _build(province, Report.Kind.MONTHLY, months[11], django_capture_on_commit_callbacks)
    assert report.state == Report.State.FAILED and "chunk 1 broke" in report.error
    assert report.lease_until is None and not report.is_current and not ReportPart.objects.exists()
    again = _build(province, Report.Kind.MONTHLY, months[11], django_capture_on_commit_callbacks)
    assert again.pk != report.pk and again.state == Report.State.DONE and again.is_current


def _running_report(city, period):
    report = Report.objects.create(kind=Report.Kind.MONTHLY, city=city, period=period)
    services._claim(report.pk)
    return report


def test_a_part_that_lost_its_connection_is_retried_by_the_worker_while_the_build_waits(province, months):
    from celery.exceptions import Retry
    from django.db import OperationalError

    from reports.tasks import build_report_part

    report, app = _running_report(province, months[11]), build_report_part.app
    lost = OperationalError("server closed the connection unexpectedly")
    app.conf.task_always_eager = False  # as on a worker (tests/conftest.py sets it back)
    with (
        mock.patch.object(fanout, "report_part_build", side_effect=lost),
        mock.patch.object(build_report_part, "retry", side_effect=Retry("again")) as retry,
    ):
        with pytest.raises(Retry):
            build_report_part.apply((report.pk, "b" * 32, 0, []), retries=2, throw=True)
        assert retry.call_args.kwargs["exc"] is lost
        report.refresh_from_db()
        assert report.state == Report.State.RUNNING  # waits for the part
        with pytest.raises(OperationalError):  # the last retry: the report fails
            build_report_part.apply((report.pk, "b" * 32, 0, []), retries=5, throw=True)
    report.refresh_from_db()
    assert report.state == Report.State.FAILED and "server closed" in report.error and report.lease_until is None


def test_eagerly_a_part_that_lost_its_connection_fails_the_report_at_once(
    province, months, settings, django_capture_on_commit_callbacks
):
    from django.db import OperationalError

    settings.REPORT_FANOUT_MIN_WARDS, settings.REPORT_FANOUT_CHUNK = 3, 3
    down = OperationalError("could not connect to server")
    with mock.patch.object(fanout, "report_part_build", side_effect=down) as part:
        report = _build(province, Report.Kind.MONTHLY, months[11], django_capture_on_commit_callbacks)
    assert part.call_count == 1
    assert report.state == Report.State.FAILED and "could not connect" in report.error


def test_a_join_whose_report_was_replaced_leaves_it_alone(province, months, settings):
    report = Report.objects.create(kind=Report.Kind.MONTHLY, city=province, period=months[11])
    Report.objects.filter(pk=report.pk).update(state=Report.State.FAILED)
    assert fanout.report_parts_join(report_id=report.pk, build="x" * 32, chunks=1, today="2026-11-20") == "failed"
    report.refresh_from_db()
    assert report.state == Report.State.FAILED and report.snapshot is None


def test_a_join_with_a_part_missing_fails_the_report(province, months):
    report = Report.objects.create(kind=Report.Kind.MONTHLY, city=province, period=months[11])
    Report.objects.filter(pk=report.pk).update(state=Report.State.RUNNING)
    fanout.report_parts_join(report_id=report.pk, build="b" * 32, chunks=2, today="2026-11-20")
    report.refresh_from_db()
    assert report.state == Report.State.FAILED and "2 of the report's 2 parts are missing" in report.error
