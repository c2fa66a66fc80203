"""Two people confirming different Excel files for the same ward and month: one is saved, the other sees
a conflict naming each difference and saves nothing, and may then confirm knowingly.

Confirmations of a ward are serialised by a lock on the ward's row, which exists even for a new month
with no submission yet (when the race used to let both files through, the second overwriting the first).
"""

import os
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.results import excel
from campaigns.results.excel import upload
from campaigns.results.models import ExcelPreview, Submission
from campaigns.results.periods import periods_ensure
from tests.campaigns.results.test_excel import (
    CRITERIA,
    _upload,
    _urls,
    month,
    result_history,
    row,
    values_of,
    workbook,
)
from tests.factories import MembershipFactory, NeighbourhoodFactory, ProfileFactory, UserFactory
from wards.models import Membership


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def nd86(db, settings):
    settings.PERIOD_CUTOFF_DAY = 1
    criteria_set, _ = criteria_set_load_file(CRITERIA / "nd-86-2023-thon-tdp-van-hoa.yaml")
    periods_ensure(2026)
    return criteria_set


@pytest.fixture
def hood_a2(ward_a):
    hood = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2")
    ProfileFactory(neighbourhood=hood, year=2026, households=150, people=500)
    return hood


@pytest.fixture
def staff_a2(ward_a):
    """A second member of ward A's staff, entering the same month from another office."""
    user = UserFactory(username="canbo3", first_name="Lan")
    MembershipFactory(user=user, role=Membership.Role.WARD_STAFF, ward=ward_a)
    return user


@pytest.fixture
def april(nd86, ward_a, hood_a, hood_a2):
    """A month nobody has entered yet: no submission exists, which is when the race happened."""
    period = month(4)
    assert not Submission.objects.filter(period=period).exists()
    return period


def file_a(hood_a, hood_a2) -> bytes:
    return workbook([row(hood_a, "I.1", 95), row(hood_a, "II.2", 99), row(hood_a2, "I.1", 80)])


def file_b(hood_a, hood_a2) -> bytes:
    return workbook([row(hood_a, "I.1", 90, "Số liệu của tổ"), row(hood_a, "II.2", 99), row(hood_a2, "III.1", "Có")])


def keep(user, ward, period, content) -> tuple[ExcelPreview, str]:
    """A checked file kept for confirmation, and the digest of the changes its preview shows."""
    result = excel.upload_check(user=user, ward=ward, period=period, filename="ket-qua.xlsx", content=content)
    assert result.ok and result.changes
    preview = excel.preview_keep(
        user=user, ward=ward, period=period, filename="ket-qua.xlsx", content=content, result=result
    )
    return preview, result.digest


def entered(hood, period) -> dict[str, Decimal]:
    return {code: value for code, (value, _text, _note, _version) in values_of(hood, period).items() if code != "I.2"}


def test_confirm_a_then_b_on_a_new_month_gives_b_a_conflict_and_saves_nothing_of_b(
    ward_a, hood_a, hood_a2, staff_a, staff_a2, april
):
    a, digest_a = keep(staff_a, ward_a, april, file_a(hood_a, hood_a2))
    b, digest_b = keep(staff_a2, ward_a, april, file_b(hood_a, hood_a2))

    saved_a = excel.preview_confirm(user=staff_a, preview=a, digest=digest_a)
    assert saved_a.ok and saved_a.saved == 3 and not saved_a.needs_review
    after_a = (entered(hood_a, april), entered(hood_a2, april), result_history())
    assert after_a[:2] == ({"I.1": 95, "II.2": 99}, {"I.1": 80})

    refused = excel.preview_confirm(user=staff_a2, preview=b, digest=digest_b)
    assert refused.ok and refused.saved == 0 and refused.needs_review
    # Only I.1 of the first unit differs: A saved the same II.2, and A did not touch III.1 of the second.
    assert [(r.neighbourhood, r.indicator.code, r.old_value, r.value, r.note) for r in refused.conflicts] == [
        (hood_a, "I.1", 95, 90, "Số liệu của tổ")
    ]
    assert (refused.conflicts[0].old_display, refused.conflicts[0].new_display) == ("95", "90")
    assert (entered(hood_a, april), entered(hood_a2, april), result_history()) == after_a  # nothing of B

    kept = ExcelPreview.objects.get(pk=b.pk)  # B may still confirm, now knowing what it replaces
    assert kept.base == refused.base != b.base
    replaced = excel.preview_confirm(user=staff_a2, preview=kept, digest=refused.digest)
    assert replaced.saved == 2 and not replaced.conflicts
    assert (entered(hood_a, april), entered(hood_a2, april)) == ({"I.1": 90, "II.2": 99}, {"I.1": 80, "III.1": 1})
    assert not ExcelPreview.objects.exists()


def test_the_conflict_page_names_each_difference_in_vietnamese(
    client, ward_a, hood_a, hood_a2, staff_a, staff_a2, april
):
    _template, upload_url = _urls(ward_a.code, april)
    client.force_login(staff_a2)
    preview_b = client.post(upload_url, {"file": _upload(file_b(hood_a, hood_a2))})
    token, digest = preview_b.context["token"], preview_b.context["result"].digest
    a, digest_a = keep(staff_a, ward_a, april, file_a(hood_a, hood_a2))
    assert excel.preview_confirm(user=staff_a, preview=a, digest=digest_a).saved == 3

    response = client.post(upload_url, {"token": token, "digest": digest})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["token"] == token
    assert "Người khác đã lưu kết quả của phường, xã này cho kỳ này sau khi bạn xem trước" in html
    assert "excel-conflicts" in html and 'name="token"' in html
    conflict = html[html.index("excel-conflicts") : html.index("</table>", html.index("excel-conflicts"))]
    for text in ("Số liệu đã lưu", "Trong tệp của bạn", hood_a.name, "I.1", "<td>95</td>", "<strong>90</strong>"):
        assert text in conflict
    assert hood_a2.name not in conflict and "II.2" not in conflict
    assert entered(hood_a, april)["I.1"] == 95

    # Confirming the page that named the differences saves the file, replacing them knowingly.
    again = client.post(upload_url, {"token": token, "digest": response.context["result"].digest})
    assert again.status_code == 302 and entered(hood_a, april)["I.1"] == 90


def test_a_stale_page_cannot_confirm_after_a_conflict_was_shown(ward_a, hood_a, hood_a2, staff_a, staff_a2, april):
    """The first page of B, left open in another tab, still shows the old changes: it saves nothing."""
    a, digest_a = keep(staff_a, ward_a, april, file_a(hood_a, hood_a2))
    b, digest_b = keep(staff_a2, ward_a, april, file_b(hood_a, hood_a2))
    excel.preview_confirm(user=staff_a, preview=a, digest=digest_a)
    assert excel.preview_confirm(user=staff_a2, preview=b, digest=digest_b).conflicts
    stale = excel.preview_confirm(user=staff_a2, preview=ExcelPreview.objects.get(pk=b.pk), digest=digest_b)
    assert stale.stale and not stale.conflicts and stale.saved == 0
    assert entered(hood_a, april)["I.1"] == 95


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_save_one_file_and_give_the_other_a_conflict(
    ward_a, hood_a, hood_a2, staff_a, staff_a2, april, monkeypatch
):
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI runs this test with a PostgreSQL DATABASE_URL")
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL): SQLite has no row locks, so two connections cannot confirm "
            "at the same time as they do in production"
        )
    previews = {
        "a": (staff_a, *keep(staff_a, ward_a, april, file_a(hood_a, hood_a2))),
        "b": (staff_a2, *keep(staff_a2, ward_a, april, file_b(hood_a, hood_a2))),
    }
    # Saving is slowed so that both confirmations are under way together: without the ward's lock both
    # would check the file against the empty month, then both save.
    save = upload._save

    def slow_save(*args, **kwargs):
        time.sleep(0.5)
        return save(*args, **kwargs)

    monkeypatch.setattr(upload, "_save", slow_save)
    start = threading.Barrier(2)
    outcomes = {}

    def confirm(name):
        user, preview, digest = previews[name]
        try:
            with translation.override("en"):
                start.wait(timeout=10)
                outcomes[name] = excel.preview_confirm(user=user, preview=preview, digest=digest)
        except Exception as exc:  # reported by the assertion below
            outcomes[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(name,)) for name in previews]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(isinstance(o, Exception) for o in outcomes.values()), outcomes
    saved = [name for name, result in outcomes.items() if result.saved]
    refused = [name for name, result in outcomes.items() if result.conflicts]
    assert len(saved) == 1 and len(refused) == 1, {n: (r.saved, r.conflicts) for n, r in outcomes.items()}
    assert outcomes[refused[0]].saved == 0
    winner = {"a": ({"I.1": 95, "II.2": 99}, {"I.1": 80}), "b": ({"I.1": 90, "II.2": 99}, {"III.1": 1})}
    assert (entered(hood_a, april), entered(hood_a2, april)) == winner[saved[0]]
    assert [(r.indicator.code, r.old_value) for r in outcomes[refused[0]].conflicts] == [
        ("I.1", winner[saved[0]][0]["I.1"])
    ]
    assert Submission.objects.filter(period=april).count() == 2
    assert list(ExcelPreview.objects.values_list("pk", flat=True)) == [previews[refused[0]][1].pk]
