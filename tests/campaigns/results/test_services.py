"""Entry and review of results against the NĐ 86/2023 set: values, facts, history, conflicts, roles."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from campaigns.criteria.loading import criteria_set_load_file
from campaigns.criteria.models import Indicator
from campaigns.results.models import CriterionResult, Period, Result, Submission
from campaigns.results.periods import periods_ensure
from campaigns.results.services import (
    ResultConflict,
    results_save,
    submission_approve,
    submission_for,
    submission_reopen,
    submission_return,
    submission_submit,
)
from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory, ProfileFactory
from wards.models import Profile, Ward

CRITERIA = Path(__file__).resolve().parents[3] / "campaigns" / "criteria" / "sets"
Status = Submission.Status

# Every entered indicator of the set, met (I.2 is computed from the profile).
ALL_MET = {
    "I.1": Decimal("95"),
    "I.3": Decimal(1),
    "I.4": Decimal(1),
    "II.1": Decimal(1),
    "II.2": Decimal("99"),
    "II.3": Decimal(1),
    "II.4": Decimal("92"),
    "II.5": Decimal(1),
    "II.6": Decimal(1),
    "III.1": Decimal(1),
    "III.2": Decimal(1),
}


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def nd86(db, settings):
    settings.PERIOD_CUTOFF_DAY = 1
    criteria_set, _ = criteria_set_load_file(CRITERIA / "nd-86-2023-thon-tdp-van-hoa.yaml")
    periods_ensure(2026)
    return criteria_set


@pytest.fixture
def ind(nd86) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=nd86)}


def month(number: int, year: int = 2026) -> Period:
    return Period.objects.get(kind=Period.Kind.MONTH, year=year, number=number)


@pytest.fixture
def march_a(nd86, hood_a) -> Submission:
    return submission_for(hood_a, month(3))


def save(submission, user, ind, values: dict, versions: dict | None = None, reason: str = "", notes=None):
    """Save {code: value} the way the entry form does."""
    notes = notes or {}
    payload = {
        ind[code].pk: {"value": value, "text": "", "note": notes.get(code, "")} for code, value in values.items()
    }
    return results_save(
        submission=submission,
        user=user,
        values=payload,
        versions={ind[code].pk: v for code, v in (versions or {}).items()},
        reason=reason,
    )


def results_of(submission) -> dict[str, Result]:
    return {r.indicator.code: r for r in Result.objects.filter(submission=submission).select_related("indicator")}


def criteria_of(submission) -> dict[str, tuple]:
    return {
        cr.criterion.number: (cr.is_met, cr.indicators_met)
        for cr in CriterionResult.objects.filter(submission=submission).select_related("criterion")
    }


def history_of(obj) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.for_object(obj).order_by("id"))


def result_history_count() -> int:
    return HistoryEntry.objects.filter(content_type=ContentType.objects.get_for_model(Result)).count()


# --- saving and evaluating -----------------------------------------------------


def test_a_new_submission_is_an_empty_draft(march_a, nd86, hood_a, ward_a):
    assert (march_a.status, march_a.criteria_set, march_a.ward, march_a.neighbourhood) == (
        Status.DRAFT,
        nd86,
        ward_a,
        hood_a,
    )
    assert submission_for(hood_a, month(3)).pk == march_a.pk
    assert not march_a.results.exists()


def test_results_save_stores_values_and_the_submission_facts(march_a, staff_a, ind):
    changed = save(
        march_a,
        staff_a,
        ind,
        {
            "I.1": Decimal("95"),
            "I.3": Decimal(1),
            "I.4": Decimal(1),
            "II.1": Decimal(1),
            "II.2": Decimal("97"),  # 97 % < 98 %
            "III.1": Decimal(0),
        },
    )
    results = results_of(march_a)
    assert {r.indicator.code for r in changed} == set(results)
    assert set(results) == {"I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "III.1"}
    assert results["I.1"].value == Decimal("95") and results["I.1"].is_met is True
    assert results["II.2"].value == Decimal("97") and results["II.2"].is_met is False
    assert results["III.1"].value == Decimal(0) and results["III.1"].is_met is False
    assert all(r.version == 1 and r.updated_by == staff_a for r in results.values())

    march_a.refresh_from_db()
    assert (march_a.criteria_total, march_a.criteria_met, march_a.missing, march_a.is_complete) == (
        3,
        1,
        ["II", "III"],
        False,
    )
    assert criteria_of(march_a) == {"I": (True, 4), "II": (False, 1), "III": (False, 0)}

    save(march_a, staff_a, ind, ALL_MET, versions={"I.1": 1, "I.3": 1, "I.4": 1, "II.1": 1, "II.2": 1, "III.1": 1})
    march_a.refresh_from_db()
    assert (march_a.criteria_met, march_a.missing, march_a.is_complete) == (3, [], True)
    assert criteria_of(march_a) == {"I": (True, 4), "II": (True, 6), "III": (True, 2)}
    assert list(Submission.objects.complete()) == [march_a]


def test_a_value_cleared_counts_as_missing(march_a, staff_a, ind):
    save(march_a, staff_a, ind, ALL_MET)
    save(march_a, staff_a, ind, {"II.3": None}, versions={"II.3": 1})
    result = results_of(march_a)["II.3"]
    assert (result.value, result.is_met, result.version) == (None, None, 2)
    march_a.refresh_from_db()
    assert (march_a.missing, march_a.is_complete) == (["II"], False)


def test_the_poor_rate_is_computed_from_the_profile(march_a, staff_a, ind, hood_a):
    """I.2: 2 poor of 234 households = 0,85 % ≤ 1,5 %."""
    save(march_a, staff_a, ind, {"I.1": Decimal("95"), "I.2": Decimal("0.1")})  # I.2 is not the user's to type
    i2 = results_of(march_a)["I.2"]
    assert (i2.value, i2.is_met) == (Decimal("0.85"), True)
    assert i2.display_value == "0,85"

    Profile.objects.filter(neighbourhood=hood_a, year=2026).update(poor_households=4)  # 1,71 %
    save(march_a, staff_a, ind, {})
    i2 = results_of(march_a)["I.2"]
    assert (i2.value, i2.is_met, i2.version) == (Decimal("1.71"), False, 2)
    assert criteria_of(march_a)["I"][0] is False


def test_no_profile_no_poor_rate(nd86, staff_a, ind, ward_a):
    hood = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Mới")
    submission = submission_for(hood, month(3))
    save(submission, staff_a, ind, {"I.1": Decimal("95")})
    assert set(results_of(submission)) == {"I.1"}


@pytest.mark.parametrize(
    ("zone", "met"), [(Ward.Zone.PLAINS, False), (Ward.Zone.COASTAL, False), (Ward.Zone.MOUNTAINOUS, True)]
)
def test_a_mountainous_ward_uses_the_zone_threshold(nd86, staff_a, ind, ward_a, hood_a, zone, met):
    """8 poor of 234 households = 3,42 %: over 1,5 % but within the mountain threshold of 5 %."""
    Ward.objects.filter(pk=ward_a.pk).update(zone=zone)
    Profile.objects.filter(neighbourhood=hood_a, year=2026).update(poor_households=8)
    submission = submission_for(hood_a, month(3))
    save(submission, staff_a, ind, ALL_MET)
    i2 = results_of(submission)["I.2"]
    assert (i2.value, i2.is_met) == (Decimal("3.42"), met)
    submission.refresh_from_db()
    assert submission.is_complete is met
    assert submission.missing == ([] if met else ["I"])


# --- history ---------------------------------------------------------------------


def test_every_changed_value_writes_its_history(march_a, staff_a, ind):
    save(march_a, staff_a, ind, {"I.1": Decimal("95")}, reason="Nhập số liệu tháng 3")
    i1 = results_of(march_a)["I.1"]
    [created] = history_of(i1)
    assert (created.action, created.user, created.reason) == ("create", staff_a, "Nhập số liệu tháng 3")
    assert created.changes == {"value": [None, "95"]}
    [computed] = history_of(results_of(march_a)["I.2"])
    assert computed.changes == {"value": [None, "0,85"]}

    save(march_a, staff_a, ind, {"I.1": Decimal("1096.5")}, versions={"I.1": 1}, reason="Sửa theo biên bản")
    entries = history_of(i1)
    assert len(entries) == 2
    assert (entries[1].action, entries[1].reason) == ("update", "Sửa theo biên bản")
    assert entries[1].changes == {"value": ["95", "1.096,5"]}

    save(march_a, staff_a, ind, {"I.1": Decimal("1096.5")}, versions={"I.1": 2}, notes={"I.1": "Theo sổ hộ khẩu"})
    entries = history_of(i1)
    assert len(entries) == 3
    assert entries[2].changes == {"note": [None, "Theo sổ hộ khẩu"]}


def test_unchanged_values_write_no_history(march_a, staff_a, ind):
    save(march_a, staff_a, ind, ALL_MET)
    before = result_history_count()
    versions = {code: r.version for code, r in results_of(march_a).items() if code != "I.2"}
    changed = save(
        march_a,
        staff_a,
        ind,
        {code: Decimal(str(v)) + Decimal("0.0000") for code, v in ALL_MET.items()},
        versions=versions,
    )
    assert changed == []
    assert result_history_count() == before
    assert all(r.version == 1 for r in results_of(march_a).values())


def test_history_names_the_old_and_new_yes_no(march_a, staff_a, ind):
    save(march_a, staff_a, ind, {"II.5": Decimal(1)})
    save(march_a, staff_a, ind, {"II.5": Decimal(0)}, versions={"II.5": 1})
    entries = history_of(results_of(march_a)["II.5"])
    assert [e.changes["value"] for e in entries] == [[None, "Có"], ["Có", "Không"]]


# --- conflicts -------------------------------------------------------------------


def test_a_stale_form_raises_a_conflict_and_saves_nothing(march_a, staff_a, ind):
    save(march_a, staff_a, ind, {"I.1": Decimal("95")})
    save(march_a, staff_a, ind, {"I.1": Decimal("96")}, versions={"I.1": 1})  # someone else, meanwhile
    march_a.refresh_from_db()
    facts = (march_a.criteria_met, march_a.missing, list(CriterionResult.objects.values_list("pk", flat=True)))
    history = HistoryEntry.objects.count()

    with pytest.raises(ResultConflict) as error:
        save(march_a, staff_a, ind, {"I.1": Decimal("80"), "I.3": Decimal(1), "II.1": Decimal(1)}, versions={"I.1": 1})
    [conflict] = error.value.conflicts
    assert conflict.indicator == ind["I.1"]
    assert conflict.yours == Decimal("80")
    assert (conflict.theirs.value, conflict.theirs.version) == (Decimal("96"), 2)

    results = results_of(march_a)
    assert set(results) == {"I.1", "I.2"}
    assert (results["I.1"].value, results["I.1"].version) == (Decimal("96"), 2)
    assert HistoryEntry.objects.count() == history
    march_a.refresh_from_db()
    assert (march_a.criteria_met, march_a.missing, list(CriterionResult.objects.values_list("pk", flat=True))) == facts


def test_a_result_created_since_the_form_opened_is_a_conflict(march_a, staff_a, ind):
    save(march_a, staff_a, ind, {"II.1": Decimal(1)})
    with pytest.raises(ResultConflict) as error:
        save(march_a, staff_a, ind, {"II.1": Decimal(0)}, versions={"II.1": None})
    assert [c.indicator.code for c in error.value.conflicts] == ["II.1"]
    assert results_of(march_a)["II.1"].value == Decimal(1)


# --- review ------------------------------------------------------------------------


def test_submit_then_approve_locks_the_results(march_a, staff_a, leader_a, ind):
    save(march_a, staff_a, ind, ALL_MET)
    submitted = submission_submit(submission=march_a, user=staff_a)
    assert (submitted.status, submitted.submitted_by) == (Status.SUBMITTED, staff_a)
    assert submitted.submitted_at is not None
    with pytest.raises(ValidationError):
        save(march_a, staff_a, ind, {"I.1": Decimal("50")}, versions={"I.1": 1})

    approved = submission_approve(submission=march_a, user=leader_a)
    assert (approved.status, approved.reviewed_by) == (Status.APPROVED, leader_a)
    with pytest.raises(ValidationError):
        save(march_a, staff_a, ind, {"I.1": Decimal("50")}, versions={"I.1": 1})
    with pytest.raises(ValidationError):
        submission_submit(submission=march_a, user=staff_a)
    with pytest.raises(ValidationError):
        submission_return(submission=march_a, user=leader_a, reason="Sai số liệu")
    assert results_of(march_a)["I.1"].value == Decimal("95")
    assert [e.action for e in history_of(march_a)] == ["submit", "approve"]


def test_a_draft_cannot_be_approved(march_a, leader_a):
    with pytest.raises(ValidationError):
        submission_approve(submission=march_a, user=leader_a)
    march_a.refresh_from_db()
    assert march_a.status == Status.DRAFT


def test_return_needs_a_reason_and_reopens_only_that_unit(nd86, march_a, staff_a, leader_a, ind, ward_a):
    other_hood = NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2")
    other = submission_for(other_hood, month(3))
    save(march_a, staff_a, ind, ALL_MET)
    save(other, staff_a, ind, ALL_MET)
    submission_submit(submission=march_a, user=staff_a)
    submission_submit(submission=other, user=staff_a)

    for reason in ("", "   "):
        with pytest.raises(ValidationError):
            submission_return(submission=march_a, user=leader_a, reason=reason)
    march_a.refresh_from_db()
    assert march_a.status == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        submission_return(submission=march_a, user=staff_a, reason="Tự trả lại")

    returned = submission_return(submission=march_a, user=leader_a, reason="  Thiếu minh chứng II.1  ")
    assert (returned.status, returned.return_reason, returned.reviewed_by) == (
        Status.RETURNED,
        "Thiếu minh chứng II.1",
        leader_a,
    )
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED
    entry = history_of(march_a)[-1]
    assert (entry.action, entry.user) == ("return", leader_a) and "Thiếu minh chứng" in entry.reason

    # The returned unit can be corrected and sent again; the other one cannot be touched.
    save(march_a, staff_a, ind, {"II.2": Decimal("98.5")}, versions={"II.2": 1})
    with pytest.raises(ValidationError):
        save(other, staff_a, ind, {"II.2": Decimal("98.5")}, versions={"II.2": 1})
    assert submission_submit(submission=march_a, user=staff_a).status == Status.SUBMITTED


def test_only_an_administrator_reopens_with_a_reason(march_a, staff_a, leader_a, admin_user, city_leader, ind):
    save(march_a, staff_a, ind, ALL_MET)
    submission_submit(submission=march_a, user=staff_a)
    submission_approve(submission=march_a, user=leader_a)
    for user in (staff_a, leader_a, city_leader):
        with pytest.raises(PermissionDenied):
            submission_reopen(submission=march_a, user=user, reason="Cần sửa")
    for reason in ("", " \t"):
        with pytest.raises(ValidationError):
            submission_reopen(submission=march_a, user=admin_user, reason=reason)
    march_a.refresh_from_db()
    assert march_a.status == Status.APPROVED

    reopened = submission_reopen(submission=march_a, user=admin_user, reason="Phúc tra của thành phố")
    assert (reopened.status, reopened.return_reason) == (Status.RETURNED, "Phúc tra của thành phố")
    entry = history_of(march_a)[-1]
    assert (entry.action, entry.user, entry.reason) == ("reopen", admin_user, "Phúc tra của thành phố")
    save(march_a, staff_a, ind, {"I.1": Decimal("91")}, versions={"I.1": 1})
    assert results_of(march_a)["I.1"].value == Decimal("91")


def test_a_locked_period_takes_no_entry(march_a, staff_a, ind):
    Period.objects.filter(pk=march_a.period_id).update(is_locked=True)
    march_a.refresh_from_db()
    with pytest.raises(ValidationError):
        save(march_a, staff_a, ind, {"I.1": Decimal("95")})
    with pytest.raises(ValidationError):
        submission_submit(submission=march_a, user=staff_a)
    assert not Result.objects.exists()


def test_a_period_locked_after_the_page_was_opened_takes_no_submission(march_a, staff_a, ind):
    save(march_a, staff_a, ind, ALL_MET)
    assert march_a.period.is_locked is False  # the caller holds the period as it was
    Period.objects.filter(pk=march_a.period_id).update(is_locked=True)
    with pytest.raises(ValidationError):
        submission_submit(submission=march_a, user=staff_a)
    assert Submission.objects.get(pk=march_a.pk).status == Status.DRAFT


# --- who may do what ------------------------------------------------------------------


def test_staff_of_another_ward_may_not_enter_or_submit(march_a, staff_b, leader_a, ind):
    with pytest.raises(PermissionDenied):
        save(march_a, staff_b, ind, {"I.1": Decimal("95")})
    with pytest.raises(PermissionDenied):
        submission_submit(submission=march_a, user=staff_b)
    assert not Result.objects.exists()
    march_a.refresh_from_db()
    assert march_a.status == Status.DRAFT


def test_staff_of_another_ward_may_not_review(march_a, staff_a, staff_b, ind):
    save(march_a, staff_a, ind, ALL_MET)
    submission_submit(submission=march_a, user=staff_a)
    with pytest.raises(PermissionDenied):
        submission_approve(submission=march_a, user=staff_b)
    with pytest.raises(PermissionDenied):
        submission_return(submission=march_a, user=staff_b, reason="Không phải của tôi")


def test_the_leader_reviews_but_does_not_enter(march_a, staff_a, leader_a, city_leader, ind):
    with pytest.raises(PermissionDenied):
        save(march_a, leader_a, ind, {"I.1": Decimal("95")})
    with pytest.raises(PermissionDenied):
        save(march_a, city_leader, ind, {"I.1": Decimal("95")})
    with pytest.raises(PermissionDenied):
        submission_submit(submission=march_a, user=leader_a)
    assert not Result.objects.exists()

    save(march_a, staff_a, ind, ALL_MET)
    submission_submit(submission=march_a, user=staff_a)
    with pytest.raises(PermissionDenied):
        submission_approve(submission=march_a, user=staff_a)
    with pytest.raises(PermissionDenied):
        submission_approve(submission=march_a, user=city_leader)
    assert submission_approve(submission=march_a, user=leader_a).status == Status.APPROVED


# --- yearly carry-over ------------------------------------------------------------------


def test_a_yearly_indicator_entered_in_march_is_there_in_april(nd86, hood_a, staff_a, ind, ward_a):
    february = submission_for(hood_a, month(2))
    save(february, staff_a, ind, {"II.1": Decimal(0)})
    march = submission_for(hood_a, month(3))
    assert results_of(march)["II.1"].value == Decimal(0)  # February's answer came along
    save(march, staff_a, ind, {"II.1": Decimal(1), "I.1": Decimal("95")}, versions={"II.1": 1})

    april = submission_for(hood_a, month(4))
    results = results_of(april)
    assert set(results) == {"II.1", "I.2"}  # yearly ones only: I.1 is monthly
    assert (results["II.1"].value, results["II.1"].is_met) == (Decimal(1), True)
    assert (results["I.2"].value, results["I.2"].is_met) == (Decimal("0.85"), True)
    assert criteria_of(april)["II"] == (False, 1)
    april.refresh_from_db()
    assert april.criteria_total == 3 and april.missing == ["I", "II", "III"]

    # Not into another neighbourhood, and not into the next year.
    other = submission_for(NeighbourhoodFactory(ward=ward_a, name="Tổ dân phố Đình Hương 2"), month(4))
    assert results_of(other) == {}
    periods_ensure(2027)
    assert results_of(submission_for(hood_a, month(1, 2027))) == {}


def test_carried_values_can_be_changed_in_the_new_month(nd86, hood_a, staff_a, ind):
    save(submission_for(hood_a, month(3)), staff_a, ind, {"II.1": Decimal(1)})
    april = submission_for(hood_a, month(4))
    version = results_of(april)["II.1"].version
    save(april, staff_a, ind, {"II.1": Decimal(0)}, versions={"II.1": version})
    assert results_of(april)["II.1"].value == Decimal(0)
    assert results_of(submission_for(hood_a, month(3)))["II.1"].value == Decimal(1)


# --- a ward against the urban standard ---------------------------------------------------


def test_a_ward_submission_computes_its_rate_from_the_ward_profile(settings, ward_a, staff_a):
    settings.PERIOD_CUTOFF_DAY = 1
    urban, _ = criteria_set_load_file(CRITERIA / "qd-04-2022-do-thi-van-minh.yaml")
    periods_ensure(2026)
    ind = {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=urban)}
    ProfileFactory(ward=ward_a, year=2026, households=5000, people=16000, poor_households=40, near_poor_households=60)
    march = submission_for(ward_a, month(3))
    assert (march.criteria_set, march.neighbourhood) == (urban, None)
    save(march, staff_a, ind, {"6.2": Decimal("72.5"), "3.2": Decimal(0), "4.2": Decimal(1)})
    results = results_of(march)
    assert (results["6.1"].value, results["6.1"].is_met) == (Decimal("0.80"), True)
    assert results["3.2"].is_met is True and results["4.2"].is_met is False
    march.refresh_from_db()
    assert march.criteria_total == 9 and "6" not in march.missing and "4" in march.missing

    april = submission_for(ward_a, month(4))
    assert set(results_of(april)) == {"6.1", "6.2"}
