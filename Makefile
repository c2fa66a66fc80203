# The entry point: `make run` serves the portal with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run worker beat test lint format bench messages check-deploy clean

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
# (--concurrency 1) because SQLite takes one writer at a time; with PostgreSQL drop it.
worker beat: export DEBUG := 1
worker: install
	@test -n "$$CELERY_BROKER_URL" || (echo "make worker needs CELERY_BROKER_URL, e.g. export CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (README: Worker, beat and Redis)"; exit 1)
	$(VENV)/bin/celery -A portal worker --loglevel INFO --concurrency 1

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
bench messages: export DEBUG := 1

# Speed targets, measured on PostgreSQL (DATABASE_URL): fills the synthetic province once, then times.
BENCH_SIZE ?= --wards 166 --neighbourhoods 4000 --months 36 --indicators 25
bench: install
	@test -n "$$DATABASE_URL" || (echo "make bench needs DATABASE_URL (PostgreSQL)"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_scale $(BENCH_SIZE)
	$(PY) manage.py bench --output bench/results.json

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
