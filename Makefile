# The entry point: `make run` serves the portal with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run worker beat test lint format bench bench-national bench-load messages check-deploy clean

$(VENV)/.installed: requirements.txt
	@echo "==> Installing the Python packages into $(VENV) (the first time and after requirements.txt changes: about a minute)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Another port: make run HOST=127.0.0.1:8080 (another address must also be in ALLOWED_HOSTS; README).
run: install
	@echo "==> Database: applying migrations (SQLite, db.sqlite3, unless DATABASE_URL is set)"
	DEBUG=1 $(PY) manage.py migrate --noinput
	@echo "==> Demo data: units, criteria, results, campaigns and reports (about half a minute the first time)"
	DEBUG=1 $(PY) manage.py load_demo
	@if [ -z "$$CELERY_BROKER_URL" ]; then \
		echo "==> Tasks run inside the web process: reports are built when someone presses \"Lập ngay\";"; \
		echo "    schedules and reminders need Redis, a worker and beat (README: Worker, beat and Redis)"; \
	else echo "==> Tasks go to $$CELERY_BROKER_URL: run make worker and make beat beside this"; fi
	@echo "==> Portal: http://$(HOST)/ (another port: make run HOST=127.0.0.1:8080; stop with Ctrl+C)"
	DEBUG=1 $(PY) manage.py runserver $(HOST)

# Scheduled reports and reminders in development, beside `make run` and against its database: a Redis
# and the same CELERY_BROKER_URL in every terminal (README: Worker, beat and Redis). One worker process
# (--concurrency 1) because SQLite takes one writer at a time; with PostgreSQL drop it. It consumes the three
# queues; production runs a worker per queue (README: Production).
worker beat: export DEBUG := 1
worker: install
	@test -n "$$CELERY_BROKER_URL" || (echo "make worker needs CELERY_BROKER_URL, e.g. export CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (README: Worker, beat and Redis)"; exit 1)
	$(VENV)/bin/celery -A portal worker -Q default,reports,reminders --loglevel INFO --concurrency 1

beat: install
	@test -n "$$CELERY_BROKER_URL" || (echo "make beat needs CELERY_BROKER_URL, e.g. export CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (README: Worker, beat and Redis)"; exit 1)
	$(VENV)/bin/celery -A portal beat --loglevel INFO

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# manage.py with DEBUG off is production and refuses to start without its environment (README, Deploy);
# the benchmark and the translation tools are development, run with DEBUG=1 like `make run`.
bench bench-national messages: export DEBUG := 1

# Speed targets, measured on PostgreSQL (DATABASE_URL): fills the synthetic data once, then times; figures
# under sizes.province / sizes.national of bench/results.json (README, Speed). One database per size
# (seed_scale refuses a database holding the other size), e.g. bench_province and bench_national.
BENCH_SIZE ?= --wards 166 --neighbourhoods 4000 --months 36 --indicators 25
BENCH_NATIONAL_SIZE ?= --provinces 34 --wards 3321 --neighbourhoods 60000 --months 12 --indicators 25
bench: install
	@test -n "$$DATABASE_URL" || (echo "make bench needs DATABASE_URL (PostgreSQL)"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_scale $(BENCH_SIZE)
	$(PY) manage.py bench --size province --output bench/results.json

# The same figures on 34 provinces (18 M results; the first seeding takes about 11 minutes; README, Speed).
bench-national: install
	@test -n "$$DATABASE_URL" || (echo "make bench-national needs DATABASE_URL (PostgreSQL, not the make bench one)"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_scale $(BENCH_NATIONAL_SIZE)
	$(PY) manage.py bench --size national --output bench/results.json

# Rebuild the translation catalogue after changing user-facing strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --locale vi --locale en --ignore '.venv/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

# `check --deploy` with the production environment of .env.example (HTTPS declared), a random SECRET_KEY and
# the database and broker URLs that compose.yaml sets; any warning fails. tests/deploy runs the same check.
check-deploy: install
	env -i PATH="$$PATH" sh -c 'set -a && . ./.env.example && \
		SECRET_KEY="$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))")" && \
		DATABASE_URL=postgres://kieumau:check@db:5432/kieumau && CELERY_BROKER_URL=redis://redis:6379/0 && \
		exec $(PY) manage.py check --deploy --fail-level WARNING'

# Load test (README, Load test): LOAD_USERS users of mixed roles (city leader, ward staff, ward leader) for
# LOAD_TIME against gunicorn with LOAD_WORKERS processes, on the synthetic province (seeded with BENCH_SIZE
# when missing), PostgreSQL only; the figures go under "load" in bench/results.json. locust comes from
# bench/requirements.txt, not requirements.txt: the portal does not need it.
LOAD_USERS ?= 50
LOAD_TIME ?= 5m
LOAD_WORKERS ?= 2
# Users arriving per second: 50 users log in over 50 s, as a morning's staff do (5 a second is a flash crowd whose
# password hashing, ~0,2 s of CPU each, fills a core: README, Load test).
LOAD_SPAWN_RATE ?= 1
$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r bench/requirements.txt
	touch $@

bench-load: export DEBUG := 1
bench-load: $(VENV)/.bench-installed
	@test -n "$$DATABASE_URL" || (echo "make bench-load needs DATABASE_URL (PostgreSQL)"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bench_load --users $(LOAD_USERS) --time $(LOAD_TIME) --workers $(LOAD_WORKERS) --spawn-rate $(LOAD_SPAWN_RATE) \
		--seed-args "$(BENCH_SIZE)" --output bench/results.json

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
