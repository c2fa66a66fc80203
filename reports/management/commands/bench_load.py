"""A load test of the portal under gunicorn on the synthetic province: `make bench-load` (README, Load test).

Makes sure the SCALE province exists (seed_scale), creates the bench accounts (a city leader, and ward
staff and a ward leader for each of the first wards that have drafts to save), writes the plan that
bench/locustfile.py reads, collects the static files, starts gunicorn with a production environment (DEBUG
off, whitenoise serving the static files) on a free port, runs locust headless against it, stops gunicorn
and writes the figures per page type under the key "load" of bench/results.json, keeping every other key.
Needs PostgreSQL (DATABASE_URL) and locust (bench/requirements.txt). Timings, not tests.
"""

import json
import math
import os
import resource
import secrets
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse

from campaigns.results.models import Period, Result, Submission
from wards.models import City, Membership, Ward

CITY_CODE = "SCALE"
TARGET_P95_MS = 300
WORD, NUMBER, OTHER = "WARDCODE", 987654321, 987654322  # placeholders in reversed URLs, replaced by {…}
# The login checks the password: PBKDF2 with Django's 1,000,000 iterations, about 0.2 s of CPU by design.
# It is measured and shown, but the target is for the pages people wait on while they work.
NOT_TARGETED = {"login": "checks the password (PBKDF2, 1,000,000 iterations: ~0.2 s of CPU by design)"}


def _paths() -> dict:
    """The addresses the locust users request, as format strings ("/results/ward/{ward}/{period}/")."""

    def path(name: str, *args) -> str:
        url = reverse(name, args=args)
        return url.replace(WORD, "{ward}").replace(str(NUMBER), "{period}").replace(str(OTHER), "{hood}")

    return {
        "login": reverse("login"),
        "home": reverse("home"),
        "dashboard": reverse("reports:dashboard"),
        "criterion": path("reports:criterion-units", NUMBER).replace("{period}", "{pk}"),
        "ward_dashboard": path("reports:ward-dashboard", WORD),
        "ward_page": path("wards:ward-detail", WORD),
        "report_list": reverse("reports:report-list"),
        "owed": path("campaigns:owed", WORD, NUMBER),
        "review": path("campaigns:review", WORD, NUMBER),
        "entry": path("campaigns:entry-neighbourhood", NUMBER, OTHER),
        "result": path("campaigns:result-detail", NUMBER).replace("{period}", "{pk}"),
    }


def _account(username: str, password: str, role: str, **unit) -> None:
    """A bench user with this one membership (any other from an earlier run is removed)."""
    user, _created = get_user_model().objects.update_or_create(
        username=username, defaults={"password": password, "is_active": True}
    )
    membership, _created = Membership.objects.get_or_create(user=user, role=role, **unit)
    Membership.objects.filter(user=user).exclude(pk=membership.pk).delete()


def _ward_plan(ward: Ward, months: list[Period]) -> dict:
    """A ward's neighbourhoods, the drafts its staff can save this month, and some of its results."""
    latest = months[0]
    subs = Submission.objects.filter(ward=ward, period=latest, neighbourhood__isnull=False)
    editable = subs.filter(status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED])
    results = Result.objects.filter(submission__ward=ward, submission__period__in=months[:2]).order_by("?")
    return {
        "ward": ward.code,
        "hoods": list(subs.values_list("neighbourhood_id", flat=True)),
        "editable": list(editable.values_list("neighbourhood_id", flat=True)),
        "results": list(results.values_list("pk", flat=True)[:30]),
    }


def _plan(city: City, accounts: int) -> dict:
    """Create the bench accounts and return what the locust users need to know."""
    password = secrets.token_urlsafe(24)
    hashed = make_password(password)  # one hash for every account: the bench makes them all at once
    months = list(Period.objects.filter(kind=Period.Kind.MONTH, submissions__ward__city=city).distinct()[:6])
    if not months:
        raise CommandError("The SCALE province has no results: run `manage.py seed_scale` (make bench-load does).")
    latest = months[0]
    _account("bench-leader", hashed, Membership.Role.CITY_LEADER, city=city)
    editable = Submission.objects.filter(
        period=latest, status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED]
    ).values("ward")
    wards = list(Ward.objects.filter(city=city, pk__in=editable).order_by("code")[:accounts])
    staff, leaders = [], []
    for number, ward in enumerate(wards, start=1):
        ward_plan = _ward_plan(ward, months)
        staff.append({"username": f"bench-staff-{number:03d}", **ward_plan})
        leaders.append({"username": f"bench-ward-leader-{number:03d}", **ward_plan})
        _account(staff[-1]["username"], hashed, Membership.Role.WARD_STAFF, ward=ward)
        _account(leaders[-1]["username"], hashed, Membership.Role.WARD_LEADER, ward=ward)
    AccessAttempt.objects.filter(username__startswith="bench-").delete()  # no lockout left by an earlier run
    names = list(Ward.objects.filter(city=city).order_by("?").values_list("name", flat=True)[:8])
    criteria = latest.submissions.filter(ward__city=city).first().criteria_set.criteria.all()
    return {
        "password": password,
        "city": city.code,
        "city_leader": "bench-leader",
        "months": [p.pk for p in months],
        "criteria": list(criteria.values_list("pk", flat=True)),
        "wards": list(Ward.objects.filter(city=city).values_list("code", flat=True)),
        "search": [name.split()[-1] for name in names],
        "staff": staff,
        "ward_leaders": leaders,
        "paths": _paths(),
    }


def _production_env(static_root: Path) -> dict:
    """The environment of a production gunicorn (portal/environment.py), local and over plain HTTP."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "PORTAL_HTTPS", "SECURE_COOKIES")}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Checked, never used by the pages under load (no report is built): a database of Redis of its own.
        CELERY_BROKER_URL=os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/15"),
        EMAIL_HOST="localhost",
        DEFAULT_FROM_EMAIL="bench@localhost",
        STATIC_ROOT=str(static_root),
        LOG_FORMAT="text",
        LOG_LEVEL="WARNING",
    )
    return env


def _cpu(before, after) -> float:
    """CPU seconds (user and system) of the child processes waited for between two getrusage calls."""
    return round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped with code {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise CommandError(f"gunicorn did not answer {url} within {seconds} s")


def _duration_s(text: str) -> int:
    """Seconds from locust's run time: 300, 90s, 5m, 1h30m."""
    total, number = 0, ""
    for char in text.strip():
        if char.isdigit():
            number += char
        else:
            total += int(number or 0) * {"s": 1, "m": 60, "h": 3600}[char]
            number = ""
    return total + int(number or 0)


def _percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest time that `share` of the requests took at most."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _pages(samples: dict[str, list[list[float]]], errors: list[dict], after_s: float = 0) -> dict:
    """Figures per page type from every response time (ms) that locust measured, those after `after_s`."""
    failed = {}
    for error in errors:
        failed[error["name"]] = failed.get(error["name"], 0) + error["count"]
    samples = {name: [ms for at, ms in timed if at >= after_s] for name, timed in samples.items()}
    return {
        name: {
            "requests": len(times),
            "failures": failed.get(name, 0),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
            "p99_ms": round(_percentile(times, 0.99), 1),
            "max_ms": round(max(times), 1),
        }
        for name, times in sorted(samples.items())
        if times
    }


class Command(BaseCommand):
    help = "Load test: mixed users of the SCALE province against gunicorn with locust; figures to bench/results.json."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--spawn-rate", type=float, default=5)
        parser.add_argument("--time", default="5m", help="Run time in locust's words: 300s, 5m.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
        parser.add_argument("--accounts", type=int, default=30, help="Wards given a staff and a leader account.")
        parser.add_argument("--seed-args", default="", help="seed_scale's options when there is no SCALE province.")
        parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
        parser.add_argument("--keep", action="store_true", help="Keep the work folder (plan, samples, gunicorn log).")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("warning: not PostgreSQL; the target is for PostgreSQL (set DATABASE_URL)")
        bin_dir = Path(sys.executable).parent
        if not (bin_dir / "locust").exists():
            raise CommandError(f"No locust in {bin_dir}: pip install -r bench/requirements.txt (make bench-load does)")
        city = City.objects.filter(code=CITY_CODE).first()
        if city is None:
            self.stdout.write(f"No SCALE province yet: seed_scale {options['seed_args']}")
            call_command("seed_scale", *shlex.split(options["seed_args"]))
            city = City.objects.get(code=CITY_CODE)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics, as a live database has them
        plan = _plan(city, options["accounts"])
        work = Path(tempfile.mkdtemp(prefix="bench-load-"))
        try:
            load = self._run(plan, work, bin_dir, options)
        finally:
            connection.close()
        load["size"] = {
            "wards": city.wards.count(),
            "neighbourhoods": Submission.objects.filter(ward__city=city, period_id=plan["months"][0]).count(),
            "months": Period.objects.filter(kind=Period.Kind.MONTH, submissions__ward__city=city).distinct().count(),
        }
        self._write(options["output"], load)
        if options["keep"] or load["failures"]:
            self.stdout.write(f"work folder kept: {work} (plan, samples, gunicorn.log)")
        else:
            shutil.rmtree(work, ignore_errors=True)

    def _run(self, plan: dict, work: Path, bin_dir: Path, options: dict) -> dict:
        (work / "plan.json").write_text(json.dumps(plan))
        env = _production_env(work / "static")
        self.stdout.write("Collecting the static files (manifest and compressed copies, as in production)")
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, env=env, check=True, cwd=settings.BASE_DIR)
        host = f"http://127.0.0.1:{_free_port()}"
        gunicorn = [str(bin_dir / "gunicorn"), "portal.wsgi", "--workers", str(options["workers"])]
        gunicorn += ["--bind", host.removeprefix("http://"), "--no-control-socket"]  # no socket shared with others
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with (work / "gunicorn.log").open("w") as log:
            server = subprocess.Popen(gunicorn, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR)
            try:
                _wait_ready(host + plan["paths"]["login"], server)
                self.stdout.write(f"gunicorn ({options['workers']} workers) at {host}: {options['users']} users")
                run = self._locust(host, work, bin_dir, options)
                after_locust = resource.getrusage(resource.RUSAGE_CHILDREN)
            finally:
                server.terminate()
                server.wait(timeout=60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        run["cpu_s"] = {"gunicorn": _cpu(after_locust, after), "locust": _cpu(before, after_locust)}
        return run | self._figures(work, options, run)

    def _locust(self, host: str, work: Path, bin_dir: Path, options: dict) -> dict:
        """Run locust to its end, noting the load average every 15 s (other work on the machine shows there)."""
        locust = [str(bin_dir / "locust"), "-f", "bench/locustfile.py", "--headless", "--host", host]
        locust += ["-u", str(options["users"]), "-r", str(options["spawn_rate"]), "-t", options["time"]]
        locust += ["--only-summary", "--stop-timeout", "5"]
        files = {"LOAD_PLAN": str(work / "plan.json"), "LOAD_SAMPLES": str(work / "samples.json")}
        started, load_start, during = datetime.now(UTC), os.getloadavg(), []
        process = subprocess.Popen(locust, env={**os.environ, **files}, cwd=settings.BASE_DIR)
        while True:
            try:
                process.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                during.append(round(os.getloadavg()[0], 2))
        return {
            "started": started.isoformat(timespec="seconds"),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
            "load_average_1min_every_15s": during,
        }

    def _figures(self, work: Path, options: dict, run: dict) -> dict:
        measured = json.loads((work / "samples.json").read_text())
        errors = measured["errors"]
        pages = _pages(measured["samples"], errors)
        targeted = {name: page for name, page in pages.items() if name not in NOT_TARGETED}
        slow = sorted(name for name, page in targeted.items() if page["p95_ms"] > TARGET_P95_MS)
        failures = sum(e["count"] for e in errors)
        requests = sum(page["requests"] for page in pages.values())
        return {
            "users": options["users"],
            "spawn_rate_per_s": options["spawn_rate"],
            "duration_s": _duration_s(options["time"]),
            "think_time_s": [1, 5],
            "mix": {"city leader": 3, "ward staff": 5, "ward leader": 2},
            "gunicorn_workers": options["workers"],
            "cpus": os.cpu_count(),
            "requests": requests,
            "requests_per_s": round(requests / max(1, _duration_s(options["time"])), 1),
            # CPU of the web processes per request: what the load costs, whatever else runs on the machine.
            "gunicorn_cpu_ms_per_request": round(1000 * run["cpu_s"]["gunicorn"] / max(1, requests), 1),
            "failures": failures,
            "errors": errors,
            "pages": pages,
            # The same without the first minute (the users logging in, 0.2 s of CPU each): steady load.
            "pages_after_first_minute": {
                name: {key: page[key] for key in ("requests", "median_ms", "p95_ms")}
                for name, page in _pages(measured["samples"], [], after_s=60).items()
            },
            "target": f"p95 ≤ {TARGET_P95_MS} ms on every page type, no failure",
            "not_targeted": {name: why for name, why in NOT_TARGETED.items() if name in pages},
            "over_target": slow,
            "met": not slow and failures == 0 and bool(pages),
        }

    def _write(self, output: Path, load: dict) -> None:
        """Read-modify-write: only the key "load" is replaced, whatever else the file holds."""
        results = json.loads(output.read_text()) if output.exists() else {}
        results["load"] = load
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(f"{'page type':<18} {'requests':>8} {'fail':>5} {'median':>7} {'p95':>6}  (ms)")
        for name, page in sorted(load["pages"].items()):
            self.stdout.write(
                f"{name:<18} {page['requests']:>8} {page['failures']:>5} {page['median_ms']!s:>7} {page['p95_ms']!s:>6}"
            )
        self.stdout.write(
            f"{load['requests']} requests, {load['failures']} failures; load average {load['load_average_start']} → "
            f'{load["load_average_end"]}; met: {load["met"]}; written to {output} under "load"'
        )
