"""Reads go to the read replica only where the code asks for it; every write goes to "default"."""

import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.results import periods
from campaigns.results.models import Period, Result, Submission
from portal.db_router import DEFAULT, REPLICA, ReplicaRouter, reading_from_replica
from reports import services
from reports.models import Report
from tests.factories import NeighbourhoodFactory
from tests.reports.conftest import NEIGHBOURHOOD_SET, enter
from wards.models import Neighbourhood

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def months(db):
    """The months of 2026 with the neighbourhood criteria set, on 20/11/2026 (as tests/reports)."""
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=False):
        criteria_set_load_file(NEIGHBOURHOOD_SET)
        periods.periods_ensure(2025)
        periods.periods_ensure(2026)
        yield {p.number: p for p in Period.objects.filter(kind=Period.Kind.MONTH, year=2026)}


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """The "replica" alias settings make from DATABASE_REPLICA_URL, here the test database under a second
    connection (a test mirror of "default": it sees what "default" committed). Added before the tests'
    database guards are set up, so a test may name it in `databases`."""
    default = connections[DEFAULT].settings_dict
    connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": DEFAULT}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias, settings):
    """The replica and the router, as with DATABASE_REPLICA_URL set."""
    settings.DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
    return connections[REPLICA]


ON_REPLICA = pytest.mark.django_db(transaction=True, databases=[DEFAULT, REPLICA])


@pytest.fixture
def no_writes_on_replica(replica):
    """Any INSERT, UPDATE or DELETE sent to the replica connection fails the test."""

    def refuse_writes(execute, sql, params, many, context):
        assert not sql.lstrip().upper().startswith(WRITES), f"a write went to the replica: {sql[:120]}"
        return execute(sql, params, many, context)

    with replica.execute_wrapper(refuse_writes):
        yield replica


# --- the router -------------------------------------------------------------------------------------------------


def test_without_a_replica_every_read_goes_to_default_even_when_asked(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA, raising=False)
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_read(Neighbourhood) == DEFAULT


def test_with_a_replica_only_the_reads_asked_for_go_there(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Neighbourhood) == DEFAULT
    with reading_from_replica():
        assert router.db_for_read(Neighbourhood) == REPLICA
        assert router.db_for_write(Neighbourhood) == DEFAULT
    assert router.db_for_read(Neighbourhood) == DEFAULT  # and not after the block


@ON_REPLICA
def test_reads_inside_a_transaction_on_default_stay_on_default(replica):
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_read(Neighbourhood) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Neighbourhood) == DEFAULT


def test_only_default_is_migrated_and_relations_cross_both(replica):
    router = ReplicaRouter()
    assert router.allow_migrate(DEFAULT, "reports") and not router.allow_migrate(REPLICA, "reports")
    one, other = Neighbourhood(), Neighbourhood()
    one._state.db, other._state.db = DEFAULT, REPLICA
    assert router.allow_relation(one, other)


# --- writes inside a block of replica reads -----------------------------------------------------------------------


@ON_REPLICA
def test_every_write_goes_to_default_inside_a_block_of_replica_reads(no_writes_on_replica, hood_a, months):
    hood = hood_a
    with CaptureQueriesContext(connections[DEFAULT]) as on_default, reading_from_replica():
        other = NeighbourhoodFactory(ward=hood.ward, name="Thôn Mới")  # save
        Neighbourhood.objects.filter(pk=other.pk).update(name="Thôn Mới Đổi Tên")
        submission = enter(hood, months[11], met=True)  # services: a submission, bulk_create, evaluate
        Neighbourhood.objects.filter(pk=other.pk).delete()
    writes = [q["sql"].split()[0].upper() for q in on_default.captured_queries]
    assert {"INSERT", "UPDATE", "DELETE"} <= set(writes)
    assert Result.objects.filter(submission=submission).exists()
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.APPROVED
    assert not Neighbourhood.objects.filter(pk=other.pk).exists()


@ON_REPLICA
def test_a_report_build_reads_its_figures_on_the_replica_and_writes_on_default(
    no_writes_on_replica, city, hood_a, months
):
    enter(hood_a, months[11], met=True)
    report = Report.objects.create(kind=Report.Kind.MONTHLY, city=city, period=months[11])
    with CaptureQueriesContext(no_writes_on_replica) as on_replica:
        built = services.report_build(report_id=report.pk)
    assert built.state == Report.State.DONE, built.error
    assert built.snapshot["totals"]["units"] == 1
    assert any("campaigns_submission" in q["sql"] for q in on_replica.captured_queries)
    assert Report.objects.get(pk=report.pk).is_current


# --- the dashboards read on the replica ---------------------------------------------------------------------------


@ON_REPLICA
def test_the_dashboard_reads_its_figures_on_the_replica(client, no_writes_on_replica, city_leader, hood_a, months):
    enter(hood_a, months[11], met=True)
    client.force_login(city_leader)
    with (
        CaptureQueriesContext(no_writes_on_replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT]) as on_default,
    ):
        response = client.get(reverse("reports:dashboard"), {"period": months[11].pk})
    assert response.status_code == 200
    assert response.context["totals"]["units"] == 1
    assert any("campaigns_submission" in q["sql"] for q in on_replica.captured_queries)
    # "default" answered only the login (session, user) around the view
    assert not any("campaigns_submission" in q["sql"] for q in on_default.captured_queries)


@ON_REPLICA
def test_the_ward_dashboard_and_a_report_file_read_on_the_replica(
    client, no_writes_on_replica, leader_a, ward_a, hood_a, months
):
    enter(hood_a, months[11], met=True)
    client.force_login(leader_a)
    with CaptureQueriesContext(no_writes_on_replica) as on_replica:
        response = client.get(reverse("reports:ward-dashboard", args=[ward_a.code]), {"period": months[11].pk})
    assert response.status_code == 200 and on_replica.captured_queries
    report = Report.objects.create(kind=Report.Kind.MONTHLY, city=ward_a.city, ward=ward_a, period=months[11])
    assert services.report_build(report_id=report.pk).state == Report.State.DONE
    with CaptureQueriesContext(no_writes_on_replica) as on_replica:
        response = client.get(reverse("reports:report-file", args=[report.pk, "pdf"]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert any("reports_report" in q["sql"] for q in on_replica.captured_queries)


def test_without_a_replica_the_dashboard_reads_on_default(client, city_leader, hood_a, months):
    enter(hood_a, months[11], met=True)
    client.force_login(city_leader)
    with CaptureQueriesContext(connections[DEFAULT]) as on_default:
        response = client.get(reverse("reports:dashboard"), {"period": months[11].pk})
    assert response.status_code == 200 and response.context["totals"]["units"] == 1
    assert not django_settings.DATABASE_ROUTERS
    assert any("campaigns_submission" in q["sql"] for q in on_default.captured_queries)


# --- settings -----------------------------------------------------------------------------------------------------


def _databases(**env) -> str:
    code = (
        "import portal.settings as s; "
        "print(sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []), "
        "s.DATABASES.get('replica', {}).get('HOST'), s.DATABASES.get('replica', {}).get('TEST'))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DEBUG": "1", **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_without_database_replica_url_there_is_no_replica_nor_router():
    assert _databases() == "['default'] [] None None"


def test_database_replica_url_adds_the_replica_and_the_router():
    out = _databases(
        DATABASE_URL="postgres://kieumau@db:5432/kieumau",
        DATABASE_REPLICA_URL="postgres://kieumau@standby:5432/kieumau",
    )
    assert out == "['default', 'replica'] ['portal.db_router.ReplicaRouter'] standby {'MIRROR': 'default'}"
