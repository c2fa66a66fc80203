"""A synthetic province (or country) at full scale, for benchmarks: `python manage.py seed_scale`.

Everything it makes hangs off the cities with codes "SCALE" (and, with `--provinces N`,
"SCALE02"…"SCALEnn"; wards "S0001"… numbered across them) and the neighbourhood-level
criteria set "scale-bench", so it never collides with real data and `--reset` removes
exactly what it made. Meant for a benchmark database: the set
is in force from 01/01/2000, so any real neighbourhood set (in force later) is still
the one the portal picks for real units.

Results and their evaluation are computed here in bulk with the same functions
`campaigns.services.submission_evaluate` uses (Indicator.is_met → evaluation.compare,
evaluation.criterion_met), never one submission at a time. Rows go in with
bulk_create in batches, and on PostgreSQL the two big tables (results, criterion
results) with COPY, their lines formatted from pieces precomputed per indicator and
value. Each month of each province is one transaction, which also rewrites that
province's rollups for the month (campaigns.results.rollups: the seed goes around the
services that normally refresh them): an interrupted run leaves whole months, and the
next run fills only the months that are missing, and any missing rollups.
"""

import io
import json
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, reset_queries, transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.criteria.evaluation import Comparator, IndicatorKind, Rule, criterion_met
from campaigns.criteria.models import CriteriaSet, Criterion, Indicator, Level, Programme
from campaigns.results import rollups
from campaigns.results.models import (
    CriterionResult,
    CriterionRollup,
    Evidence,
    Period,
    Result,
    Submission,
    WardRollup,
)
from campaigns.results.periods import current_month, periods_ensure
from portal.vietnamese import fold, nfc
from wards.models import City, Neighbourhood, Ward

CITY_CODE = "SCALE"
CITY_CODES = Q(code=CITY_CODE) | Q(code__regex=r"^SCALE[0-9]{2}$")  # every synthetic province
SET_CODE = "scale-bench"
SET_IN_FORCE_FROM = date(2000, 1, 1)
BATCH = 10_000
COPY_BATCH = 250_000  # lines per COPY statement
NULL = r"\N"  # NULL in COPY's text format
SEED = 20_240_130
INDICATORS_PER_CRITERION = 3
Status = Submission.Status


def _steps(low: float, high: float, step: float = 0.5) -> list:
    """Decimal values from low to high inclusive, as they would be typed (92.5, 93, …)."""
    values, n = [], round((high - low) / step)
    for i in range(n + 1):
        values.append(Decimal(f"{low + i * step:g}"))
    return values


# --- the criteria set ------------------------------------------------------------


def _indicator_spec(i: int) -> dict:
    """The i-th synthetic indicator: kinds cycle boolean, percent, count, with some zone thresholds."""
    cycle = i % 5
    if cycle in (0, 3):  # yes / no
        return {
            "kind": IndicatorKind.BOOLEAN,
            "comparator": Comparator.GTE,
            "threshold": None,
            "name": "Thực hiện đầy đủ nội dung {n}",
            "unit": "",
        }
    if cycle in (1, 4):  # a rate, ≥ a target, or ≤ a ceiling like the poor-household rate
        if i % 3 == 2:
            return {
                "kind": IndicatorKind.PERCENT,
                "comparator": Comparator.LTE,
                "threshold": Decimal("2"),
                "zones": {Ward.Zone.MOUNTAINOUS: "5"},
                "example": True,
                "name": "Tỷ lệ hộ vi phạm quy ước {n}",
                "unit": "% hộ",
            }
        target = [80, 90, 95, 98][i % 4]
        zones = {Ward.Zone.MOUNTAINOUS: str(target - 10)} if i % 2 else {}
        return {
            "kind": IndicatorKind.PERCENT,
            "comparator": Comparator.GTE,
            "threshold": Decimal(str(target)),
            "zones": zones,
            "example": True,
            "name": "Tỷ lệ hộ thực hiện nội dung {n}",
            "unit": "%",
        }
    if i % 2:  # incidents: none allowed
        return {
            "kind": IndicatorKind.COUNT,
            "comparator": Comparator.LTE,
            "threshold": Decimal("0"),
            "name": "Số vụ việc phức tạp về nội dung {n}",
            "unit": "vụ",
        }
    return {
        "kind": IndicatorKind.COUNT,
        "comparator": Comparator.GTE,
        "threshold": Decimal("2"),
        "name": "Số buổi sinh hoạt về nội dung {n}",
        "unit": "buổi",
    }


def _candidates(indicator: Indicator) -> tuple[list, list]:
    """Values likely to meet the indicator's default threshold, and values likely not to."""
    if indicator.kind == IndicatorKind.BOOLEAN:
        return [Decimal("1")], [Decimal("0")]
    limit = float(indicator.threshold)
    if indicator.kind == IndicatorKind.PERCENT:
        if indicator.comparator == Comparator.LTE:
            return _steps(0, limit), _steps(limit + 0.5, limit + 8)
        return _steps(limit, 100), _steps(max(0.0, limit - 15), limit - 0.5)
    if indicator.comparator == Comparator.LTE:
        return [Decimal(f"{limit:g}")], [Decimal(str(n)) for n in range(int(limit) + 1, int(limit) + 4)]
    return [Decimal(str(n)) for n in range(int(limit), int(limit) + 4)], [Decimal(str(n)) for n in range(0, int(limit))]


def _set_create(indicators: int) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.create(
        code=SET_CODE,
        version=1,
        name=nfc("Bộ tiêu chí thử tải (dữ liệu giả lập)"),
        level=Level.NEIGHBOURHOOD,
        document_number="SCALE/BENCH",
        document_date=SET_IN_FORCE_FROM,
        issuer="seed_scale",
        effective_from=SET_IN_FORCE_FROM,
        source="Synthetic data for benchmarks (manage.py seed_scale).",
    )
    count = max(1, -(-indicators // INDICATORS_PER_CRITERION))
    sizes = [indicators // count + (1 if c < indicators % count else 0) for c in range(count)]
    made = 0
    for c, size in enumerate(sizes):
        # Every third criterion with several indicators is met by all but one of them.
        k_of_n = c % 3 == 2 and size > 1
        criterion = Criterion.objects.create(
            criteria_set=criteria_set,
            number=str(c + 1),
            name=nfc(f"Tiêu chí thử tải số {c + 1}"),
            order=c + 1,
            rule=Rule.K_OF_N if k_of_n else Rule.ALL,
            k=size - 1 if k_of_n else None,
        )
        for o in range(size):
            spec = _indicator_spec(made)
            made += 1
            Indicator.objects.create(
                criterion=criterion,
                code=f"{c + 1}.{o + 1}",
                name=nfc(spec["name"].format(n=made)),
                kind=spec["kind"],
                unit=spec["unit"],
                comparator=spec["comparator"],
                threshold=spec["threshold"],
                zone_thresholds=spec.get("zones", {}),
                threshold_is_example=spec.get("example", False),
                order=o + 1,
            )
    return criteria_set


# --- writing rows ----------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_converter(field):
    """A function writing one column's values in COPY text format (NULL is \\N, booleans t/f)."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return {None: r"\N", True: "t", False: "f"}.__getitem__
    if kind == "DateTimeField":
        seen = {}  # one timestamp for the whole batch: format it once

        def timestamp(value):
            if value is None:
                return r"\N"
            if value not in seen:
                seen[value] = value.isoformat()
            return seen[value]

        return timestamp
    if kind == "JSONField":
        return lambda value: _copy_text(json.dumps(value))
    if kind in ("CharField", "TextField"):
        return _copy_text
    return lambda value: r"\N" if value is None else str(value)  # numbers and ids


class _Writer:
    """Inserts rows (tuples in the order of `fields`): COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, use_copy: bool):
        self.use_copy = use_copy

    def __call__(self, model, fields: tuple[str, ...], rows: list[tuple]) -> int:
        if not rows:
            return 0
        if self.use_copy:
            return self._copy(model, fields, rows)
        names = [model._meta.get_field(name).attname for name in fields]  # submission → submission_id
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(
                [model(**dict(zip(names, row, strict=True))) for row in rows[start : start + BATCH]],
                batch_size=BATCH,
            )
        return len(rows)

    @staticmethod
    def _sql(model, fields) -> str:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(model._meta.get_field(name).column) for name in fields)
        return f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"

    def _copy(self, model, fields, rows) -> int:
        converters = [_copy_converter(model._meta.get_field(name)) for name in fields]
        return self.lines(
            model,
            fields,
            [
                "\t".join([convert(value) for convert, value in zip(converters, row, strict=True)]) + "\n"
                for row in rows
            ],
        )

    def lines(self, model, fields, lines: list[str]) -> int:
        """COPY ready-made lines (text format, each ending in a newline) into `model`'s table."""
        sql = self._sql(model, fields)
        for start in range(0, len(lines), COPY_BATCH):
            text = "".join(lines[start : start + COPY_BATCH])
            with connection.cursor() as cursor:
                raw = cursor.cursor
                if hasattr(raw, "copy_expert"):  # psycopg2
                    raw.copy_expert(sql, io.StringIO(text))
                else:  # psycopg 3
                    with raw.copy(sql) as copy:
                        copy.write(text)
        return len(lines)


def _delete_in(model, column: str, subquery) -> int:
    """DELETE … WHERE column IN (subquery), in one statement (no rows loaded into Python)."""
    sql, params = subquery.query.sql_with_params()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE {qn(column)} IN ({sql})", params)
        return cursor.rowcount


def _delete_dependents(model, objects) -> None:
    """Delete the rows that protect `objects` from deletion, then `objects` themselves."""
    for relation in model._meta.related_objects:
        if not relation.many_to_many and relation.on_delete in (models.PROTECT, models.RESTRICT):
            relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": objects}).delete()
    objects.delete()


def city_code(index: int) -> str:
    """The code of the index-th synthetic province: SCALE, then SCALE02, SCALE03 …"""
    return CITY_CODE if index == 0 else f"{CITY_CODE}{index + 1:02d}"


def share(total: int, parts: int, index: int) -> int:
    """The index-th of `parts` near-equal shares of `total` (the first ones one larger)."""
    return total // parts + (1 if index < total % parts else 0)


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic provinces for benchmarks: city SCALE (with --provinces N also SCALE02…) "
        "with --wards wards (S0001…) and --neighbourhoods neighbourhoods spread over them, the neighbourhood "
        "criteria set 'scale-bench' with --indicators indicators, and for the last --months months one evaluated "
        "submission per neighbourhood and month with all its results, and the rollups. Safe to run twice (fills "
        "only what is missing); --reset deletes the synthetic data first. Use a separate benchmark database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces",
            type=int,
            default=1,
            help="Synthetic provinces sharing the wards and neighbourhoods (default 1: SCALE only).",
        )
        parser.add_argument("--wards", type=int, default=166, help="Number of wards in all (default 166).")
        parser.add_argument(
            "--neighbourhoods",
            type=int,
            default=4000,
            help="Number of neighbourhoods in all, spread evenly over the wards (default 4000).",
        )
        parser.add_argument(
            "--months", type=int, default=36, help="Monthly periods up to and including the current one (default 36)."
        )
        parser.add_argument(
            "--indicators",
            type=int,
            default=25,
            help="Indicators of the 'scale-bench' set, about 3 per criterion (default 25).",
        )
        parser.add_argument("--reset", action="store_true", help="Delete the synthetic data first.")
        parser.add_argument(
            "--no-copy", action="store_true", help="Use bulk_create even on PostgreSQL (slower; for comparison)."
        )
        parser.add_argument("--seed", type=int, default=SEED, help="Random seed (the data are reproducible).")

    def handle(
        self,
        *args,
        provinces: int,
        wards: int,
        neighbourhoods: int,
        months: int,
        indicators: int,
        reset: bool,
        no_copy: bool,
        seed: int,
        **options,
    ):
        if provinces < 1 or wards < provinces or neighbourhoods < wards or months < 1 or indicators < 1:
            raise CommandError(
                "Need at least 1 province, as many wards as provinces, as many neighbourhoods as wards, "
                "1 month and 1 indicator."
            )
        if reset:
            self._reset()
        started = time.perf_counter()
        periods = self._periods(months)
        size = f"{provinces} province(s), {wards:,} wards, {neighbourhoods:,} neighbourhoods"
        with transaction.atomic():
            t0 = time.perf_counter()
            cities, made_units = self._units(provinces, wards, neighbourhoods, seed)
            criteria_set = self._criteria_set(CriteriaSet.objects.filter(code=SET_CODE, version=1).first(), indicators)
            if made_units:
                self.stdout.write(f"Units: {size} ({time.perf_counter() - t0:.1f} s)")

        plan = self._plan(criteria_set)
        done = {
            (row["period"], row["ward__city"]): row["n"]
            for row in Submission.objects.filter(ward__city__in=cities, period__in=periods)
            .values("period", "ward__city")
            .annotate(n=Count("id"))
            .order_by()
        }
        rolled = set(
            WardRollup.objects.filter(ward__city__in=cities, period__in=periods)
            .values_list("period_id", "ward__city_id")
            .distinct()
        )
        use_copy = connection.vendor == "postgresql" and not no_copy
        write = _Writer(use_copy)
        if connection.vendor == "postgresql":
            # A commit per province and month need not wait for its WAL flush: a crash loses at most the
            # last months, which the next run fills again (the database stays consistent).
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
        totals = {"submissions": 0, "results": 0, "criterion results": 0}
        refreshed = 0
        announced = False
        for index, city in enumerate(cities):
            hoods = list(
                Neighbourhood.objects.filter(ward__city=city).order_by("id").values_list("id", "ward_id", "ward__zone")
            )
            ward_ids = sorted({ward_id for _h, ward_id, _z in hoods})
            city_rng = random.Random(f"{seed}-{index}")
            quality = {hood_id: city_rng.uniform(0.93, 0.998) for hood_id, _w, _z in hoods}
            t_city, city_counts = time.perf_counter(), dict.fromkeys(totals, 0)
            for period in periods:
                have = done.get((period.pk, city.pk), 0)
                if have == len(hoods):
                    if (period.pk, city.pk) not in rolled:  # seeded before the rollups existed
                        with transaction.atomic():
                            rollups.rollups_refresh(period, wards=ward_ids)
                        refreshed += 1
                    continue
                if have:
                    raise CommandError(
                        f"Month {period.number:02d}/{period.year} has {have} of {len(hoods)} {city.code} "
                        "submissions (made by someone else?): run with --reset."
                    )
                if not announced:
                    self.stdout.write(f"Writing with {'COPY' if use_copy else 'bulk_create'} on {connection.vendor}.")
                    announced = True
                t0 = time.perf_counter()
                rng = random.Random(f"{seed}-{index}-{period.year}-{period.number}")
                with transaction.atomic():
                    counts = self._month(period, criteria_set, hoods, quality, plan, rng, write)
                    rollups.rollups_refresh(period, wards=ward_ids)
                reset_queries()  # DEBUG keeps every statement's SQL, bulk inserts included: 400 MB at 34 provinces
                for key, value in counts.items():
                    totals[key] += value
                    city_counts[key] += value
                if provinces == 1:
                    self.stdout.write(
                        f"  {period.number:02d}/{period.year}: {counts['submissions']:,} submissions, "
                        f"{counts['results']:,} results, {counts['criterion results']:,} criterion results "
                        f"({time.perf_counter() - t0:.1f} s)"
                    )
            if provinces > 1 and city_counts["submissions"]:
                self.stdout.write(
                    f"  {city.code}: {city_counts['submissions']:,} submissions, {city_counts['results']:,} results, "
                    f"{city_counts['criterion results']:,} criterion results ({time.perf_counter() - t_city:.1f} s, "
                    f"{time.perf_counter() - started:.0f} s so far)"
                )
        if refreshed:
            self.stdout.write(f"Rollups filled for {refreshed} month(s) seeded before they existed.")
        if not totals["submissions"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"SCALE already has {size} and {months} months of {indicators} indicators: "
                    "nothing to do (--reset rebuilds it)."
                )
            )
            return
        if use_copy:
            with connection.cursor() as cursor:
                for model in (Submission, Result, CriterionResult):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elapsed = time.perf_counter() - started
        rows = sum(totals.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {totals['submissions']:,} submissions, {totals['results']:,} results and "
                f"{totals['criterion results']:,} criterion results in {elapsed:.1f} s "
                f"({rows / elapsed if elapsed else 0:,.0f} rows/s)."
            )
        )
        self._summary(cities, criteria_set, periods)

    # --- steps -------------------------------------------------------------------

    def _periods(self, months: int) -> list[Period]:
        """The last `months` monthly periods, ending with the one containing today."""
        current = current_month()
        keys, year, number = [], current.year, current.number
        for _ in range(months):
            keys.append((year, number))
            year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        for year in sorted({y for y, _n in keys}):
            periods_ensure(year)
        by_key = {
            (p.year, p.number): p for p in Period.objects.filter(kind=Period.Kind.MONTH, year__in={y for y, _n in keys})
        }
        return [by_key[key] for key in reversed(keys)]

    def _units(self, provinces: int, wards: int, neighbourhoods: int, seed: int) -> tuple[list[City], bool]:
        """The synthetic provinces, made if missing; an existing set of another size is refused."""
        existing = list(City.objects.filter(CITY_CODES).order_by("code"))
        if existing:
            want = [
                (city_code(i), share(wards, provinces, i), share(neighbourhoods, provinces, i))
                for i in range(provinces)
            ]
            ward_counts = dict(
                Ward.objects.filter(city__in=existing).values_list("city__code").annotate(n=Count("id")).order_by()
            )
            hood_counts = dict(
                Neighbourhood.objects.filter(ward__city__in=existing)
                .values_list("ward__city__code")
                .annotate(n=Count("id"))
                .order_by()
            )
            have = sorted((c.code, ward_counts.get(c.code, 0), hood_counts.get(c.code, 0)) for c in existing)
            if have != sorted(want):
                raise CommandError(
                    f"The synthetic provinces have {sum(ward_counts.values())} wards and "
                    f"{sum(hood_counts.values())} neighbourhoods in {len(existing)} province(s), not {wards} and "
                    f"{neighbourhoods} in {provinces}: run with --reset to rebuild them."
                )
            by_code = {c.code: c for c in existing}
            return [by_code[city_code(i)] for i in range(provinces)], False
        rng = random.Random(seed)
        cities = [
            City.objects.create(
                code=city_code(i),
                name=nfc("Tỉnh Thử Tải" + (f" {i + 1:02d}" if i else "") + " (dữ liệu giả lập)"),
                kind=City.Kind.PROVINCE,
            )
            for i in range(provinces)
        ]
        ward_rows, number = [], 0
        for i, city in enumerate(cities):
            for _ in range(share(wards, provinces, i)):
                number += 1
                is_commune = number % 3 == 0
                name = nfc(f"{'Xã' if is_commune else 'Phường'} Thử Tải {number:04d}")
                zone = rng.choices(list(Ward.Zone.values), weights=[70, 20, 10])[0]
                ward_rows.append(
                    Ward(
                        city=city,
                        code=f"S{number:04d}",
                        name=name,
                        search_key=fold(name),
                        kind=Ward.Kind.COMMUNE if is_commune else Ward.Kind.WARD,
                        zone=zone,
                    )
                )
        Ward.objects.bulk_create(ward_rows, batch_size=BATCH)
        hood_rows = []
        for i, city in enumerate(cities):
            city_wards = list(Ward.objects.filter(city=city).order_by("code"))
            city_hoods = share(neighbourhoods, provinces, i)
            for index, ward in enumerate(city_wards):
                is_commune = ward.kind == Ward.Kind.COMMUNE
                for n in range(share(city_hoods, len(city_wards), index)):
                    name = nfc(f"{'Thôn' if is_commune else 'Tổ dân phố'} {n + 1}")
                    hood_rows.append(
                        Neighbourhood(
                            ward=ward,
                            name=name,
                            search_key=fold(name),
                            kind=Neighbourhood.Kind.VILLAGE if is_commune else Neighbourhood.Kind.RESIDENTIAL_GROUP,
                        )
                    )
        Neighbourhood.objects.bulk_create(hood_rows, batch_size=BATCH)
        return cities, True

    def _criteria_set(self, criteria_set, indicators: int) -> CriteriaSet:
        if criteria_set is None:
            return _set_create(indicators)
        have = Indicator.objects.filter(criterion__criteria_set=criteria_set).count()
        if have != indicators:
            raise CommandError(f"The set {SET_CODE} has {have} indicators, not {indicators}: run with --reset.")
        return criteria_set

    @staticmethod
    def _plan(criteria_set: CriteriaSet) -> list[dict]:
        """Each criterion with its indicators, and each indicator's values and outcome per zone, precomputed."""
        plan = []
        for criterion in criteria_set.criteria.prefetch_related("indicators").order_by("order", "id"):
            items = []
            for indicator in criterion.indicators.all():
                good, bad = _candidates(indicator)
                # Outcomes exactly as results_save stores them: Indicator.is_met → evaluation.compare.
                met = {
                    zone: {value: indicator.is_met(value, zone) for value in good + bad} for zone in Ward.Zone.values
                }
                items.append(
                    {
                        "id": indicator.pk,
                        "good": good,
                        "bad": bad,
                        "met": met,
                        "max_points": indicator.max_points,
                        "points_kind": indicator.kind == IndicatorKind.POINTS,
                    }
                )
            plan.append({"criterion": criterion, "indicators": items})
        return plan

    def _month(self, period: Period, criteria_set, hoods, quality, plan, rng, write) -> dict:
        programme_id = Programme.objects.for_set(criteria_set).pk
        now = timezone.now()
        submitted_at = timezone.make_aware(datetime.combine(period.end + timedelta(days=2), clock(9)))
        reviewed_at = submitted_at + timedelta(days=2)
        random_ = rng.random
        submissions, outcomes = [], []
        for hood_id, ward_id, zone in hoods:
            p = quality[hood_id]
            values, criterion_rows, missing = [], [], []
            for entry in plan:
                criterion = entry["criterion"]
                mets, points = [], []
                for item in entry["indicators"]:
                    pool = item["good"] if random_() < p else item["bad"]
                    value = pool[int(random_() * len(pool))]
                    met = item["met"][zone][value]
                    values.append((item["id"], value, met))
                    mets.append(met)
                    # As submission_evaluate: points earned by a met indicator (none here: no max_points).
                    if item["points_kind"]:
                        cap = item["max_points"]
                        points.append(min(value, cap) if cap is not None else value)
                    else:
                        points.append(item["max_points"] if met and item["max_points"] is not None else None)
                is_met = criterion_met(
                    criterion.rule, met=mets, points=points, k=criterion.k, min_points=criterion.min_points
                )
                points_total = (
                    sum((x for x in points if x is not None), Decimal(0)) if criterion.rule == Rule.POINTS else None
                )
                criterion_rows.append((criterion.pk, is_met, sum(1 for m in mets if m), points_total))
                if not is_met:
                    missing.append(criterion.number)
            roll = random_()
            status = (
                Status.APPROVED
                if roll < 0.85
                else Status.SUBMITTED
                if roll < 0.92
                else Status.DRAFT
                if roll < 0.96
                else Status.RETURNED
            )
            total = len(plan)
            submissions.append(
                Submission(
                    criteria_set=criteria_set,
                    programme_id=programme_id,
                    period=period,
                    ward_id=ward_id,
                    neighbourhood_id=hood_id,
                    status=status,
                    submitted_at=None if status == Status.DRAFT else submitted_at,
                    reviewed_at=reviewed_at if status in (Status.APPROVED, Status.RETURNED) else None,
                    return_reason="Bổ sung minh chứng (dữ liệu giả lập)" if status == Status.RETURNED else "",
                    criteria_total=total,
                    criteria_met=total - len(missing),
                    is_complete=bool(plan) and not missing,
                    missing=missing,
                )
            )
            outcomes.append((zone, values, criterion_rows))
        Submission.objects.bulk_create(submissions, batch_size=BATCH)
        if any(s.pk is None for s in submissions):  # a backend that cannot return ids from bulk inserts
            ids = dict(
                Submission.objects.filter(period=period, ward__city__code=CITY_CODE).values_list(
                    "neighbourhood_id", "id"
                )
            )
            for s in submissions:
                s.pk = ids[s.neighbourhood_id]
        result_fields = ("submission", "indicator", "value", "text", "is_met", "note", "version", "updated_at")
        criterion_fields = ("submission", "criterion", "is_met", "indicators_met", "points")
        if write.use_copy:
            # COPY lines from precomputed tails: everything after the submission id depends only on the
            # indicator, the ward's zone and the value (the same text _copy_converter would write).
            stamp = now.isoformat()
            tails = {
                item["id"]: {
                    zone: {
                        value: f"\t{item['id']}\t{value}\t\t{'t' if met else 'f'}\t\t1\t{stamp}\n"
                        for value, met in by_value.items()
                    }
                    for zone, by_value in item["met"].items()
                }
                for entry in plan
                for item in entry["indicators"]
            }
            result_lines, criterion_lines = [], []
            for submission, (zone, values, criterion_rows) in zip(submissions, outcomes, strict=True):
                sid = str(submission.pk)
                result_lines.extend([sid + tails[indicator_id][zone][value] for indicator_id, value, _m in values])
                criterion_lines.extend(
                    [
                        f"{sid}\t{cid}\t{'t' if met else 'f'}\t{n}\t{NULL if points is None else points}\n"
                        for cid, met, n, points in criterion_rows
                    ]
                )
            write.lines(Result, result_fields, result_lines)
            write.lines(CriterionResult, criterion_fields, criterion_lines)
            n_results, n_criteria = len(result_lines), len(criterion_lines)
        else:
            result_rows, criterion_result_rows = [], []
            for submission, (_zone, values, criterion_rows) in zip(submissions, outcomes, strict=True):
                sid = submission.pk
                result_rows.extend((sid, i, value, "", met, "", 1, now) for i, value, met in values)
                criterion_result_rows.extend((sid, *row) for row in criterion_rows)
            write(Result, result_fields, result_rows)
            write(CriterionResult, criterion_fields, criterion_result_rows)
            n_results, n_criteria = len(result_rows), len(criterion_result_rows)
        return {
            "submissions": len(submissions),
            "results": n_results,
            "criterion results": n_criteria,
        }

    def _summary(self, cities, criteria_set, periods) -> None:
        submissions = Submission.objects.filter(ward__city__in=cities)
        lines = [
            ("provinces", len(cities)),
            ("wards", Ward.objects.filter(city__in=cities).count()),
            ("neighbourhoods", Neighbourhood.objects.filter(ward__city__in=cities).count()),
            ("criteria", criteria_set.criteria.count()),
            ("indicators", Indicator.objects.filter(criterion__criteria_set=criteria_set).count()),
            ("months", len(periods)),
            ("submissions", submissions.count()),
            ("results", Result.objects.filter(submission__ward__city__in=cities).count()),
            ("criterion results", CriterionResult.objects.filter(submission__ward__city__in=cities).count()),
            ("complete submissions", submissions.filter(is_complete=True).count()),
            ("ward rollups", WardRollup.objects.filter(ward__city__in=cities).count()),
        ]
        self.stdout.write("SCALE now: " + ", ".join(f"{value:,} {label}" for label, value in lines))

    def _reset(self) -> None:
        t0 = time.perf_counter()
        cities = City.objects.filter(CITY_CODES)
        deleted = {}
        with transaction.atomic():
            if cities.exists():
                ward_ids = Ward.objects.filter(city__in=cities).values("id")
                submission_ids = Submission.objects.filter(ward__city__in=cities).values("id")
                result_ids = Result.objects.filter(submission__ward__city__in=cities).values("id")
                deleted["evidence"] = _delete_in(Evidence, "result_id", result_ids)
                deleted["criterion results"] = _delete_in(CriterionResult, "submission_id", submission_ids)
                deleted["results"] = _delete_in(Result, "submission_id", submission_ids)
                deleted["submissions"] = _delete_in(Submission, "ward_id", ward_ids)
                deleted["rollups"] = _delete_in(WardRollup, "ward_id", ward_ids) + _delete_in(
                    CriterionRollup, "ward_id", ward_ids
                )
            others = Submission.objects.filter(criteria_set__code=SET_CODE).count()
            if others:
                raise CommandError(f"{others} submissions outside SCALE use the set {SET_CODE}; nothing was deleted.")
            for criteria_set in CriteriaSet.objects.filter(code=SET_CODE).order_by("-version"):
                criteria_set.delete()
                deleted["criteria sets"] = deleted.get("criteria sets", 0) + 1
            if cities.exists():
                hoods = Neighbourhood.objects.filter(ward__city__in=cities)
                wards = Ward.objects.filter(city__in=cities)
                deleted["neighbourhoods"] = hoods.count()
                deleted["wards"] = wards.count()
                deleted["provinces"] = cities.count()
                # Bottom up, with whatever else points at the synthetic units (profiles, reports …).
                _delete_dependents(Neighbourhood, hoods)
                _delete_dependents(Ward, wards)
                _delete_dependents(City, cities)
        self.stdout.write(
            "Reset: deleted "
            + (", ".join(f"{n:,} {label}" for label, n in deleted.items() if n) or "nothing")
            + f" ({time.perf_counter() - t0:.1f} s)"
        )
