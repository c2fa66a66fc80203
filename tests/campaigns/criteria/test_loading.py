"""Criteria sets from the shipped YAML files, their updates and their new versions."""

import copy
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from campaigns.criteria.loading import criteria_set_load, criteria_set_load_file
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level
from campaigns.criteria.services import criteria_set_new_version
from campaigns.results import services
from campaigns.results.models import Period, Result, Submission
from campaigns.results.periods import periods_ensure
from portal.models import HistoryEntry
from tests.factories import NeighbourhoodFactory, WardFactory
from wards.models import Ward

CRITERIA = Path(__file__).resolve().parents[3] / "campaigns" / "criteria" / "sets"
ND86 = CRITERIA / "nd-86-2023-thon-tdp-van-hoa.yaml"
QD04 = CRITERIA / "qd-04-2022-do-thi-van-minh.yaml"

pytestmark = pytest.mark.django_db


def _data(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _snapshot(criteria_set: CriteriaSet) -> list:
    """Everything a set says, without ids: to compare two sets or a set before and after."""
    return [
        (
            c.number,
            c.name,
            c.group,
            c.order,
            c.rule,
            c.k,
            c.min_points,
            [
                (
                    i.code,
                    i.name,
                    i.kind,
                    i.unit,
                    i.comparator,
                    i.threshold,
                    i.zone_thresholds,
                    i.threshold_is_example,
                    i.max_points,
                    i.frequency,
                    i.source,
                    i.order,
                )
                for i in c.indicators.order_by("order")
            ],
        )
        for c in criteria_set.criteria.order_by("order")
    ]


def _with_results(criteria_set: CriteriaSet, hood) -> Result:
    periods_ensure(2026, cutoff=1)
    period = Period.objects.get(kind=Period.Kind.MONTH, year=2026, number=3)
    submission = Submission.objects.create(criteria_set=criteria_set, period=period, ward=hood.ward, neighbourhood=hood)
    indicator = Indicator.objects.get(criterion__criteria_set=criteria_set, code="I.1")
    return Result.objects.create(submission=submission, indicator=indicator, value=Decimal("95"), is_met=True)


# --- the command ---------------------------------------------------------------


def test_load_criteria_loads_the_shipped_sets():
    out = StringIO()
    call_command("load_criteria", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # văn hóa, đô thị văn minh, and Thanh Hóa's kiểu mẫu on top of văn hóa
    assert all(line.strip().startswith("created:") for line in lines)

    thon = CriteriaSet.objects.get(code="thon-tdp-van-hoa", version=1)
    assert thon.level == Level.NEIGHBOURHOOD
    assert thon.document_number == "86/2023/NĐ-CP"
    assert thon.effective_from == date(2024, 1, 30) and thon.effective_to is None
    assert [c.number for c in thon.criteria.order_by("order")] == ["I", "II", "III"]
    # The file holds criteria I–III of the frame (IV and V were not in the sources): 4 + 6 + 2 indicators.
    assert [c.indicators.count() for c in thon.criteria.order_by("order")] == [4, 6, 2]
    assert Indicator.objects.filter(criterion__criteria_set=thon).count() == 12
    i2 = Indicator.objects.get(criterion__criteria_set=thon, code="I.2")
    assert (i2.kind, i2.comparator, i2.threshold, i2.zone_thresholds) == (
        "percent",
        "<=",
        Decimal("1.5"),
        {"mien_nui": "5"},
    )
    assert (i2.source, i2.frequency, i2.threshold_is_example) == ("poor_rate", "yearly", True)
    assert Indicator.objects.get(criterion__criteria_set=thon, code="II.1").frequency == "yearly"

    urban = CriteriaSet.objects.get(code="do-thi-van-minh", version=1)
    assert urban.level == Level.WARD
    assert urban.unit_kinds == ["phuong", "thi_tran"]
    assert [c.number for c in urban.criteria.order_by("order")] == [str(n) for n in range(1, 10)]
    assert Indicator.objects.filter(criterion__criteria_set=urban).count() == 12
    assert "3 criteria" in out.getvalue() and "9 criteria" in out.getvalue()


def test_load_criteria_twice_changes_nothing():
    call_command("load_criteria", stdout=StringIO())
    before = (
        set(CriteriaSet.objects.values_list("pk", "content_hash")),
        set(Criterion.objects.values_list("pk")),
        set(Indicator.objects.values_list("pk")),
    )
    out = StringIO()
    call_command("load_criteria", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and all(line.strip().startswith("unchanged:") for line in lines)
    after = (
        set(CriteriaSet.objects.values_list("pk", "content_hash")),
        set(Criterion.objects.values_list("pk")),
        set(Indicator.objects.values_list("pk")),
    )
    assert after == before
    assert CriteriaSet.objects.count() == 3


def test_load_criteria_reports_a_bad_file_with_its_name(tmp_path):
    data = _data(ND86)
    data["criteria"][1]["indicators"][2]["kind"] = "yes_no"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_criteria", str(bad), stdout=StringIO())
    message = str(error.value)
    assert "bad.yaml" in message and "yes_no" in message and "II.3" in message
    assert not CriteriaSet.objects.exists()


def test_load_criteria_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="missing.yaml"):
        call_command("load_criteria", str(tmp_path / "missing.yaml"), stdout=StringIO())


# --- changes to a loaded set ---------------------------------------------------


def test_a_changed_file_updates_a_set_without_results():
    original, outcome = criteria_set_load_file(ND86)
    assert outcome == "created"
    data = _data(ND86)
    data["criteria"][0]["indicators"][0]["threshold"] = 85
    updated, outcome = criteria_set_load(data)
    assert outcome == "updated"
    assert updated.pk == original.pk
    assert CriteriaSet.objects.count() == 1
    assert Criterion.objects.filter(criteria_set=updated).count() == 3
    assert Indicator.objects.filter(criterion__criteria_set=updated).count() == 12
    assert Indicator.objects.get(criterion__criteria_set=updated, code="I.1").threshold == Decimal("85")
    assert criteria_set_load(data)[1] == "unchanged"


def test_a_changed_file_is_refused_once_the_set_has_results(hood_a):
    criteria_set, _ = criteria_set_load_file(ND86)
    before = _snapshot(criteria_set)
    result = _with_results(criteria_set, hood_a)
    data = _data(ND86)
    data["criteria"][0]["indicators"][0]["threshold"] = 85
    with translation.override("en"), pytest.raises(ValidationError, match="new version"):
        criteria_set_load(data)
    criteria_set.refresh_from_db()
    assert _snapshot(criteria_set) == before
    assert Result.objects.filter(pk=result.pk, indicator__threshold=Decimal("90")).exists()
    # The unchanged file still loads, as a no-op.
    assert criteria_set_load(_data(ND86))[1] == "unchanged"


@pytest.mark.parametrize(
    ("where", "field", "bad", "named"),
    [
        (("criteria", 0, "indicators", 1), "kind", "ratio", "I.2"),
        (("criteria", 2, "indicators", 0), "comparator", "=>", "III.1"),
        (("criteria", 1), "rule", "most", "II"),
        (("criteria", 0, "indicators", 0), "frequency", "weekly", "I.1"),
        (("criteria", 0, "indicators", 1), "source", "poverty", "I.2"),
        ((), "level", "province", "level"),
    ],
)
def test_a_bad_choice_is_reported_clearly_and_nothing_is_loaded(where, field, bad, named):
    data = _data(ND86)
    node = data
    for step in where:
        node = node[step]
    node[field] = bad
    with translation.override("en"), pytest.raises(ValidationError) as error:
        criteria_set_load(data)
    message = " ".join(error.value.messages)
    assert f"“{bad}”" in message
    assert named in message
    assert {"rule": "met when", "source": "computed from"}.get(field, field) in message  # as the field is labelled
    assert not CriteriaSet.objects.exists()
    assert not Criterion.objects.exists() and not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("settings_", "complaint"),
    [
        ({"rule": "k_of_n"}, "needs k"),
        ({"rule": "k_of_n", "k": 0}, "needs k"),
        ({"rule": "k_of_n", "k": 7}, "needs k"),  # criterion II has 6 indicators
        ({"rule": "k_of_n", "k": "4"}, "needs k"),
        ({"rule": "points"}, "needs min_points"),
    ],
)
def test_a_rule_without_its_numbers_is_refused(settings_, complaint):
    data = _data(ND86)
    data["criteria"][1].update(settings_)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        criteria_set_load(data)
    message = " ".join(error.value.messages)
    assert complaint in message and "Criterion II" in message
    assert not CriteriaSet.objects.exists()


def test_k_of_n_and_points_rules_load_with_their_numbers():
    data = _data(ND86)
    data["criteria"][1].update(rule="k_of_n", k=5)
    data["criteria"][2].update(rule="points", min_points=10)
    for indicator in data["criteria"][2]["indicators"]:
        indicator["max_points"] = 5
    criteria_set, _ = criteria_set_load(data)
    ii, iii = criteria_set.criteria.get(number="II"), criteria_set.criteria.get(number="III")
    assert (ii.rule, ii.k) == ("k_of_n", 5)
    assert (iii.rule, iii.min_points) == ("points", Decimal("10"))
    assert {i.max_points for i in iii.indicators.all()} == {Decimal("5")}


def test_a_bad_update_leaves_the_loaded_set_as_it_was():
    criteria_set, _ = criteria_set_load_file(ND86)
    before = _snapshot(criteria_set)
    data = _data(ND86)
    data["criteria"][0]["indicators"][0]["threshold"] = 85
    data["criteria"][2]["indicators"][1]["kind"] = "ratio"
    with pytest.raises(ValidationError):
        criteria_set_load(data)
    criteria_set.refresh_from_db()
    assert _snapshot(criteria_set) == before


# --- new versions ----------------------------------------------------------------


@pytest.mark.parametrize("path", [ND86, QD04])
def test_a_new_version_copies_every_criterion_and_indicator(path, admin_user):
    v1, _ = criteria_set_load_file(path)
    before = _snapshot(v1)
    v2 = criteria_set_new_version(criteria_set=v1, user=admin_user, effective_from=date(2027, 1, 1))
    v1.refresh_from_db()
    assert (v2.code, v2.version) == (v1.code, 2)
    assert v2.replaces_id == v1.pk
    assert v2.effective_from == date(2027, 1, 1) and v2.effective_to is None
    assert v1.effective_to == date(2027, 1, 1)
    for field in ("name", "level", "unit_kinds", "document_number", "document_date", "issuer", "source"):
        assert getattr(v2, field) == getattr(v1, field), field
    assert _snapshot(v2) == before
    assert _snapshot(v1) == before  # the old version keeps its own rows
    v1_ids = set(Indicator.objects.filter(criterion__criteria_set=v1).values_list("pk", flat=True))
    v2_ids = set(Indicator.objects.filter(criterion__criteria_set=v2).values_list("pk", flat=True))
    assert v1_ids and v2_ids and not v1_ids & v2_ids
    entry = HistoryEntry.objects.for_object(v2).get()
    assert entry.action == "new_version" and entry.changes == {"version": [1, 2]} and entry.user == admin_user


def _second_version_file(threshold=85) -> dict:
    data = _data(ND86)
    data.update(version=2, replaces="thon-tdp-van-hoa", effective_from=date(2027, 1, 1))
    data["criteria"][0]["indicators"][0]["threshold"] = threshold
    return data


def test_a_second_version_file_replaces_the_first_and_ends_it():
    v1, _ = criteria_set_load_file(ND86)
    v2, outcome = criteria_set_load(_second_version_file())
    assert outcome == "created"
    assert (v2.version, v2.replaces_id) == (2, v1.pk)
    v1.refresh_from_db()
    assert v1.effective_to == date(2027, 1, 1)
    assert list(CriteriaSet.objects.in_force(date(2026, 12, 31), Level.NEIGHBOURHOOD)) == [v1]
    assert list(CriteriaSet.objects.in_force(date(2027, 1, 1), Level.NEIGHBOURHOOD)) == [v2]


def test_updating_a_second_version_file_keeps_it_replacing_the_first():
    """Reloading a changed v2 must not make v2 replace itself."""
    v1, _ = criteria_set_load_file(ND86)
    criteria_set_load(_second_version_file(85))
    v2, outcome = criteria_set_load(_second_version_file(80))
    assert outcome == "updated"
    assert v2.replaces_id == v1.pk
    assert Indicator.objects.get(criterion__criteria_set=v2, code="I.1").threshold == Decimal("80")


def test_updating_a_replaced_set_keeps_its_end(admin_user):
    """v1 (no results yet) is corrected after v2 was made: it must not come back in force beside v2."""
    v1, _ = criteria_set_load_file(ND86)
    v2 = criteria_set_new_version(criteria_set=v1, user=admin_user, effective_from=date(2027, 1, 1))
    data = _data(ND86)
    data["criteria"][0]["name"] = "Đời sống kinh tế ổn định và từng bước phát triển"
    assert criteria_set_load(data)[1] == "updated"
    v1.refresh_from_db()
    assert v1.effective_to == date(2027, 1, 1)
    assert list(CriteriaSet.objects.in_force(date(2027, 6, 1), Level.NEIGHBOURHOOD)) == [v2]


def test_sets_in_force_change_on_the_day_of_the_new_version(admin_user):
    v1, _ = criteria_set_load_file(ND86)
    v2 = criteria_set_new_version(criteria_set=v1, user=admin_user, effective_from=date(2027, 1, 1))
    hood = Level.NEIGHBOURHOOD

    def in_force(day, level=hood):
        return list(CriteriaSet.objects.in_force(day, level))

    assert in_force(date(2024, 1, 29)) == []
    assert in_force(date(2024, 1, 30)) == [v1]
    assert in_force(date(2026, 12, 31)) == [v1]
    assert in_force(date(2027, 1, 1)) == [v2]
    assert in_force(date(2030, 6, 1)) == [v2]
    assert in_force(date(2027, 1, 1), Level.WARD) == []
    assert list(CriteriaSet.objects.in_force(date(2026, 6, 1))) == [v1]


def test_a_results_bearing_set_gets_its_change_through_a_new_version(hood_a, admin_user):
    v1, _ = criteria_set_load_file(ND86)
    _with_results(v1, hood_a)
    v2 = criteria_set_new_version(criteria_set=v1, user=admin_user, effective_from=date(2027, 1, 1))
    Indicator.objects.filter(criterion__criteria_set=v2, code="I.1").update(threshold=Decimal("85"))
    assert Indicator.objects.get(criterion__criteria_set=v1, code="I.1").threshold == Decimal("90")
    assert Result.objects.get().indicator.criterion.criteria_set_id == v1.pk


# --- which set applies to a unit ---------------------------------------------------


def _month(year, number):
    periods_ensure(year, cutoff=1)
    return Period.objects.get(kind=Period.Kind.MONTH, year=year, number=number)


def test_criteria_set_for_a_neighbourhood_and_for_wards_by_kind(ward_a, hood_a, city):
    call_command("load_criteria", stdout=StringIO())
    march = _month(2026, 3)
    thon = CriteriaSet.objects.get(code="thon-tdp-van-hoa")
    urban = CriteriaSet.objects.get(code="do-thi-van-minh")
    commune = WardFactory(city=city, name="Xã Hoằng Lộc", kind=Ward.Kind.COMMUNE)
    township = WardFactory(city=city, name="Thị trấn Thử", kind=Ward.Kind.TOWNSHIP)
    village = NeighbourhoodFactory(ward=commune, name="Thôn Thử", kind="thon")

    assert services.criteria_set_for(hood_a, march) == thon
    assert services.criteria_set_for(village, march) == thon
    assert services.criteria_set_for(ward_a, march) == urban
    assert services.criteria_set_for(township, march) == urban
    assert services.criteria_set_for(commune, march) is None
    assert services.submission_for(commune, march) is None
    assert not Submission.objects.exists()


def test_criteria_set_for_follows_the_version_in_force(ward_a, hood_a, city, admin_user):
    call_command("load_criteria", stdout=StringIO())
    thon = CriteriaSet.objects.get(code="thon-tdp-van-hoa")
    urban = CriteriaSet.objects.get(code="do-thi-van-minh")
    thon2 = criteria_set_new_version(criteria_set=thon, user=admin_user, effective_from=date(2027, 1, 1))
    urban2 = criteria_set_new_version(criteria_set=urban, user=admin_user, effective_from=date(2027, 1, 1))
    commune = WardFactory(city=city, name="Xã Hoằng Lộc", kind=Ward.Kind.COMMUNE)
    dec, jan = _month(2026, 12), _month(2027, 1)
    assert services.criteria_set_for(hood_a, dec) == thon
    assert services.criteria_set_for(hood_a, jan) == thon2
    assert services.criteria_set_for(ward_a, dec) == urban
    assert services.criteria_set_for(ward_a, jan) == urban2
    # The urban standard still applies only to phường and thị trấn in its new version.
    assert services.criteria_set_for(commune, jan) is None


def test_no_set_before_the_decree_was_in_force(hood_a):
    criteria_set_load_file(ND86)
    period = Period.objects.create(
        kind=Period.Kind.MONTH,
        year=2023,
        number=12,
        start=date(2023, 12, 1),
        end=date(2023, 12, 31),
        deadline=date(2024, 1, 5),
    )
    assert services.criteria_set_for(hood_a, period) is None


def test_a_yaml_round_trip_gives_the_same_set():
    """The hash is of the content: the same data dumped and read back is "unchanged"."""
    criteria_set_load_file(QD04)
    data = yaml.safe_load(yaml.safe_dump(copy.deepcopy(_data(QD04)), allow_unicode=True))
    assert criteria_set_load(data)[1] == "unchanged"


KIEU_MAU = CRITERIA / "thanh-hoa-pho-thon-kieu-mau.yaml"


def test_a_province_set_is_followed_only_in_its_province():
    from campaigns.criteria.models import Programme
    from tests.factories import CityFactory

    thanh_hoa = CityFactory(code="38", name="Thanh Hóa")
    criteria_set_load_file(ND86)
    criteria_set_load_file(KIEU_MAU)
    programme = Programme.objects.get(criteria_code="thanh-hoa-pho-thon-kieu-mau")
    assert programme.city == thanh_hoa
    inside = NeighbourhoodFactory(ward=WardFactory(city=thanh_hoa))
    outside = NeighbourhoodFactory(ward=WardFactory(city=CityFactory(code="01")))
    assert [p.criteria_code for p in services.programmes_for(inside)] == ["thon-tdp-van-hoa", programme.code]
    assert [p.criteria_code for p in services.programmes_for(outside)] == ["thon-tdp-van-hoa"]


def test_a_province_set_of_a_province_not_in_the_portal_is_followed_nowhere():
    from campaigns.criteria.models import Programme

    criteria_set_load_file(ND86)
    criteria_set_load_file(KIEU_MAU)
    assert not Programme.objects.filter(criteria_code="thanh-hoa-pho-thon-kieu-mau").exists()
    assert Programme.objects.filter(criteria_code="thon-tdp-van-hoa").exists()
