"""Rollups: the counts dashboards and reports read, kept in step with the results.

Two tables (campaigns.results.models): `WardRollup`, per period × ward, holds the reporting figures of
`figures.reporting_by_ward`; `CriterionRollup`, per period × ward × criteria-set version × criterion number,
holds met and assessed as `figures.criteria_by_ward` counts them. They are computed by those same figure
functions, so a rollup can never mean something else than the figure it stands for.

When they are refreshed: in the same transaction as every change that can move them, so they are never
stale (no queue, no lag):
- a submission's results are evaluated (campaigns.results.services.submission_evaluate);
- a submission changes state: submitted, approved, returned, reopened (services._transition);
- a neighbourhood is created, changed or retired, or a period's dates or deadline change
  (the signal receivers below);
- bulk writers that go around the services (the demo, seed_scale) call `rollups_refresh` themselves.

A refresh rewrites the rows of the wards and periods it is given, set-based: a fixed number of queries
whatever the number of wards. Refreshes of the same ward are serialised by an advisory lock on the ward
(`_lock`), so two saves in one ward cannot interleave their rewrites; bulk work gathers its refreshes and
runs them once at its end (`refresh_once`).
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from campaigns.criteria.models import Level, Programme
from campaigns.results import figures
from campaigns.results.models import (
    CriterionResult,
    CriterionRollup,
    Period,
    WardRollup,
    counted_q,
)
from wards.models import Neighbourhood, Ward
from wards.signals import is_batching, units_changed


def _ward_ids(wards) -> list[int]:
    if wards is None:
        return list(Ward.objects.order_by("pk").values_list("pk", flat=True))
    if isinstance(wards, Ward):
        return [wards.pk]
    if isinstance(wards, int):
        return [wards]
    return sorted({w if isinstance(w, int) else w.pk for w in wards})


def rollups_refresh(periods: Period | Iterable[Period] | None = None, wards=None) -> None:
    """Recompute the rollups of `periods` (default: every period) for `wards` (a Ward, ids, a queryset;
    default: every ward). Safe to call inside any transaction; takes the wards' row locks. Inside
    `rollups_deferred()` it does nothing: the whole rebuild at its end covers it."""
    if not _live():
        return
    if periods is None:
        periods = Period.objects.all()
    elif isinstance(periods, Period):
        periods = [periods]
    ids = _ward_ids(wards)
    if not ids:
        return
    pending = getattr(_once, "pending", None)
    if pending is not None:  # inside refresh_once(): counted once at its end
        for period in periods:
            pending.setdefault(period.pk, (period, set()))[1].update(ids)
        return
    with transaction.atomic():
        _lock(ids)
        for period in periods:
            _refresh_period(period, ids)


LOCK_NAMESPACE = 7201  # the first key of the advisory locks the rollups take, the ward id being the second


def _lock(ward_ids: list[int]) -> None:
    """Serialise refreshes of the same wards until the transaction ends: the second waits, then counts what
    the first committed. An advisory lock (not a row lock on the ward, which rows referencing the ward also
    take in share mode) so it never meets other locks; taken in one order (by id), so never a deadlock.
    SQLite writes one transaction at a time and needs none."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id ORDER BY id",
            [LOCK_NAMESPACE, ward_ids],
        )


_once = threading.local()


@contextmanager
def refresh_once():
    """Inside, refreshes are gathered and run once at the end, in the same transaction (bulk submit and
    approve, an Excel import: many units of one ward in one go). Wraps the block in a transaction."""
    if getattr(_once, "pending", None) is not None:
        yield
        return
    _once.pending = {}
    try:
        with transaction.atomic():
            yield
            pending, _once.pending = _once.pending, None
            for period, ward_ids in pending.values():
                rollups_refresh(period, wards=ward_ids)
    finally:
        _once.pending = None


def programmes_counted() -> list[Programme]:
    """The programmes whose units the rollups count: those with criteria for neighbourhoods."""
    return list(Programme.objects.with_criteria().filter(level=Level.NEIGHBOURHOOD).order_by("order", "pk"))


def _refresh_period(period: Period, ward_ids: list[int]) -> None:
    wards = Ward.objects.filter(pk__in=ward_ids)
    WardRollup.objects.filter(period=period, ward_id__in=ward_ids).delete()
    CriterionRollup.objects.filter(period=period, ward_id__in=ward_ids).delete()
    rows = []
    for programme in programmes_counted():
        reporting = figures.reporting_by_ward(wards, period, programme)
        in_force = figures.submissions_in_force(wards, period, programme)
        sets: dict[int, dict[str, int]] = {}
        for row in in_force.values("neighbourhood__ward_id", "criteria_set_id").annotate(n=Count("id")).order_by():
            sets.setdefault(row["neighbourhood__ward_id"], {})[str(row["criteria_set_id"])] = row["n"]
        rows += [
            WardRollup(
                period=period,
                ward_id=ward_id,
                programme=programme,
                units=row["units"],
                on_time=row["on_time"],
                late=row["late"],
                returned=row["returned"],
                approved=row["approved"],
                complete=row["complete"],
                sets=sets.get(ward_id, {}),
            )
            for ward_id, row in reporting.items()
        ]
    WardRollup.objects.bulk_create(rows, batch_size=5000)
    in_force = figures.submissions_in_force(wards, period)  # every programme: criteria are counted per set
    criteria = (
        CriterionResult.objects.filter(submission__in=in_force.filter(counted_q()))
        .values("submission__ward_id", "submission__criteria_set_id", "criterion__number")
        .annotate(met=Count("id", filter=Q(is_met=True)), assessed=Count("id"))
        .order_by()
    )
    CriterionRollup.objects.bulk_create(
        (
            CriterionRollup(
                period=period,
                ward_id=row["submission__ward_id"],
                criteria_set_id=row["submission__criteria_set_id"],
                number=str(row["criterion__number"]),
                met=row["met"],
                assessed=row["assessed"],
            )
            for row in criteria
        ),
        batch_size=5000,
    )


# --- reading them: the same figures, from the rollups -------------------------------------------------------
#
# Each reader answers exactly what the figure function it names answers (same keys, same meaning); the
# tests prove both agree on every change (tests/campaigns/results/test_rollups.py). One query each, whatever
# the number of wards or units.

_REPORTING_SUMS = {
    "units": Sum("units"),
    "on_time": Sum("on_time"),
    "late": Sum("late"),
    "returned": Sum("returned"),
    "approved": Sum("approved"),
    "complete": Sum("complete"),
}


def reporting_row(row: dict) -> dict:
    """A rollup row (or a sum of rows) as figures.reporting_by_ward gives its figures."""
    on_time, late, units = row["on_time"] or 0, row["late"] or 0, row["units"] or 0
    return {
        "units": units,
        "reported": on_time + late,
        "on_time": on_time,
        "late": late,
        "not_reported": units - on_time - late,
        "returned": row["returned"] or 0,
        "approved": row["approved"] or 0,
        "complete": row["complete"] or 0,
    }


def _rows(programme, **lookups):
    """Rollup rows of `programme`. Without one, every programme's rows: right only where units follow a
    single programme, so pages always name the programme they show (reports.selectors.programme_chosen)."""
    rows = WardRollup.objects.filter(**lookups)
    return rows if programme is None else rows.filter(programme=programme)


def reporting_by_ward(wards, period: Period, programme=None) -> dict[int, dict]:
    """figures.reporting_by_ward, read from the rollups: per ward id with units in the period."""
    rows = _rows(programme, period=period, ward__in=wards).values("ward_id").annotate(**_REPORTING_SUMS).order_by()
    return {row["ward_id"]: reporting_row(row) for row in rows}


def reporting_by(wards, period: Period, key: str, programme=None) -> dict:
    """The reporting figures added up per value of `key` (a path from the ward, e.g. "ward__city_id")."""
    rows = _rows(programme, period=period, ward__in=wards).values(key).annotate(**_REPORTING_SUMS).order_by()
    return {row[key]: reporting_row(row) for row in rows}


def criteria_by_ward(wards, period: Period, criteria_set) -> dict[int, dict[str, dict]]:
    """figures.criteria_by_ward, read from the rollups: per ward id and criterion number, met and assessed
    over every version of the set's code."""
    if criteria_set is None:
        return {}
    out: dict[int, dict[str, dict]] = {}
    for row in (
        CriterionRollup.objects.filter(period=period, ward__in=wards, criteria_set__code=criteria_set.code)
        .values("ward_id", "number")
        .annotate(met=Sum("met"), assessed=Sum("assessed"))
        .order_by()
    ):
        out.setdefault(row["ward_id"], {})[row["number"]] = {"met": row["met"], "assessed": row["assessed"]}
    return out


def criteria_counts(wards, period: Period, criteria_set) -> dict[str, dict]:
    """Met and assessed per criterion number over all `wards` (figures.criteria_rows' counts of a period)."""
    if criteria_set is None:
        return {}
    return {
        row["number"]: row
        for row in CriterionRollup.objects.filter(period=period, ward__in=wards, criteria_set__code=criteria_set.code)
        .values("number")
        .annotate(met=Sum("met"), assessed=Sum("assessed"))
        .order_by()
    }


def trend(wards, months, programme=None) -> dict[int, dict]:
    """figures.trend, read from the rollups: per period id, reported and complete."""
    rows = (
        _rows(programme, period__in=months, ward__in=wards)
        .values("period_id")
        .annotate(on_time=Sum("on_time"), late=Sum("late"), complete=Sum("complete"))
        .order_by()
    )
    return {  # like figures.trend, only the periods with a report that counts
        row["period_id"]: {"reported": row["on_time"] + row["late"], "complete": row["complete"]}
        for row in rows
        if row["on_time"] + row["late"]
    }


def set_counts(wards, period: Period, programme=None) -> dict[int, int]:
    """Submissions of the period's units per criteria set id, over `wards` (what figures.set_used counts)."""
    counts: dict[int, int] = {}
    for sets in _rows(programme, period=period, ward__in=wards).values_list("sets", flat=True):
        for set_id, n in (sets or {}).items():
            counts[int(set_id)] = counts.get(int(set_id), 0) + n
    return counts


def set_used(wards, period: Period, programme=None):
    """figures.set_used over the period's submissions of `wards`, from the rollups."""
    return figures.set_from_counts(set_counts(wards, period, programme), period.end, programme)


def gaps_by_ward(wards, period: Period, criteria_set) -> dict[int, dict[str, int]]:
    """figures.gaps_by_ward over the period's submissions of `wards`, from the rollups."""
    return figures.gaps_from(criteria_by_ward(wards, period, criteria_set))


# --- what else moves them ------------------------------------------------------------------------------------

_deferred = threading.local()


@contextmanager
def rollups_deferred():
    """Skip the refreshes of the signals below while loading many units and periods at once around the
    services (the demo, seed_scale), then rebuild every rollup once at the end."""
    if getattr(_deferred, "on", False):
        yield
        return
    _deferred.on = True
    try:
        yield
    finally:
        _deferred.on = False
    rollups_refresh()


def _live() -> bool:
    return not getattr(_deferred, "on", False)


_PLACE = ("ward_id", "valid_from", "valid_to")  # what decides which periods and which ward count a unit


@receiver(pre_save, sender=Neighbourhood, dispatch_uid="rollups_neighbourhood_before")
def _neighbourhood_before(sender, instance: Neighbourhood, **kwargs) -> None:
    """Remember where and when a saved unit stood, so its save recounts only what it moved."""
    if instance.pk and _live() and not kwargs.get("raw"):
        instance._rollup_before = Neighbourhood.objects.filter(pk=instance.pk).values(*_PLACE).first()


@receiver(post_save, sender=Neighbourhood, dispatch_uid="rollups_neighbourhood_saved")
def _neighbourhood_saved(sender, instance: Neighbourhood, created: bool, **kwargs) -> None:
    """A unit created, moved to another ward or dated differently changes which units the periods hold; a
    renamed one changes nothing counted. A move recounts the ward it left as well as the ward it joined."""
    if not _live() or kwargs.get("raw") or is_batching():  # a batch announces its wards once, at its end
        return
    if created:
        if getattr(_once, "pending", None) is None:
            _count_new_unit(instance)
        else:
            rollups_refresh(wards=[instance.ward_id])
        return
    before = getattr(instance, "_rollup_before", None) or {}
    if before and all(before[key] == getattr(instance, key) for key in _PLACE):
        return
    rollups_refresh(wards={instance.ward_id, before.get("ward_id", instance.ward_id)})


def count_new_periods(periods: list[Period]) -> None:
    """Periods just created (periods_ensure, in bulk) have no report yet: a ward's units in each are its
    neighbourhoods existing on the period's last day (figures.units_in_force; "ended within and reported"
    cannot hold without a report), all else zero. One INSERT … SELECT for all of them and every ward, where a
    recount would take ten queries a period; conflicts (a row written meanwhile) are left as written."""
    if not periods or not _live():
        return
    if getattr(_once, "pending", None) is not None:
        rollups_refresh(periods)
        return
    ids = [p.pk for p in periods]
    marks = ", ".join(["%s"] * len(ids))
    for programme in programmes_counted():
        kinds, params = "", []
        if programme.unit_kinds:
            kinds = f"AND n.kind IN ({', '.join(['%s'] * len(programme.unit_kinds))})"
            params += list(programme.unit_kinds)
        city = ""
        if programme.city_id:
            city = f"AND n.ward_id IN (SELECT id FROM {Ward._meta.db_table} WHERE city_id = %s)"
            params.append(programme.city_id)
        sql = f"""
            INSERT INTO {WardRollup._meta.db_table}
                (period_id, ward_id, programme_id, units, on_time, late, returned, approved, complete, sets,
                 refreshed_at)
            SELECT p.id, n.ward_id, %s, COUNT(*), 0, 0, 0, 0, 0, %s, %s
            FROM {Period._meta.db_table} p
            JOIN {Neighbourhood._meta.db_table} n
              ON (n.valid_from IS NULL OR n.valid_from <= p."end") AND (n.valid_to IS NULL OR n.valid_to > p."end")
            WHERE p.id IN ({marks}) {kinds} {city}
            GROUP BY p.id, n.ward_id
            ON CONFLICT DO NOTHING"""
        with connection.cursor() as cursor:  # one statement a programme: each atomic on its own
            cursor.execute(sql, [programme.pk, "{}", timezone.now(), *ids, *params])


def _count_new_unit(unit: Neighbourhood) -> None:
    """A new unit has no report yet: it only adds one to the units of each period it exists on the last day
    of (figures.units_in_force) in each programme it follows, whatever the number of periods: a few queries a
    programme, not a recount."""
    periods = Period.objects.all()
    if unit.valid_from is not None:
        periods = periods.filter(end__gte=unit.valid_from)
    if unit.valid_to is not None:
        periods = periods.filter(end__lt=unit.valid_to)
    followed = [p for p in programmes_counted() if p.applies_to(unit) and p.city_id in (None, unit.ward.city_id)]
    with transaction.atomic():
        _lock([unit.ward_id])
        for programme in followed:
            counted = WardRollup.objects.filter(ward_id=unit.ward_id, period__in=periods, programme=programme)
            have = set(counted.values_list("period_id", flat=True))
            counted.update(units=F("units") + 1)
            WardRollup.objects.bulk_create(
                WardRollup(period_id=period_id, ward_id=unit.ward_id, programme=programme, units=1)
                for period_id in periods.exclude(pk__in=have).values_list("pk", flat=True)
            )


@receiver(units_changed, dispatch_uid="rollups_units_changed")
def _units_changed(sender, ward_ids, **kwargs) -> None:
    if _live():
        rollups_refresh(wards=ward_ids)


def rollups_backfill(**kwargs) -> int:
    """After `migrate`: count the periods that have results but no rollups yet (a database from before the
    rollups, or restored from a backup without them). Connected to post_migrate in ResultsConfig.ready.
    Returns the number of periods counted."""
    missing = list(
        Period.objects.filter(submissions__isnull=False)
        .exclude(pk__in=WardRollup.objects.values("period_id"))
        .distinct()
    )
    if missing:
        rollups_refresh(missing)
    return len(missing)


def backfill_after_migrate(sender, using="default", **kwargs) -> None:
    if using == "default":
        rollups_backfill()


@receiver(post_save, sender=Period, dispatch_uid="rollups_period_saved")
def _period_saved(sender, instance: Period, **kwargs) -> None:
    """A new period starts with every unit not reported; a new deadline moves reports between on time and
    late; new dates change which units the period holds."""
    if _live() and not kwargs.get("raw"):
        rollups_refresh(instance)


@receiver(post_save, sender=Programme, dispatch_uid="rollups_programme_saved")
def _programme_saved(sender, instance: Programme, **kwargs) -> None:
    """A programme created, or given other unit kinds, another province or another set, changes which units
    each period holds in it: every period is counted again (rare: an administrator's change)."""
    if _live() and not kwargs.get("raw") and instance.level == Level.NEIGHBOURHOOD:
        rollups_refresh()
