"""The load test's users: city leaders, ward staff and ward leaders on the synthetic province (SCALE).

Run by `make bench-load` (reports/management/commands/bench_load.py), which creates the accounts, writes
the plan this file reads (LOAD_PLAN: the password, the months, criteria, wards and each account's
neighbourhoods, editable submissions and results), starts gunicorn and runs locust against it. Every user
logs in through the real login form, then reads pages with a think time of 1-5 s; ward staff also save a
draft through the real entry form (CSRF token, every field as the browser sends it, one note changed).
Each request is named by its page type, so locust's figures are per page type; every response time and
error is also written, unrounded, to LOAD_SAMPLES when locust quits, for the runner's figures.
"""

import itertools
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

if "LOAD_PLAN" not in os.environ:
    raise SystemExit("LOAD_PLAN is not set: run the load test with `make bench-load` (README, Load test).")
PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
PATHS = PLAN["paths"]  # the portal's addresses, from its urls.py: "…/{ward}/{period}/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SORTS = ["name", "complete", "reported", "late", "not_reported", "share"]
KINDS = ["phuong", "xa", "thi_tran"]
START = time.monotonic()
SAMPLES: dict[str, list[list[float]]] = defaultdict(list)  # page type → [s since the start, response time in ms]
ERRORS: Counter = Counter()  # (page type, error) → occurrences


@events.request.add_listener
def _record(name, response_time, exception, **_kwargs):
    SAMPLES[name].append([round(time.monotonic() - START, 2), response_time])
    if exception:
        ERRORS[(name, str(exception)[:300])] += 1


@events.user_error.add_listener
def _user_error(user_instance, exception, tb, **_kwargs):
    ERRORS[(f"{type(user_instance).__name__} code", repr(exception)[:300])] += 1


@events.quit.add_listener
def _write_samples(**_kwargs):
    if os.environ.get("LOAD_SAMPLES"):
        errors = [{"name": name, "error": error, "count": n} for (name, error), n in ERRORS.items()]
        Path(os.environ["LOAD_SAMPLES"]).write_text(json.dumps({"samples": SAMPLES, "errors": errors}))


class EntryForm(HTMLParser):
    """The fields of the entry form (#entry-form) as a browser posts them: inputs, selected options, text."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._inside = a.get("id") == "entry-form"
        if not self._inside or "disabled" in a or not a.get("name"):
            if tag == "option" and self._select and "selected" in a:
                self.fields[self._select] = a.get("value", "")
            return
        if tag == "input" and a.get("type", "text") not in ("file", "submit", "button", "checkbox", "radio"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    username = ""

    def on_start(self):
        page = self.client.get(PATHS["login"], name="login page")
        token = CSRF.search(page.text)
        data = {"username": self.username, "password": PLAN["password"], "next": PATHS["home"]}
        data["csrfmiddlewaretoken"] = token.group(1) if token else ""
        with self.client.post(PATHS["login"], data=data, name="login", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"login of {self.username} answered {r.status_code}, not a redirect")
        self.page(PATHS["home"], "home")

    def page(self, path: str, name: str, **params):
        """GET a page; a redirect to the login page (a lost session) counts as a failure."""
        with self.client.get(path, params=params or None, name=name, catch_response=True) as r:
            if r.ok and r.url.split("?")[0].endswith(PATHS["login"]):
                r.failure("sent to the login page")
            return r

    @staticmethod
    def month(recent: int = 3) -> int:
        return random.choice(PLAN["months"][:recent])


class CityLeader(PortalUser):
    """Reads the province: the dashboard in its variants, drill-downs, ward dashboards and reports."""

    weight = 3
    username = PLAN["city_leader"]

    @task(4)
    def dashboard(self):
        self.page(PATHS["dashboard"], "city dashboard", city=PLAN["city"])

    @task(3)
    def dashboard_variant(self):
        params = {"city": PLAN["city"], "period": self.month(6), "sort": random.choice(SORTS)}
        variant = random.random()
        if variant < 0.3:
            params["kind"] = random.choice(KINDS)
        elif variant < 0.5:
            params["q"] = random.choice(PLAN["search"])
        elif variant < 0.7:
            params["page"] = 2
        self.page(PATHS["dashboard"], "city dashboard", **params)

    @task(3)
    def criterion_units(self):
        params = {"period": self.month()}
        if random.random() < 0.5:
            params["met"] = random.choice(["0", "1"])
        if random.random() < 0.3:
            params["page"] = random.randint(2, 20)
        self.page(PATHS["criterion"].format(pk=random.choice(PLAN["criteria"])), "criterion units", **params)

    @task(3)
    def ward_dashboard(self):
        self.page(
            PATHS["ward_dashboard"].format(ward=random.choice(PLAN["wards"])), "ward dashboard", period=self.month()
        )

    @task(1)
    def ward_page(self):
        self.page(PATHS["ward_page"].format(ward=random.choice(PLAN["wards"])), "ward page")

    @task(1)
    def report_list(self):
        self.page(PATHS["report_list"], "report list")


_staff = itertools.count()
_ward_leaders = itertools.count()


class WardStaff(PortalUser):
    """Enters results for one ward: the grid of what is owed, entry pages, results; saves drafts."""

    weight = 5

    def on_start(self):
        self.account = PLAN["staff"][next(_staff) % len(PLAN["staff"])]
        self.username = self.account["username"]
        super().on_start()

    @task(4)
    def owed(self):
        self.page(PATHS["owed"].format(ward=self.account["ward"], period=self.month(2)), "owed grid")

    @task(4)
    def entry_page(self):
        hood = random.choice(self.account["hoods"])
        self.page(PATHS["entry"].format(period=self.month(2), hood=hood), "entry page")

    @task(1)
    def entry_save(self):
        if not self.account["editable"]:
            return
        path = PATHS["entry"].format(period=PLAN["months"][0], hood=random.choice(self.account["editable"]))
        page = self.page(path, "entry page")
        form = EntryForm()
        form.feed(page.text)
        notes = [name for name in form.fields if name.startswith("n_")]
        if not notes:
            return
        data = {**form.fields, random.choice(notes): f"Thử tải {time.strftime('%H:%M:%S')}", "save": ""}
        with self.client.post(path, data=data, name="entry save", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"the save answered {r.status_code}, not a redirect to the entry page")
                return
        self.page(path, "entry page")

    @task(2)
    def result_detail(self):
        self.page(PATHS["result"].format(pk=random.choice(self.account["results"])), "result detail")

    @task(1)
    def ward_dashboard(self):
        self.page(PATHS["ward_dashboard"].format(ward=self.account["ward"]), "ward dashboard")


class WardLeader(PortalUser):
    """Reviews one ward: the review list, the grid, the ward dashboard and submitted entries."""

    weight = 2

    def on_start(self):
        self.account = PLAN["ward_leaders"][next(_ward_leaders) % len(PLAN["ward_leaders"])]
        self.username = self.account["username"]
        super().on_start()

    @task(4)
    def review(self):
        self.page(PATHS["review"].format(ward=self.account["ward"], period=self.month(2)), "review list")

    @task(2)
    def owed(self):
        self.page(PATHS["owed"].format(ward=self.account["ward"], period=self.month(2)), "owed grid")

    @task(2)
    def ward_dashboard(self):
        self.page(PATHS["ward_dashboard"].format(ward=self.account["ward"]), "ward dashboard", period=self.month())

    @task(1)
    def entry_page(self):
        hood = random.choice(self.account["hoods"])
        self.page(PATHS["entry"].format(period=PLAN["months"][0], hood=hood), "entry page")
