"""Measure the dashboards, report builds, the SQL floor, exports and a build's peak RSS on the synthetic data.

Run through `make bench` (one province: SCALE) or `make bench-national` (34 provinces: SCALE, SCALE02 …),
PostgreSQL via DATABASE_URL, after seed_scale. Timings, not tests. Writes bench/results.json
read-modify-write: its own keys ("machine", "sizes"[this size], "comparison", "targets", "met", "missed"),
every other key (the load test's "load", "partitioning") kept as it is.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from campaigns.results.models import Period, Submission, WardRollup
from reports.exports import pdf_bytes, xlsx_bytes
from reports.summaries import annual_snapshot, monthly_snapshot
from wards.models import City, Membership, Neighbourhood, Ward

SCALE_CITIES = Q(code="SCALE") | Q(code__regex=r"^SCALE[0-9]{2}$")
SIZES = ("province", "national")
# Optional: one province the size of the national run's SCALE (98 wards, 1,765 neighbourhoods, 12 months)
# alone in its database, to compare the same city with and without the 33 other provinces around it.
CITY_ALONE = "national_city_alone"
# The keys of the one-size layout this file had before the two sizes (dropped when rewriting it).
OLD_KEYS = (
    "size year sql_floor_s annual_snapshot_s annual_vs_floor monthly_snapshot_s annual_xlsx_s annual_pdf_s "
    "monthly_xlsx_s monthly_pdf_s report_build_peak_mb dashboard_median_ms dashboard_p95_ms dashboard_queries"
).split()

TARGETS = {
    "dashboard_p95": "city dashboard p95 ≤ 100 ms at both sizes",
    "dashboard_queries": "city dashboard ≤ 12 queries at both sizes",
    "dashboard_growth": "city dashboard p95 national / province ≤ 1.5",
    "national_overview": "national overview p95 ≤ 300 ms (national size)",
    "annual_vs_floor": "annual province report ≤ 1.2 × its SQL floor, at both sizes",
    "city_pdf": "city-wide PDF (annual and monthly) ≤ 1.5 s, at both sizes",
    "peak_rss": "peak RSS of a report build process ≤ 250 MB at both sizes",
    "peak_rss_flat": "peak RSS national / province ≤ 1.2 (flat as the data grow 15 times)",
}

# The month-by-month part of the floor: from the rollups (results_wardrollup, what the snapshot reads since
# the rollups exist), or, for comparison with the figures before them, from the submissions.
TREND_ROLLUPS = """
SELECT 'trend', r.period_id, NULL::text, sum(r.on_time + r.late), sum(r.complete)
FROM results_wardrollup r JOIN campaigns_period p ON p.id = r.period_id JOIN wards_ward w ON w.id = r.ward_id
WHERE w.city_id = %(city)s AND p.kind = 'month' AND p.year = %(year)s
GROUP BY r.period_id"""
TREND_RAW = """
SELECT 'trend', s.period_id, NULL::text, count(*), count(*) FILTER (WHERE s.is_complete)
FROM campaigns_submission s JOIN campaigns_period p ON p.id = s.period_id
JOIN wards_neighbourhood n ON n.id = s.neighbourhood_id JOIN wards_ward w ON w.id = n.ward_id
WHERE w.city_id = %(city)s AND p.kind = 'month' AND p.year = %(year)s AND s.status IN ('submitted', 'approved')
  AND (n.valid_from IS NULL OR n.valid_from <= p."end") AND (n.valid_to IS NULL OR n.valid_to > p.start)
GROUP BY s.period_id"""

# The annual snapshot's core figures in hand-written SQL (campaigns/results/figures): month by month; each
# year-end unit's latest monthly report that counts, this year and the year before (DISTINCT ON, in the
# database); criteria met and assessed over those reports; the ward ranking from them. Not in it: the
# snapshot's small sections (recognitions, party cells, profiles, contributions, plans, commendations,
# titles: about 20 queries of a few ms on this data) — so the floor is a lower bound of the report.
PARTITIONING = (
    "Not partitioned by year (issue 13, item 3): it would not pay. No report query reads campaigns_result "
    "(snapshot_queries_reading_results); the annual report reads submissions, criterion results through their "
    "submission index and the rollups. At the national size the floor reaches submissions through the "
    "neighbourhood index, only the measured city's units (floor_plan_tables), and all 12 months are one year; "
    "at the province size (3 years) a year partition would skip other_years_share of two sequential scans of "
    "submissions, at most prunable_ms_estimate of floor_plan_ms, against partitioned tables' costs (the "
    "partition key in every unique constraint and foreign key, partitions to create each year, Django "
    "migrations by hand). Measured by manage.py bench on each size."
)

FLOOR_SQL = """
WITH units AS (
    SELECT n.id, n.ward_id FROM wards_neighbourhood n JOIN wards_ward w ON w.id = n.ward_id
    WHERE w.city_id = %(city)s AND (n.valid_from IS NULL OR n.valid_from <= %(end)s)
      AND (n.valid_to IS NULL OR n.valid_to > %(end)s)
),
latest AS (
    SELECT DISTINCT ON (s.neighbourhood_id, p.year) s.id, s.neighbourhood_id, s.is_complete, p.year
    FROM campaigns_submission s JOIN campaigns_period p ON p.id = s.period_id
    WHERE p.kind = 'month' AND p.year IN (%(year)s, %(year)s - 1) AND s.status IN ('submitted', 'approved')
      AND s.neighbourhood_id IN (SELECT id FROM units)
    ORDER BY s.neighbourhood_id, p.year, p.start DESC, s.id DESC
)
%(trend)s
UNION ALL
SELECT 'criterion', s.period_id, c.number, count(*) FILTER (WHERE cr.is_met), count(*)
FROM campaigns_criterionresult cr JOIN campaigns_submission s ON s.id = cr.submission_id
JOIN campaigns_criterion c ON c.id = cr.criterion_id
WHERE cr.submission_id IN (SELECT id FROM latest) GROUP BY s.period_id, c.number
UNION ALL
SELECT 'ranking', u.ward_id, l.year::text, count(*), count(*) FILTER (WHERE l.is_complete)
FROM units u JOIN latest l ON l.neighbourhood_id = u.id GROUP BY u.ward_id, l.year
"""


def _timed(fn, repeat: int = 3):
    """The best wall time of `repeat` calls, the CPU time of this process in that call, and the value."""
    best, cpu, value = None, None, None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        elapsed = time.perf_counter() - start
        if best is None or elapsed < best:
            best, cpu = elapsed, time.process_time() - start_cpu
    return best, cpu, value


def _ratio(a, b, digits: int = 2):
    return round(a / b, digits) if a is not None and b else None


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _requests(client: Client, url: str, n: int) -> dict:
    """Median and p95 of n requests after a warm-up, and the queries of one more."""
    response = client.get(url)  # warm up
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(n):
        reset_queries()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, (url, response.status_code)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "p95_ms": round(1000 * p95, 1),
        "cpu_median_ms": round(1000 * statistics.median(cpu), 1),  # the web process's own, without the database's
        "queries": len(queries),
        "requests": n,
    }


def _build_process(city: City, year: int, today, baseline: bool = False) -> dict:
    """Run bench_build in a fresh process; its peak RSS as the kernel counts it: the child's VmHWM (its
    memory's high-water mark since exec). The rusage of os.wait4 is kept beside it, but on Linux a child's
    ru_maxrss starts at the forking parent's RSS (this process), so it is a ceiling, not the figure."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_build"]
    command += ["--city", city.code, "--year", str(year), "--today", today.isoformat()]
    if baseline:
        command.append("--baseline")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    out, err = process.stdout.read(), process.stderr.read()  # small: read all, then reap with the rusage
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise CommandError(f"bench_build failed ({process.returncode}): {err.decode()[-2000:]}")
    child = json.loads(out.decode().strip().splitlines()[-1])
    peak_kb = child["vmhwm_kb"] or usage.ru_maxrss  # KB on Linux
    return {**child, "peak_rss_mb": round(peak_kb / 1024, 1), "wait4_maxrss_mb": round(usage.ru_maxrss / 1024, 1)}


class Command(BaseCommand):
    help = (
        "Time the city dashboard, the national overview, the report builds against their SQL floor, the exports "
        "and a report build's peak RSS on the synthetic data; write them to bench/results.json under its size."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument(
            "--size",
            choices=(*SIZES, CITY_ALONE),
            help="Which size this database holds (default: national with several synthetic provinces, else province).",
        )

    def handle(self, *args, output: Path, requests: int, size: str | None, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("warning: not PostgreSQL; the targets are for PostgreSQL (set DATABASE_URL)")
        load_start = _load()
        if connection.vendor == "postgresql":  # planner statistics of every table, as a live database has them
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        cities = list(City.objects.filter(SCALE_CITIES))
        city = next((c for c in cities if c.code == "SCALE"), None)
        if city is None:
            raise CommandError("No SCALE province: run `python manage.py seed_scale` first (make bench does).")
        size = size or ("national" if len(cities) > 1 else "province")
        started = datetime.now(UTC)
        measured = self._measure(city, cities, requests)
        measured["run"] = {
            "at": started.isoformat(timespec="seconds"),
            "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
            "database": connection.settings_dict.get("NAME"),
            "load_average_start": load_start,
            "load_average_end": _load(),
        }
        results = self._merge(output, size, measured)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(json.dumps({size: measured}, indent=2, ensure_ascii=False))
        for key in ("comparison", "met", "missed"):
            self.stdout.write(f"{key}: {json.dumps(results[key], ensure_ascii=False)}")
        self.stdout.write(f"written to {output} under sizes.{size}")

    # --- measuring ---------------------------------------------------------------------------------------------

    def _measure(self, city: City, cities: list[City], requests: int) -> dict:
        months = list(
            Period.objects.filter(kind=Period.Kind.MONTH, submissions__ward__city=city).distinct().order_by("start")
        )
        if not months:
            raise CommandError("SCALE has no submissions: run `python manage.py seed_scale` first.")
        last_month = months[-1]
        per_year = {}
        for month in months:
            per_year[month.year] = per_year.get(month.year, 0) + 1
        # The last whole year if there is one (the province size: 36 months), else the year with most months
        # (the national size: 12 months ending with the current one).
        whole = [y for y, n in per_year.items() if n == 12]
        year = max(whole) if whole else max(per_year, key=lambda y: (per_year[y], y))
        year_period = Period.objects.get(kind=Period.Kind.YEAR, year=year)
        today = last_month.deadline
        missing_rollups = (
            len(months)
            - WardRollup.objects.filter(ward__city=city, period__in=months).values("period").distinct().count()
        )
        data = {
            "provinces": len(cities),
            "wards": Ward.objects.filter(city__in=cities).count(),
            "neighbourhoods": Neighbourhood.objects.filter(ward__city__in=cities).count(),
            "months": len(months),
            "results_rows": self._rows("campaigns_result"),
            "criterion_result_rows": self._rows("campaigns_criterionresult"),
            "submissions_rows": self._rows("campaigns_submission"),
            "measured_city": {
                "code": city.code,
                "wards": city.wards.count(),
                "neighbourhoods": Submission.objects.filter(ward__city=city, period=last_month).count(),
                "months_with_rollups_missing": missing_rollups,
            },
        }

        def floor(trend: str):
            with connection.cursor() as cursor:
                cursor.execute(
                    FLOOR_SQL.replace("%(trend)s", trend), {"year": year, "city": city.pk, "end": year_period.end}
                )
                return cursor.fetchall()

        floor_s, _c, _rows = _timed(lambda: floor(TREND_ROLLUPS))
        floor_raw_s, _c, _rows = _timed(lambda: floor(TREND_RAW))
        annual_s, annual_cpu, annual = _timed(
            lambda: annual_snapshot(city=city, ward=None, period=year_period, today=today)
        )
        monthly_s, monthly_cpu, monthly = _timed(
            lambda: monthly_snapshot(city=city, ward=None, period=last_month, today=today)
        )
        reset_queries()  # the query log is a bounded deque: once full, CaptureQueriesContext counts 0
        with CaptureQueriesContext(connection) as annual_queries:
            annual_snapshot(city=city, ward=None, period=year_period, today=today)
        annual_query_count = len(annual_queries)  # now: the context reads the log lazily, and it is reset later
        annual_sql = [query["sql"] for query in annual_queries.captured_queries]
        partitioning = self._partitioning(city, year, year_period, annual_sql)
        xlsx_s, _c, _x = _timed(lambda: xlsx_bytes(annual))
        pdf_s, pdf_cpu, _p = _timed(lambda: pdf_bytes(annual), repeat=2)
        monthly_xlsx_s, _c, _mx = _timed(lambda: xlsx_bytes(monthly))
        monthly_pdf_s, monthly_pdf_cpu, _mp = _timed(lambda: pdf_bytes(monthly), repeat=2)
        build = _build_process(city, year, today)
        baseline = _build_process(city, year, today, baseline=True)
        return {
            "data": data,
            "year": year,
            "month": f"{last_month.number:02d}/{last_month.year}",
            "dashboard": self._dashboard(city, last_month, requests),
            "national_overview": self._national(last_month, requests),
            "sql_floor_s": round(floor_s, 3),
            "sql_floor_without_rollups_s": round(floor_raw_s, 3),
            "annual_snapshot_s": round(annual_s, 3),
            "annual_snapshot_cpu_s": round(annual_cpu, 3),
            "annual_snapshot_queries": annual_query_count,
            "annual_vs_floor": _ratio(annual_s, floor_s),
            "monthly_snapshot_s": round(monthly_s, 3),
            "monthly_snapshot_cpu_s": round(monthly_cpu, 3),
            "annual_xlsx_s": round(xlsx_s, 3),
            "annual_pdf_s": round(pdf_s, 3),
            "annual_pdf_cpu_s": round(pdf_cpu, 3),
            "monthly_xlsx_s": round(monthly_xlsx_s, 3),
            "monthly_pdf_s": round(monthly_pdf_s, 3),
            "monthly_pdf_cpu_s": round(monthly_pdf_cpu, 3),
            "timing_note": "wall times, best of 3 (PDFs of 2); *_cpu_s: this process's CPU in that call (no "
            "database time), which other processes on the machine slow less than the wall time",
            "partitioning_evidence": partitioning,
            "report_build": {
                "what": "annual snapshot + xlsx + pdf of the measured city, in a fresh process (manage.py bench_build)",
                "peak_rss_mb": build["peak_rss_mb"],
                "baseline_rss_mb": baseline["peak_rss_mb"],
                "build_share_mb": round(build["peak_rss_mb"] - baseline["peak_rss_mb"], 1),
                "wait4_maxrss_mb": build["wait4_maxrss_mb"],
                "how": "VmHWM of the child (/proc/self/status at its end); wait4_maxrss_mb includes the parent's "
                "RSS inherited at fork, a ceiling",
                "snapshot_s": build.get("snapshot_s"),
                "xlsx_s": build.get("xlsx_s"),
                "pdf_s": build.get("pdf_s"),
                "pdf_bytes": build.get("pdf_bytes"),
            },
        }

    @staticmethod
    def _partitioning(city: City, year: int, year_period: Period, annual_sql: list[str]) -> dict:
        """What a partitioning of submissions or results by year could prune for the annual report: the share
        of the city's submissions in other years than the report's two, the rows and buffers the floor's plan
        reads per table (EXPLAIN ANALYZE, BUFFERS), and how many of the snapshot's queries read results."""
        if connection.vendor != "postgresql":
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE p.year IN (%s, %s)), count(*) FROM campaigns_submission s "
                "JOIN campaigns_period p ON p.id = s.period_id JOIN wards_ward w ON w.id = s.ward_id "
                "WHERE w.city_id = %s",
                [year, year - 1, city.pk],
            )
            in_years, everything = cursor.fetchone()
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + FLOOR_SQL.replace("%(trend)s", TREND_ROLLUPS),
                {"year": year, "city": city.pk, "end": year_period.end},
            )
            plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        tables: dict[str, dict] = {}

        def walk(node):
            name = node.get("Relation Name")
            if name:
                loops = node.get("Actual Loops", 1)
                row = tables.setdefault(name, {"rows": 0, "removed_by_filter": 0, "buffers": 0, "ms": 0.0, "scans": []})
                row["rows"] += int(node.get("Actual Rows", 0) * loops)
                row["ms"] = round(row["ms"] + node.get("Actual Total Time", 0) * loops, 1)
                row["removed_by_filter"] += int(node.get("Rows Removed by Filter", 0) * loops)
                row["buffers"] += node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)
                if node["Node Type"] not in row["scans"]:
                    row["scans"].append(node["Node Type"])
            for child in node.get("Plans", []):
                walk(child)

        walk(plan["Plan"])
        submissions_ms = tables.get("campaigns_submission", {}).get("ms", 0.0)
        return {
            "city_submissions": everything,
            "city_submissions_of_other_years": everything - in_years,
            "other_years_share": _ratio(everything - in_years, everything),
            "floor_plan_ms": round(plan.get("Execution Time", 0), 1),
            # at most what a year partition of submissions could save in the floor: the other years' share of
            # the time its plan spends scanning submissions
            "prunable_ms_estimate": round(submissions_ms * (everything - in_years) / everything, 1)
            if everything
            else 0,
            "floor_plan_tables": tables,
            "snapshot_queries_reading_results": sum('"campaigns_result"' in sql for sql in annual_sql),
            "snapshot_queries": len(annual_sql),
        }

    @staticmethod
    def _rows(table: str) -> int | None:
        """The planner's row count (exact enough after ANALYZE, and instant on 18 M rows)."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            row = cursor.fetchone()
        return int(row[0]) if row else None

    @staticmethod
    def _dashboard(city: City, month: Period, requests: int) -> dict:
        user, _ = get_user_model().objects.get_or_create(username="bench-leader")
        Membership.objects.get_or_create(user=user, role=Membership.Role.CITY_LEADER, city=city)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        url = reverse("reports:dashboard") + f"?city={city.code}&period={month.pk}"
        return {"url": url, "user": "city leader of SCALE", **_requests(client, url, requests)}

    @staticmethod
    def _national(month: Period, requests: int) -> dict:
        try:
            url = reverse("reports:national") + f"?period={month.pk}"
        except NoReverseMatch:
            return {"p95_ms": None, "note": "reports:national does not exist yet (NoReverseMatch)"}
        user, made = get_user_model().objects.get_or_create(username="bench-admin")
        if made or not user.is_superuser:
            user.is_superuser = True
            user.set_unusable_password()
            user.save()
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        return {"url": url, "user": "administrator (all provinces)", **_requests(client, url, requests)}

    # --- the file ----------------------------------------------------------------------------------------------

    def _merge(self, output: Path, size: str, measured: dict) -> dict:
        """Read-modify-write: this size, the machine and what is derived from both sizes; other keys kept."""
        try:
            results = json.loads(output.read_text()) if output.exists() else {}
        except ValueError:
            results = {}
        for key in OLD_KEYS:
            results.pop(key, None)
        server = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = cursor.fetchone()[0]
        results["machine"] = {
            "python": platform.python_version(),
            "system": platform.platform(),
            "cpus": os.cpu_count(),
            "memory_mb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20),
            "database": connection.vendor,
            "postgresql": server,
            "note": "2 cores shared with other processes: see each size's run.load_average_start/end",
        }
        results.setdefault("sizes", {})[size] = measured
        sizes = results["sizes"]
        results["comparison"] = self._comparison(sizes)
        results["targets"] = TARGETS
        results["met"], results["missed"] = self._met(sizes, results["comparison"])
        results["partitioning"] = {
            "decision": PARTITIONING,
            "evidence": {name: size.get("partitioning_evidence") for name, size in sizes.items()},
        }
        return results

    @staticmethod
    def _comparison(sizes: dict) -> dict:
        paths = [
            "data.neighbourhoods",
            "data.results_rows",
            "data.measured_city.neighbourhoods",
            "dashboard.p95_ms",
            "dashboard.median_ms",
            "dashboard.queries",
            "national_overview.p95_ms",
            "sql_floor_s",
            "annual_snapshot_s",
            "annual_vs_floor",
            "monthly_snapshot_s",
            "annual_pdf_s",
            "annual_pdf_cpu_s",
            "monthly_pdf_s",
            "monthly_pdf_cpu_s",
            "report_build.peak_rss_mb",
            "report_build.build_share_mb",
        ]

        def pick(size, path):
            value = size
            for key in path.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            return value

        def ratios(top, bottom, what):
            return {"what": what, **{path: _ratio(pick(top, path), pick(bottom, path)) for path in paths}}

        province, national, alone = sizes.get("province"), sizes.get("national"), sizes.get(CITY_ALONE)
        if not (province and national):
            return {"note": "needs both sizes: make bench and make bench-national"}
        out = ratios(
            national,
            province,
            "national / province (the measured city SCALE is smaller at the national size: see data.measured_city)",
        )
        if alone:
            out["same_city"] = ratios(
                national,
                alone,
                f"national / {CITY_ALONE}: the same city size, with and without 33 other provinces around it",
            )
        return out

    @staticmethod
    def _met(sizes: dict, comparison: dict) -> tuple[dict, dict]:
        """Each target: true, false, or null when not measured yet; and by how much each missed one missed."""
        checks = {name: [] for name in TARGETS}  # (where, value, limit)
        for name, size in sizes.items():
            if name not in SIZES:  # the targets are for the two sizes of the issue
                continue
            dashboard = size.get("dashboard", {})
            checks["dashboard_p95"].append((name, dashboard.get("p95_ms"), 100))
            checks["dashboard_queries"].append((name, dashboard.get("queries"), 12))
            checks["annual_vs_floor"].append((name, size.get("annual_vs_floor"), 1.2))
            checks["city_pdf"].append((f"{name} annual", size.get("annual_pdf_s"), 1.5))
            checks["city_pdf"].append((f"{name} monthly", size.get("monthly_pdf_s"), 1.5))
            checks["peak_rss"].append((name, size.get("report_build", {}).get("peak_rss_mb"), 250))
        national = sizes.get("national", {})
        checks["national_overview"].append(("national", national.get("national_overview", {}).get("p95_ms"), 300))
        checks["dashboard_growth"].append(("national / province", comparison.get("dashboard.p95_ms"), 1.5))
        checks["peak_rss_flat"].append(("national / province", comparison.get("report_build.peak_rss_mb"), 1.2))
        met, missed = {}, {}
        both = all(name in sizes for name in SIZES)
        for name, rows in checks.items():
            over = [(where, value, limit) for where, value, limit in rows if value is not None and value > limit]
            if over:
                met[name] = False
                missed[name] = {
                    where: f"{value} against ≤ {limit} (× {value / limit:.2f})" for where, value, limit in over
                }
            else:
                met[name] = True if both and all(value is not None for _w, value, _l in rows) else None
        return met, missed
