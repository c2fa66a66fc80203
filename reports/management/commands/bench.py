"""Measure report builds, the SQL floor, the dashboard and exports on the synthetic province.

Run through `make bench` (PostgreSQL via DATABASE_URL, after seed_scale). Timings, not tests.
"""

import json
import platform
import statistics
import time
import tracemalloc
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.results.models import Period, Submission
from reports.exports import pdf_bytes, xlsx_bytes
from reports.summaries import annual_snapshot, monthly_snapshot
from wards.models import City, Membership

FLOOR_SQL = """
-- The annual snapshot's figures in hand-written SQL (campaigns/results/figures): month by month; each
-- year-end unit's latest monthly report that counts, this year and the year before; criteria met and
-- assessed over those reports; the ward ranking from them.
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
SELECT 'trend', s.period_id, NULL::text, count(*), count(*) FILTER (WHERE s.is_complete)
FROM campaigns_submission s JOIN campaigns_period p ON p.id = s.period_id
JOIN wards_neighbourhood n ON n.id = s.neighbourhood_id JOIN wards_ward w ON w.id = n.ward_id
WHERE w.city_id = %(city)s AND p.kind = 'month' AND p.year = %(year)s AND s.status IN ('submitted', 'approved')
  AND (n.valid_from IS NULL OR n.valid_from <= p."end") AND (n.valid_to IS NULL OR n.valid_to > p.start)
GROUP BY s.period_id
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
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


class Command(BaseCommand):
    help = "Time the report builds, the SQL floor, the city dashboard and the exports on the SCALE province."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
        parser.add_argument("--requests", type=int, default=30)

    def handle(self, *args, output: Path, requests: int, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("warning: not PostgreSQL; the targets are for PostgreSQL (set DATABASE_URL)")
        if connection.vendor == "postgresql":  # planner statistics of every table, as a live database has them
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        city = City.objects.filter(code="SCALE").first()
        if city is None:
            raise CommandError("No SCALE province: run `python manage.py seed_scale` first (make bench does).")
        last_month = (
            Period.objects.filter(kind=Period.Kind.MONTH, submissions__ward__city=city).order_by("-start").first()
        )
        year = last_month.year - 1 if last_month.number < 12 else last_month.year
        year_period = Period.objects.get(kind=Period.Kind.YEAR, year=year)
        today = last_month.deadline
        counts = {
            "wards": city.wards.count(),
            "neighbourhoods": Submission.objects.filter(ward__city=city, period=last_month).count(),
            "months": Period.objects.filter(kind=Period.Kind.MONTH, submissions__ward__city=city).distinct().count(),
        }

        def floor():
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_SQL, {"year": year, "city": city.pk, "end": year_period.end})
                return cursor.fetchall()

        floor_s, _rows = _timed(floor)
        annual_s, annual = _timed(lambda: annual_snapshot(city=city, ward=None, period=year_period, today=today))
        monthly_s, monthly = _timed(lambda: monthly_snapshot(city=city, ward=None, period=last_month, today=today))
        xlsx_s, _x = _timed(lambda: xlsx_bytes(annual))
        pdf_s, _p = _timed(lambda: pdf_bytes(annual), repeat=1)
        monthly_xlsx_s, _mx = _timed(lambda: xlsx_bytes(monthly))
        monthly_pdf_s, _mp = _timed(lambda: pdf_bytes(monthly), repeat=1)

        tracemalloc.start()
        snap = annual_snapshot(city=city, ward=None, period=year_period, today=today)
        xlsx_bytes(snap)
        pdf_bytes(snap)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        user, _ = get_user_model().objects.get_or_create(username="bench-leader")
        Membership.objects.get_or_create(user=user, role=Membership.Role.CITY_LEADER, city=city)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        url = reverse("reports:dashboard") + f"?city={city.code}&period={last_month.pk}"
        client.get(url)  # warm up
        times = []
        for _ in range(requests):
            reset_queries()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        results = {
            "machine": {
                "python": platform.python_version(),
                "system": platform.platform(),
                "cpus": __import__("os").cpu_count(),
                "database": connection.vendor,
                "server": connection.cursor().connection.server_version if connection.vendor == "postgresql" else None,
            },
            "size": counts,
            "year": year,
            "sql_floor_s": round(floor_s, 3),
            "annual_snapshot_s": round(annual_s, 3),
            "annual_vs_floor": round(annual_s / floor_s, 2) if floor_s else None,
            "monthly_snapshot_s": round(monthly_s, 3),
            "annual_xlsx_s": round(xlsx_s, 3),
            "annual_pdf_s": round(pdf_s, 3),
            "monthly_xlsx_s": round(monthly_xlsx_s, 3),
            "monthly_pdf_s": round(monthly_pdf_s, 3),
            "report_build_peak_mb": round(peak_mb, 1),
            "dashboard_median_ms": round(1000 * statistics.median(times), 1),
            "dashboard_p95_ms": round(1000 * p95, 1),
            "dashboard_queries": len(queries),
            "targets": {
                "annual_snapshot_s": "≤ 10 and ≤ 1.5 × floor",
                "monthly_snapshot_s": "≤ 3",
                "dashboard_p95_ms": "≤ 300",
                "dashboard_queries": "≤ 20",
                "report_build_peak_mb": "≤ 300",
            },
        }
        results["met"] = {
            "annual": annual_s <= 10 and annual_s <= 1.5 * floor_s,
            "monthly": monthly_s <= 3,
            "dashboard": p95 <= 0.3 and len(queries) <= 20,
            "memory": peak_mb <= 300,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        width = max(len(k) for k in results)
        for key, value in results.items():
            if isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            self.stdout.write(f"{key:<{width}}  {value}")
        self.stdout.write(f"written to {output}")
