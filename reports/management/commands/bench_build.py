"""One city-wide annual report build in its own process, for `manage.py bench`'s peak-RSS figure.

`manage.py bench` runs this command as a child process and reads the child's peak resident set size from
the kernel (os.wait4's rusage, ru_maxrss): the whole process, interpreter, Django, WeasyPrint and the
report, not only the Python heap. `--baseline` imports the same modules and builds nothing, so the build's
own share is the difference. Prints one line of JSON: timings and the process's peak RSS as VmHWM of
/proc/self/status (the high-water mark of this program's memory since exec). ru_maxrss is printed too but is
not the figure: Linux carries the forking parent's RSS into a child's ru_maxrss across exec (a child of a
140 MB `manage.py bench` reports at least 140 MB whatever it does).
"""

import json
import resource
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from campaigns.results.models import Period
from reports.exports import pdf_bytes, xlsx_bytes
from reports.summaries import annual_snapshot
from wards.models import City


class Command(BaseCommand):
    help = "Build one city's annual snapshot, workbook and PDF (manage.py bench measures this process's peak RSS)."

    def add_arguments(self, parser):
        parser.add_argument("--city", default="SCALE", help="City code (default SCALE).")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--today", type=date.fromisoformat, required=True, help="The build day, YYYY-MM-DD.")
        parser.add_argument("--baseline", action="store_true", help="Import everything, build nothing.")

    def handle(self, *args, city: str, year: int, today: date, baseline: bool, **options):
        unit = City.objects.filter(code=city).first()
        if unit is None:
            raise CommandError(f"No city {city}: run manage.py seed_scale first.")
        period = Period.objects.get(kind=Period.Kind.YEAR, year=year)
        timings = {}
        if not baseline:
            start = time.perf_counter()
            snapshot = annual_snapshot(city=unit, ward=None, period=period, today=today)
            timings["snapshot_s"] = round(time.perf_counter() - start, 3)
            start = time.perf_counter()
            xlsx = xlsx_bytes(snapshot)
            timings["xlsx_s"] = round(time.perf_counter() - start, 3)
            start = time.perf_counter()
            pdf = pdf_bytes(snapshot)
            timings["pdf_s"] = round(time.perf_counter() - start, 3)
            timings["xlsx_bytes"], timings["pdf_bytes"] = len(xlsx), len(pdf)
        maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
        self.stdout.write(
            json.dumps({"baseline": baseline, "vmhwm_kb": _vmhwm_kb(), "maxrss_kb": maxrss_kb, **timings})
        )


def _vmhwm_kb() -> int | None:
    """This process's peak resident set size since exec, in KB (Linux; None elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
